import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../helpers/ferry-server';
import { ensurePeers, externalPeers, ferryPeer, Peer } from '../helpers/peers';
import { run, sha256 } from '../helpers/processes';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');

function ferry(...args: string[]) {
  return run(process.execPath, [CLI, ...args], { timeoutMs: 60_000 });
}

/** Raw names (hex) in a directory on disk. */
function namesOnDisk(dir: string): string[] {
  return readdirSync(dir, { encoding: 'buffer' })
    .map((n) => n.toString('hex'))
    .sort();
}

/** `--encoding`, `--source-encoding`, `--target-encoding` on the commands, against vsftpd holding GBK names. */
describe('CLI: name encodings', function () {
  this.timeout(120_000);
  let vsftpd: Peer;
  let own: TestServer;
  let ownPeer: Peer;
  let local: string;
  let dir: string;
  let dirOnDisk: string;
  const gbk = (text: string) => iconv.encode(text, 'gbk');
  const content = randomBytes(30_000);

  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    ({ server: own, peer: ownPeer } = await ferryPeer());
    local = tempDir('ferry-cli-enc-');
    dir = `cli-enc-${randomBytes(3).toString('hex')}`;
    dirOnDisk = path.join(vsftpd.dataDir, dir);
    mkdirSync(dirOnDisk);
    const file = Buffer.concat([Buffer.from(dirOnDisk + '/'), gbk('中文报告.bin')]);
    writeFileSync(file, content);
    const owner = statSync(vsftpd.dataDir);
    for (const p of [dirOnDisk, file]) chownSync(p, owner.uid, owner.gid);
  });
  after(async () => {
    await own?.stop();
    rmSync(local, { recursive: true, force: true });
    rmSync(dirOnDisk, { recursive: true, force: true });
  });

  const url = () => `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${vsftpd.port}/${dir}`;

  it('ls, get, put, mv, chmod, rm with --encoding gbk work on the GBK bytes', async () => {
    let r = await ferry('ls', `${url()}/`, '--encoding', 'gbk');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '中文报告.bin');

    const down = path.join(local, 'down.bin');
    r = await ferry('get', `${url()}/中文报告.bin`, down, '--encoding=GBK');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(down)), sha256(content));

    r = await ferry('put', down, `${url()}/上传.bin`, '--encoding', 'gbk');
    assert.equal(r.code, 0, r.stderr);
    r = await ferry('mv', `${url()}/上传.bin`, `${dir}/改名.bin`, '--encoding', 'gbk');
    assert.equal(r.code, 0, r.stderr);
    r = await ferry('chmod', '600', `${url()}/改名.bin`, '--encoding', 'gbk');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(Buffer.concat([Buffer.from(dirOnDisk + '/'), gbk('改名.bin')])).mode & 0o777, 0o600);
    assert.deepEqual(namesOnDisk(dirOnDisk), [gbk('中文报告.bin').toString('hex'), gbk('改名.bin').toString('hex')].sort());
    r = await ferry('rm', `${url()}/改名.bin`, '--encoding', 'gbk');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(namesOnDisk(dirOnDisk), [gbk('中文报告.bin').toString('hex')]);
  });

  it('without --encoding the name shows its bytes as escape characters, and %XX bytes in the URL reach it', async () => {
    let r = await ferry('ls', `${url()}/`);
    assert.equal(r.code, 0, r.stderr);
    // D6 D0 CE C4 B1 A8 B8 E6: "C4 B1" happens to be UTF-8 for "ı", every other byte is escaped.
    assert.equal(r.stdout.trim(), '\uEFD6\uEFD0\uEFCE\u0131\uEFA8\uEFB8\uEFE6.bin');
    const hexName = [...gbk('中文报告')].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    r = await ferry('get', `${url()}/${hexName}.bin`, path.join(local, 'raw.bin'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(path.join(local, 'raw.bin'))), sha256(content));
  });

  it('fxp --source-encoding gbk --target-encoding utf8 keeps the text; queue add keeps the encodings', async () => {
    const target = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${ownPeer.port}/`;
    let r = await ferry('fxp', `${url()}/中文报告.bin`, target, '--source-encoding', 'gbk', '--target-encoding', 'utf8');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(path.join(own.root, '中文报告.bin'))), sha256(content));
    assert.ok(readdirSync(own.root, { encoding: 'buffer' }).some((n) => n.equals(Buffer.from('中文报告.bin'))), 'UTF-8 bytes on disk');

    const queue = path.join(local, 'queue.json');
    r = await ferry('queue', 'add', `${url()}/中文报告.bin`, `${target}queued.bin`, '--source-encoding', 'gbk', '--queue', queue);
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(readFileSync(queue, 'utf8'));
    assert.match(JSON.stringify(job), /"encoding":"gbk"/);
    r = await run(process.execPath, [CLI, 'queue', 'run', '--queue', queue], { timeoutMs: 60_000, env: { FERRY_PASSWORD: TEST_PASSWORD } });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(sha256(readFileSync(path.join(own.root, 'queued.bin'))), sha256(content));
  });

  it('an unknown encoding is a usage error listing the valid ones; --help lists them', async () => {
    let r = await ferry('ls', `${url()}/`, '--encoding', 'klingon');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /usage error: --encoding: unknown encoding "klingon"; use one of auto, utf8, gbk, gb18030, big5, shift_jis/);
    r = await ferry('fxp', `${url()}/a`, `${url()}/b`, '--target-encoding', 'x');
    assert.match(r.stderr, /--target-encoding: unknown encoding "x"/);
    r = await ferry('--help');
    assert.match(r.stdout, /--encoding NAME/);
    assert.match(r.stdout, /name encodings: auto .*utf8, gbk, gb18030, big5, shift_jis, euc-jp/);
    assert.match(r.stdout, /--source-encoding NAME/);
  });
});
