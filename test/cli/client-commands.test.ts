import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../helpers/ferry-server';
import { ensurePeers, externalPeers, ferryPeer, Peer } from '../helpers/peers';
import { run, sha256 } from '../helpers/processes';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');

function ferry(...args: string[]) {
  return run(process.execPath, [CLI, ...args], { timeoutMs: 60_000 });
}

/** The `ferry` client commands, run as a user would, against Ferry's server and vsftpd (no MLSD). */
describe('CLI client commands: ls, get, put, rm, mkdir, mv, chmod', function () {
  this.timeout(120_000);
  let own: TestServer;
  const peers: Peer[] = [];
  let local: string;
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    const f = await ferryPeer();
    own = f.server;
    peers.push(f.peer, externalPeers().find((p) => p.name === 'vsftpd')!);
    local = tempDir('ferry-cli-');
  });
  after(async () => {
    await own?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('put and get keep modification times; --no-preserve-time leaves them "now"', async () => {
    const peer = peers.find((p) => p.name === 'vsftpd')!;
    const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${peer.port}`;
    const base = `cli-time-${randomBytes(3).toString('hex')}`;
    const file = path.join(local, `${base}.txt`);
    const past = new Date('2019-07-08T09:10:11Z');
    writeFileSync(file, 'old news');
    utimesSync(file, past, past);
    let r = await ferry('put', file, `${url}/${base}.txt`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(path.join(peer.dataDir, `${base}.txt`)).mtime.getTime(), past.getTime());
    const started = Date.now() - 2000;
    r = await ferry('put', file, `${url}/${base}-now.txt`, '--no-preserve-time');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(path.join(peer.dataDir, `${base}-now.txt`)).mtime.getTime() >= started);
    r = await ferry('get', `${url}/${base}.txt`, path.join(local, `${base}.down`));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(path.join(local, `${base}.down`)).mtime.getTime(), past.getTime());
    r = await ferry('get', `${url}/${base}.txt`, path.join(local, `${base}.now`), '--no-preserve-time');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(path.join(local, `${base}.now`)).mtime.getTime() >= started);
  });

  for (const name of ['ferry', 'vsftpd']) {
    for (const mode of ['--passive', '--active']) {
      it(`${name} ${mode}: a full session of commands, checked on the server's disk`, async () => {
        const peer = peers.find((p) => p.name === name)!;
        const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${peer.port}`;
        const base = `cli-${randomBytes(3).toString('hex')}`;
        const payload = randomBytes(1_200_000);
        const file = path.join(local, `${base}.bin`);
        writeFileSync(file, payload);

        let r = await ferry('mkdir', '-p', `${url}/${base}/a b/c`, mode);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(statSync(path.join(peer.dataDir, base, 'a b', 'c')).isDirectory());

        // A partial upload, then --continue completes it.
        writeFileSync(file + '.part', payload.subarray(0, 500_000));
        r = await ferry('put', file + '.part', `${url}/${base}/a b/data.bin`, mode);
        assert.equal(r.code, 0, r.stderr);
        r = await ferry('put', file, `${url}/${base}/a b/data.bin`, '--continue', mode);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /resumed at 500000/);
        assert.equal(sha256(readFileSync(path.join(peer.dataDir, base, 'a b', 'data.bin'))), sha256(payload));

        r = await ferry('ls', '-l', `${url}/${base}/a b/`, mode);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^-rw.* 1200000 .* data\.bin$/m);
        assert.match(r.stdout, /^d.* c$/m);

        r = await ferry('chmod', '600', `${url}/${base}/a b/data.bin`, mode);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(statSync(path.join(peer.dataDir, base, 'a b', 'data.bin')).mode & 0o777, 0o600);

        const down = path.join(local, `${base}.down`);
        writeFileSync(down, payload.subarray(0, 123_456));
        r = await ferry('get', `${url}/${base}/a b/data.bin`, down, '--continue', mode);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /resumed at 123456/);
        assert.equal(sha256(readFileSync(down)), sha256(payload));

        r = await ferry('mv', `${url}/${base}/a b/data.bin`, `${base}/moved.bin`, mode);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(existsSync(path.join(peer.dataDir, base, 'moved.bin')));

        const tree = path.join(local, `${base}-tree`);
        mkdirSync(path.join(tree, 'x'), { recursive: true });
        writeFileSync(path.join(tree, 'x', '.dot'), 'dot');
        writeFileSync(path.join(tree, 'kib.bin'), Buffer.alloc(1536));
        r = await ferry('put', tree, `${url}/${base}/`, mode);
        assert.equal(r.code, 0, r.stderr);
        // 1539 bytes in IEC units, as the editor shows sizes (not 1.5 "KB" of 1000).
        assert.match(r.stdout, /^uploaded 2 files \(1\.5 KiB\) to /m);
        assert.equal(readFileSync(path.join(peer.dataDir, base, `${base}-tree`, 'x', '.dot'), 'utf8'), 'dot');
        r = await ferry('get', `${url}/${base}/${base}-tree`, path.join(local, `${base}-back`), mode);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(readFileSync(path.join(local, `${base}-back`, 'x', '.dot'), 'utf8'), 'dot');

        r = await ferry('rm', '-r', `${url}/${base}`, mode);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!existsSync(path.join(peer.dataDir, base)), 'tree removed on the server');
      });
    }
  }

  it('fails with a non-zero exit and one clear line: missing file, bad login, bad mode, refused port', async () => {
    const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${own.port}`;
    const cases: [string[], RegExp][] = [
      [['get', `${url}/nope.bin`, path.join(local, 'x')], /nope\.bin: no such file or directory on the server/],
      [['ls', `ftp://${TEST_USER}:wrong@127.0.0.1:${own.port}/`], /530 .*check the user name and password/],
      [['chmod', '9z9', `${url}/x`], /usage error: MODE must be octal/],
      [['ls', 'ftp://u:p@127.0.0.1:1/'], /nothing listens on that host and port/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [args, expected] of cases) {
      const r = await ferry(...args);
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
      assert.match(r.stderr, expected);
      assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    }
  });
});
