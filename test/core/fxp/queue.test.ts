import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CopyJob, TransferQueue } from '../../../src/core/fxp';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { ensurePeers, externalPeers, Peer } from '../../helpers/peers';
import { run, sha256 } from '../../helpers/processes';
import { site, waitFor } from './queue-kit';

const CLI = path.join(__dirname, '..', '..', '..', 'src', 'cli.js');

describe('FXP queue: persistence, crash resume, folders, cancel, retry, limits, conflicts', function () {
  this.timeout(120_000);
  let dir: string;
  let vsftpd: Peer;
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
  });
  beforeEach(() => (dir = tempDir('ferry-queue-')));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (extra: Partial<Parameters<typeof TransferQueue.open>[0]> = {}) =>
    TransferQueue.open({ file: path.join(dir, 'queue.json'), passwordFor: () => TEST_PASSWORD, backoffMs: 200, copyDefaults: { stallTimeoutMs: 10_000 }, ...extra });

  it('a queue process killed mid-transfer comes back resumable and finishes with REST from the target size', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 4_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    const payload = randomBytes(16_000_000);
    writeFileSync(path.join(source.root, 'big.bin'), payload);
    const queueFile = path.join(dir, 'queue.json');
    const env = { FERRY_PASSWORD: TEST_PASSWORD };
    try {
      const add = await run(process.execPath, [CLI, 'queue', 'add', `ftp://${TEST_USER}@127.0.0.1:${source.port}/big.bin`, `ftp://${TEST_USER}@127.0.0.1:${target.port}/copy.bin`, '--queue', queueFile], { env });
      assert.equal(add.code, 0, add.stderr);
      assert.ok(!readFileSync(queueFile, 'utf8').includes(TEST_PASSWORD), 'no password in the queue file');
      const child = spawn(process.execPath, [CLI, 'queue', 'run', '--queue', queueFile], { env: { ...process.env, ...env }, stdio: 'ignore' });
      const copy = path.join(target.root, 'copy.bin');
      await waitFor(() => existsSync(copy) && statSync(copy).size > 4_000_000, 30_000, 'a third of the file on the target');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const cut = statSync(copy).size;
      assert.ok(cut < payload.length, 'killed before the end');

      const queue = await open();
      const [job] = queue.list();
      assert.equal(job.state, 'queued', 'the running job came back queued');
      assert.equal(job.started, true);
      const sent: number[] = [];
      source.server.on('transfer-end', (t) => sent.push(t.bytes));
      await queue.run();
      queue.close();
      const done = queue.list()[0];
      assert.equal(done.state, 'done', done.error);
      assert.equal(done.method, 'fxp');
      assert.equal(sha256(readFileSync(copy)), sha256(payload));
      assert.ok(sent.length === 1 && sent[0] < payload.length && sent[0] <= payload.length - cut + 4_000_000, `only the rest was sent again (${sent})`);
    } finally {
      await source.stop();
      await target.stop();
    }
  });

  it('copies a folder tree: creates it on the target and queues one job per file', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true } });
    const files: Record<string, Buffer> = { 'a.txt': Buffer.from('a'), 'sub/b.bin': randomBytes(300_000), 'sub/deeper/.c': Buffer.from('dot'), 'empty dir/.keep': Buffer.alloc(0) };
    for (const [rel, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(source.root, 'tree', rel)), { recursive: true });
      writeFileSync(path.join(source.root, 'tree', rel), data);
    }
    const base = `qtree-${randomBytes(3).toString('hex')}`;
    const queue = await open();
    try {
      const jobs = await queue.addFolder({ source: { site: site(source.port), path: 'tree' }, target: { site: site(vsftpd.port), path: base } });
      assert.equal(jobs.length, 4);
      await queue.run();
      for (const job of queue.list()) assert.equal(job.state, 'done', job.error);
      for (const [rel, data] of Object.entries(files)) assert.equal(sha256(readFileSync(path.join(vsftpd.dataDir, base, rel))), sha256(data), rel);
    } finally {
      queue.close();
      rmSync(path.join(vsftpd.dataDir, base), { recursive: true, force: true });
      await source.stop();
    }
  });

  it('cancel stops a running copy on both servers; the job says cancelled', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 2_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    writeFileSync(path.join(source.root, 'big.bin'), randomBytes(20_000_000));
    const ended: boolean[] = [];
    source.server.on('transfer-end', (t) => ended.push(t.ok ?? false));
    const queue = await open();
    try {
      const job = await queue.add({ source: { site: site(source.port), path: 'big.bin' }, target: { site: site(target.port), path: 'c.bin' } });
      const running = queue.run();
      await waitFor(() => (queue.get(job.id)?.bytesDone ?? 0) > 1_000_000, 20_000, 'progress');
      assert.ok(queue.cancel(job.id));
      await running;
      assert.equal(queue.get(job.id)!.state, 'cancelled');
      await waitFor(() => ended.length > 0, 5000, 'the source transfer to end');
      assert.deepEqual(ended, [false], 'the source server aborted its transfer');
      assert.ok(statSync(path.join(target.root, 'c.bin')).size < 20_000_000);
    } finally {
      queue.close();
      await source.stop();
      await target.stop();
    }
  });

  it('retries a transient failure with backoff after moving the job to the end of the queue', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true } });
    writeFileSync(path.join(source.root, 'f.bin'), 'retry me');
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const queue = await open({ backoffMs: 1500 });
    let target: TestServer | undefined;
    try {
      const first = await queue.add({ source: { site: site(source.port), path: 'f.bin' }, target: { site: site(port), path: 'f.bin' } });
      const second = await queue.add({ source: { site: site(source.port), path: 'f.bin' }, target: { site: site(source.port), path: 'g.bin' } });
      const running = queue.run();
      await waitFor(() => queue.get(first.id)!.attempts === 1, 20_000, 'the first failure');
      assert.equal(queue.get(first.id)!.state, 'queued');
      assert.match(queue.get(first.id)!.error ?? '', /nothing listens|ECONNREFUSED/);
      assert.deepEqual(queue.list().map((j) => j.id), [second.id, first.id], 'moved to the end');
      target = await startTestServer({ tunables: { listen_port: port, allow_fxp: true } });
      await running;
      assert.equal(queue.get(first.id)!.state, 'done');
      assert.equal(readFileSync(path.join(target.root, 'f.bin'), 'utf8'), 'retry me');
    } finally {
      queue.close();
      await source.stop();
      await target?.stop();
    }
  });

  it('respects the per-site limit, applies conflict rules, and writes only complete JSON', async () => {
    const server = await startTestServer({ tunables: { allow_fxp: true } });
    for (let i = 0; i < 5; i++) writeFileSync(path.join(server.root, `s${i}.bin`), randomBytes(200_000));
    writeFileSync(path.join(server.root, 'exists.bin'), 'keep me');
    const queue = await open({ perSite: 1, concurrency: 4 });
    let peak = 0;
    const running = new Set<string>();
    queue.on('job', (job: CopyJob) => {
      if (job.state === 'running') running.add(job.id);
      else running.delete(job.id);
      peak = Math.max(peak, running.size);
      JSON.parse(readFileSync(path.join(dir, 'queue.json'), 'utf8'));
    });
    try {
      for (let i = 0; i < 5; i++) await queue.add({ source: { site: site(server.port), path: `s${i}.bin` }, target: { site: site(server.port), path: `d${i}.bin` } });
      const skip = await queue.add({ source: { site: site(server.port), path: 's0.bin' }, target: { site: site(server.port), path: 'exists.bin' }, conflict: 'skip' });
      const rename = await queue.add({ source: { site: site(server.port), path: 's1.bin' }, target: { site: site(server.port), path: 'exists.bin' }, conflict: 'rename' });
      await queue.run();
      assert.equal(peak, 1, 'one job at a time on one site');
      assert.equal(queue.get(skip.id)!.state, 'done');
      assert.equal(readFileSync(path.join(server.root, 'exists.bin'), 'utf8'), 'keep me', 'skip left the target alone');
      assert.equal(queue.get(rename.id)!.resolvedTarget, 'exists (1).bin');
      assert.equal(sha256(readFileSync(path.join(server.root, 'exists (1).bin'))), sha256(readFileSync(path.join(server.root, 's1.bin'))));
      assert.deepEqual(readdirSync(dir), ['queue.json'], 'no temporary file left behind');
    } finally {
      queue.close();
      await server.stop();
    }
  });
});
