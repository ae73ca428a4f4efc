import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { CopyJob, TransferQueue } from '../../../src/core/fxp';
import { OWNER_STALE_MS, ownerAlive } from '../../../src/core/fxp/queue-merge';
import { startTestServer, tempDir, TEST_PASSWORD } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';
import { idleSpec, queueScript, readQueue, site, sleep, waitFor } from './queue-kit';

describe('FXP queue merge: by id, tombstones, intents over progress, file versions', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  const open = () => TransferQueue.open({ file, passwordFor: () => TEST_PASSWORD, backoffMs: 200 });
  beforeEach(() => {
    dir = tempDir('ferry-queue-merge-');
    file = path.join(dir, 'queue.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a job another process added: this process's saves merge it in, sync() shows it with an event", async () => {
    const queue = await open();
    const seen: string[] = [];
    queue.on('job', (job) => seen.push(job.source.path));
    try {
      const own = await queue.add(idleSpec('own'));
      const other = await queueScript(file, `await queue.add(${JSON.stringify(idleSpec('theirs'))});`);
      assert.equal(other.code, 0, other.stderr);
      assert.equal(queue.pause(own.id), 1);
      await queue.flush();
      assert.deepEqual(readQueue(file).jobs.map((j) => [j.source.path, j.state]), [
        ['own', 'paused'],
        ['theirs', 'queued'],
      ]);
      assert.deepEqual(queue.list().map((j) => j.source.path), ['own', 'theirs'], 'the save merged it into memory');
      assert.ok(seen.includes('theirs'));
      const again = await queueScript(file, `await queue.add(${JSON.stringify(idleSpec('later'))});`);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await queue.sync(), true);
      assert.equal(await queue.sync(), false, 'nothing new the second time');
      assert.deepEqual(queue.list().map((j) => j.source.path), ['own', 'theirs', 'later']);
      assert.equal(seen.at(-1), 'later');
    } finally {
      queue.close();
    }
  });

  it('a job removed elsewhere never comes back: not through a stale process, not through a writer that ignores tombstones', async () => {
    const queue = await open();
    const removed: string[][] = [];
    queue.on('removed', (ids) => removed.push(ids));
    try {
      const [x, y] = await queue.addMany([idleSpec('x'), idleSpec('y')]);
      const other = await queueScript(file, `if (queue.remove(${JSON.stringify(x.id)}) !== 1) throw new Error('not removed');`);
      assert.equal(other.code, 0, other.stderr);
      // Stale: this process has not seen the removal and changes both jobs.
      assert.equal(queue.pause([x.id, y.id]), 2);
      await queue.flush();
      const saved = readQueue(file);
      assert.deepEqual(saved.jobs.map((j) => [j.id, j.state]), [[y.id, 'paused']]);
      assert.ok(saved.removed[x.id], 'the tombstone stays');
      assert.deepEqual(queue.list().map((j) => j.id), [y.id]);
      assert.deepEqual(removed, [[x.id]]);
      // An old writer puts the job back into the list: the tombstone still wins.
      const resurrected = { ...saved, jobs: [...saved.jobs, { ...queue.get(y.id)!, id: x.id }] };
      writeFileSync(file, JSON.stringify(resurrected));
      await queue.sync();
      assert.deepEqual(queue.list().map((j) => j.id), [y.id]);
      const fresh = await open();
      assert.deepEqual(fresh.list().map((j) => j.id), [y.id]);
      fresh.close();
    } finally {
      queue.close();
    }
  });

  it('user intents win over progress: a pause from another process stops the copy here, keeps what reached the target, and progress never sets it running again', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 2_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    const payload = randomBytes(8_000_000);
    writeFileSync(path.join(source.root, 'a.bin'), payload);
    const queue = await open();
    try {
      const job = await queue.add({ source: { site: site(source.port), path: 'a.bin' }, target: { site: site(target.port), path: 'a.bin' } });
      const running = queue.run();
      await waitFor(() => (queue.get(job.id)?.bytesDone ?? 0) > 1_000_000, 20_000, 'progress');
      const other = await queueScript(file, `if (queue.pause(${JSON.stringify(job.id)}) !== 1) throw new Error('not paused');`);
      assert.equal(other.code, 0, other.stderr);
      await running;
      assert.equal(queue.get(job.id)!.state, 'paused');
      await sleep(1500);
      const saved = readQueue(file).jobs[0];
      assert.equal(saved.state, 'paused', 'no progress save set it running again');
      assert.equal(saved.owner, undefined);
      assert.equal(saved.started, true, 'the next run continues from the target');
      assert.ok(saved.bytesDone > 1_000_000, `bytes on the target kept (${saved.bytesDone})`);
      assert.equal(queue.resume(job.id), 1);
      await queue.run();
      assert.equal(queue.get(job.id)!.state, 'done');
      assert.equal(sha256(readFileSync(path.join(target.root, 'a.bin'))), sha256(payload));
    } finally {
      queue.close();
      await source.stop();
      await target.stop();
    }
  });

  it('an owner is alive while its heartbeat is fresh and, on this host, its process exists', () => {
    const fresh = new Date().toISOString();
    const stale = new Date(Date.now() - OWNER_STALE_MS - 1000).toISOString();
    const here = hostname();
    assert.equal(ownerAlive({ id: 'a', pid: process.pid, host: here, heartbeat: fresh }), true);
    assert.equal(ownerAlive({ id: 'b', pid: process.pid, host: here, heartbeat: stale }), false, 'silent too long');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.equal(ownerAlive({ id: 'c', pid: gone, host: here, heartbeat: fresh }), false, 'the process has exited');
    assert.equal(ownerAlive({ id: 'd', pid: 1_000_000_000, host: 'elsewhere', heartbeat: fresh }), true, 'another host: the heartbeat decides');
    assert.equal(ownerAlive({ id: 'e', pid: 1, host: 'elsewhere', heartbeat: stale }), false);
  });

  it('loads a version 1 file and writes version 2 (groups, tombstones) on the next save', async () => {
    const now = new Date().toISOString();
    const old: CopyJob = { id: 'old-job-1', ...idleSpec('v1'), state: 'running', bytesDone: 10, rate: 5, attempts: 0, conflict: 'overwrite', allowRelay: true, started: true, createdAt: now, updatedAt: now };
    writeFileSync(file, JSON.stringify({ version: 1, jobs: [old] }, null, 2));
    const queue = await open();
    try {
      const [job] = queue.list();
      assert.equal(job.id, 'old-job-1');
      assert.equal(job.state, 'queued', 'a version 1 running job has no owner: it comes back queued');
      const saved = readQueue(file);
      assert.equal(saved.version, 2);
      assert.deepEqual(saved.groups, []);
      assert.deepEqual(saved.removed, {});
      assert.equal(saved.jobs[0].rev, 1, 'the recovery is a new revision');
      writeFileSync(file, JSON.stringify({ version: 7, jobs: [] }));
      await assert.rejects(queue.sync(), /not a Ferry queue file \(version 7\)/);
      await assert.rejects(open(), /not a Ferry queue file/);
    } finally {
      queue.close();
    }
  });
});
