import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { copyFile, CopyOptions, TransferQueue } from '../../../src/core/fxp';
import { runCli } from '../../helpers/cli-process';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { ensurePeers, externalPeers, ferryPeer, Peer } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';
import { queueCli, site, watchTransfers } from './queue-kit';

const OLD_TIME = new Date('2020-01-02T03:04:05Z');
const seconds = (file: string) => Math.floor(statSync(file).mtimeMs / 1000);

describe('FXP skip-identical, preserved modification times, and the reported data protection', function () {
  this.timeout(120_000);
  let source: TestServer;
  let target: TestServer;
  let vsftpd: Peer;
  const clients: FtpClient[] = [];
  const client = (port: number, extra: object = {}) => {
    const c = new FtpClient({ host: '127.0.0.1', port, user: TEST_USER, password: TEST_PASSWORD, maxConnections: 3, ...extra });
    clients.push(c);
    return c;
  };

  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    source = await startTestServer({ tunables: { allow_fxp: true } });
    target = await startTestServer({ tunables: { allow_fxp: true } });
  });
  after(async () => {
    clients.forEach((c) => c.close());
    await source.stop();
    await target.stop();
  });

  function sourceFile(name: string, size: number): Buffer {
    const bytes = randomBytes(size);
    writeFileSync(path.join(source.root, name), bytes);
    utimesSync(path.join(source.root, name), OLD_TIME, OLD_TIME);
    return bytes;
  }

  it('Ferry to Ferry: the copy gets the source time (MFMT); an identical target is skipped by hash without RETR/STOR; a changed one is copied', async () => {
    const bytes = sourceFile('same.bin', 300_000);
    const [retr, stor] = [watchTransfers(source), watchTransfers(target)];
    const from = { client: client(source.port), path: 'same.bin' };
    const to = { client: client(target.port), path: 'same.bin' };
    const options: CopyOptions = { conflict: 'skip-identical', allowRelay: false };
    const first = await copyFile(from, to, options);
    assert.equal(first.method, 'fxp');
    const copy = path.join(target.root, 'same.bin');
    assert.equal(seconds(copy), OLD_TIME.getTime() / 1000, 'the target has the source modification time');
    const second = await copyFile(from, to, options);
    assert.equal(second.method, 'skipped');
    assert.equal(second.verified, 'size+sha256');
    assert.equal(retr.count('RETR', 'same.bin'), 1, 'no RETR for the identical file');
    assert.equal(stor.count('STOR', 'same.bin'), 1, 'no STOR for the identical file');
    const changed = Buffer.from(bytes);
    changed[1000] ^= 0xff;
    writeFileSync(copy, changed);
    utimesSync(copy, OLD_TIME, OLD_TIME);
    const third = await copyFile(from, to, options);
    assert.equal(third.method, 'fxp', 'same size and time, other bytes: copied');
    assert.equal(retr.count('RETR', 'same.bin'), 2);
    assert.equal(sha256(readFileSync(copy)), sha256(bytes));
  });

  it('Ferry to vsftpd (no common hash): MDTM sets the time, the same size and time to the second skip, another time copies', async () => {
    sourceFile('mtime.bin', 200_000);
    const name = `mtime-${randomBytes(3).toString('hex')}.bin`;
    const retr = watchTransfers(source);
    const from = { client: client(source.port), path: 'mtime.bin' };
    const to = { client: client(vsftpd.port), path: name };
    const onDisk = path.join(vsftpd.dataDir, name);
    try {
      const options: CopyOptions = { conflict: 'skip-identical', allowRelay: false };
      assert.equal((await copyFile(from, to, options)).method, 'fxp');
      assert.equal(seconds(onDisk), OLD_TIME.getTime() / 1000, 'vsftpd took the two-argument MDTM');
      const again = await copyFile(from, to, options);
      assert.deepEqual([again.method, again.verified], ['skipped', 'size+mtime']);
      assert.equal(retr.count('RETR', 'mtime.bin'), 1);
      utimesSync(onDisk, new Date(), new Date());
      assert.equal((await copyFile(from, to, options)).method, 'fxp', 'another time: copied');
      assert.equal(retr.count('RETR', 'mtime.bin'), 2);
      const noTime = await copyFile(from, { ...to, path: `${name}.kept` }, { preserveTime: false });
      assert.equal(noTime.method, 'fxp');
      assert.notEqual(seconds(path.join(vsftpd.dataDir, `${name}.kept`)), OLD_TIME.getTime() / 1000, 'preserveTime: false leaves the server time');
    } finally {
      for (const f of [name, `${name}.kept`]) rmSync(path.join(vsftpd.dataDir, f), { force: true });
    }
  });

  it('in the queue and the CLI: a skip-identical job is done and marked skipped, nothing transferred', async () => {
    const bytes = sourceFile('cli.bin', 50_000);
    writeFileSync(path.join(target.root, 'cli.bin'), bytes);
    utimesSync(path.join(target.root, 'cli.bin'), OLD_TIME, OLD_TIME);
    const retr = watchTransfers(source);
    const dir = tempDir('ferry-skip-');
    const file = path.join(dir, 'queue.json');
    try {
      const fxp = await runCli(['fxp', `${source.url}/cli.bin`, `${target.url}/cli.bin`, '--conflict=skip-identical']);
      assert.equal(fxp.code, 0, fxp.stderr);
      assert.match(fxp.stdout, /^skipped: /);
      const add = await queueCli(file, ['add', `ftp://${TEST_USER}@127.0.0.1:${source.port}/cli.bin`, `ftp://${TEST_USER}@127.0.0.1:${target.port}/cli.bin`, '--conflict=skip-identical']);
      assert.equal(add.code, 0, add.stderr);
      const run = await queueCli(file, ['run'], { FERRY_PASSWORD: TEST_PASSWORD });
      assert.equal(run.code, 0, run.stderr);
      const list = await queueCli(file, ['list']);
      assert.match(list.stdout, / done .*cli\.bin +\(skipped\)/);
      const queue = await TransferQueue.open({ file });
      const [job] = queue.list();
      queue.close();
      assert.deepEqual([job.state, job.skipped, job.method, job.verified], ['done', true, undefined, 'size+sha256']);
      assert.equal(retr.count('RETR', 'cli.bin'), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TLS on both: the job records the FXP data protection (SSCN) reported through onMethod', async () => {
    // Between two Ferry servers the TLS server of the data connection must not require session
    // reuse (its TLS client is the other server): the source is, in the first way tried.
    const [a, b] = [await ferryPeer({ require_ssl_reuse: false }), await ferryPeer()];
    const dir = tempDir('ferry-protection-');
    try {
      const payload = randomBytes(400_000);
      writeFileSync(path.join(a.server.root, 'tls.bin'), payload);
      const tlsSite = (peer: Peer) => ({ ...site(peer.port), tls: 'explicit' as const, certificate: { fingerprint256: peer.fingerprint! } });
      const methods: string[] = [];
      const direct = await copyFile(
        { client: client(a.peer.port, { tls: 'explicit', certificate: { fingerprint256: a.peer.fingerprint } }), path: 'tls.bin' },
        { client: client(b.peer.port, { tls: 'explicit', certificate: { fingerprint256: b.peer.fingerprint } }), path: 'direct.bin' },
        { allowRelay: false, onMethod: (method, protection) => methods.push(`${method}/${protection}`) },
      );
      assert.equal(direct.protection, 'sscn');
      assert.deepEqual(methods, ['fxp/sscn']);
      const queue = await TransferQueue.open({ file: path.join(dir, 'queue.json'), passwordFor: () => TEST_PASSWORD });
      try {
        const job = await queue.add({ source: { site: tlsSite(a.peer), path: 'tls.bin' }, target: { site: tlsSite(b.peer), path: 'queued.bin' }, allowRelay: false });
        await queue.run();
        const done = queue.get(job.id)!;
        assert.deepEqual([done.state, done.method, done.protection], ['done', 'fxp', 'sscn'], done.error);
        assert.equal(sha256(readFileSync(path.join(b.server.root, 'queued.bin'))), sha256(payload));
      } finally {
        queue.close();
      }
    } finally {
      await a.server.stop();
      await b.server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
