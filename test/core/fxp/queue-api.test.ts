import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TransferQueue } from '../../../src/core/fxp';
import { startTestServer, tempDir, TEST_PASSWORD } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';
import { idleSpec, readQueue, site, waitFor } from './queue-kit';

/** Records the queue's events in order, as "kind:detail". */
function record(queue: TransferQueue): string[] {
  const events: string[] = [];
  queue.on('job', (job) => events.push(`job:${job.source.path}:${job.state}`));
  queue.on('removed', (ids) => events.push(`removed:${ids.length}`));
  queue.on('reset', () => events.push('reset'));
  queue.on('meta', () => events.push('meta'));
  queue.on('drained', () => events.push('drained'));
  return events;
}

describe('FXP queue API for the editor: intents, order, groups, limits, pause all, scale', function () {
  this.timeout(90_000);
  let dir: string;
  let file: string;
  const open = (extra: Partial<Parameters<typeof TransferQueue.open>[0]> = {}) => TransferQueue.open({ file, passwordFor: async () => TEST_PASSWORD, backoffMs: 200, ...extra });
  beforeEach(() => {
    dir = tempDir('ferry-queue-api-');
    file = path.join(dir, 'queue.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('pause, resume, cancel, retry, remove and move say how many jobs changed, emit events, and reach the file', async () => {
    const queue = await open();
    const events = record(queue);
    try {
      const [a, b, c] = await queue.addMany([idleSpec('a'), idleSpec('b'), idleSpec('c')]);
      assert.deepEqual(events.splice(0), ['job:a:queued', 'job:b:queued', 'job:c:queued']);
      assert.equal(queue.pause([a.id, b.id]), 2);
      assert.equal(queue.pause(a.id), 0, 'already paused');
      assert.deepEqual(events.splice(0), ['job:a:paused', 'job:b:paused']);
      assert.equal(queue.resume(a.id.slice(0, 8)), 1, 'an id prefix is enough');
      assert.equal(queue.cancel(b.id), 1);
      assert.equal(queue.retry([a.id, b.id]), 1, 'a is queued without a backoff: nothing to retry');
      assert.equal(queue.get(b.id)!.state, 'queued');
      assert.equal(queue.get(a.id.slice(0, 6))!.id, a.id);
      events.length = 0;
      assert.equal(queue.move(c.id, 'top'), true);
      assert.equal(queue.move(c.id, 'up'), false, 'already first');
      assert.equal(queue.move(a.id, 'bottom'), true);
      assert.equal(queue.move(b.id, 'down'), true);
      assert.deepEqual(queue.list().map((j) => j.source.path), ['c', 'a', 'b']);
      assert.deepEqual(events.splice(0), ['reset', 'reset', 'reset']);
      assert.equal(queue.remove([a.id, 'no-such-job']), 1);
      assert.equal(queue.remove(a.id), 0);
      assert.deepEqual(events.splice(0), ['removed:1']);
      await queue.flush();
      const saved = readQueue(file);
      assert.deepEqual(saved.jobs.map((j) => [j.source.path, j.state]), [
        ['c', 'queued'],
        ['b', 'queued'],
      ]);
      assert.ok(saved.removed[a.id]);
      assert.equal(saved.jobs[1].rev, 3, 'each intent is a revision: b was paused, cancelled, retried');
    } finally {
      queue.close();
    }
  });

  it('groups, clearFinished, limits and their meta events', async () => {
    const queue = await open({ concurrency: 2, perSite: 2 });
    const events = record(queue);
    try {
      const grouped = await queue.addMany([idleSpec('g1'), idleSpec('g2')], { source: { site: site(1), path: 'dir' }, target: { site: site(2), path: 'copy' } });
      const [single] = await queue.addMany([idleSpec('single')]);
      assert.equal(queue.groups().length, 1);
      assert.ok(grouped.every((j) => j.group === queue.groups()[0].id));
      assert.equal(single.group, undefined);
      assert.ok(events.includes('meta'), 'a new group is a meta change');
      assert.equal(queue.cancel(grouped.map((j) => j.id)), 2);
      events.length = 0;
      assert.equal(queue.clearFinished(), 2);
      assert.deepEqual(queue.groups(), [], 'the group left empty went too');
      assert.deepEqual(events, ['removed:2', 'meta']);
      assert.deepEqual(queue.limits(), { concurrency: 2, perSite: 2 });
      events.length = 0;
      queue.setLimits({ concurrency: 3 });
      assert.deepEqual(queue.limits(), { concurrency: 3, perSite: 2 });
      assert.deepEqual(events, ['meta']);
      await queue.flush();
      assert.deepEqual(readQueue(file).groups, []);
      assert.deepEqual(readQueue(file).jobs.map((j) => j.source.path), ['single']);
    } finally {
      queue.close();
    }
  });

  it('pauseAll pauses the running jobs and starts nothing; resumeAll queues paused jobs and the run finishes them', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 2_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    const data = ['a', 'b', 'c'].map((n) => {
      const bytes = randomBytes(n === 'a' ? 6_000_000 : 200_000);
      writeFileSync(path.join(source.root, `${n}.bin`), bytes);
      return bytes;
    });
    const queue = await open({ concurrency: 1 });
    const events = record(queue);
    try {
      const jobs = await queue.addMany(['a', 'b', 'c'].map((n) => ({ source: { site: site(source.port), path: `${n}.bin` }, target: { site: site(target.port), path: `${n}.bin` } })));
      const running = queue.run();
      await waitFor(() => (queue.get(jobs[0].id)?.bytesDone ?? 0) > 300_000, 20_000, 'a under way');
      queue.pauseAll();
      assert.equal(queue.pausedAll, true);
      await running;
      assert.ok(events.includes('drained'));
      assert.deepEqual(queue.list().map((j) => j.state), ['paused', 'queued', 'queued']);
      assert.ok(statSync(path.join(target.root, 'a.bin')).size < data[0].length);
      await queue.run();
      assert.deepEqual(queue.list().map((j) => j.state), ['paused', 'queued', 'queued'], 'nothing starts while paused all');
      queue.resumeAll();
      assert.equal(queue.pausedAll, false);
      assert.equal(queue.get(jobs[0].id)!.state, 'queued');
      await queue.run();
      assert.deepEqual(queue.list().map((j) => j.state), ['done', 'done', 'done']);
      for (const [i, n] of ['a', 'b', 'c'].entries()) assert.equal(sha256(readFileSync(path.join(target.root, `${n}.bin`))), sha256(data[i]), n);
      const a = queue.get(jobs[0].id)!;
      assert.equal(a.method, 'fxp');
      assert.ok(a.started && a.size === data[0].length && a.bytesDone === a.size);
    } finally {
      queue.close();
      await source.stop();
      await target.stop();
    }
  });

  it('close() hands a running job back: queued and resumable, so the next open continues it', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 2_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    const payload = randomBytes(6_000_000);
    writeFileSync(path.join(source.root, 'a.bin'), payload);
    try {
      const first = await open();
      const job = await first.add({ source: { site: site(source.port), path: 'a.bin' }, target: { site: site(target.port), path: 'a.bin' } });
      const running = first.run();
      await waitFor(() => (first.get(job.id)?.bytesDone ?? 0) > 500_000, 20_000, 'a under way');
      first.close();
      await running;
      await waitFor(() => readQueue(file).jobs[0].state === 'queued', 5000, 'the job handed back in the file');
      const saved = readQueue(file).jobs[0];
      assert.deepEqual([saved.started, saved.owner], [true, undefined]);
      const second = await open();
      try {
        await second.run();
        assert.equal(second.get(job.id)!.state, 'done');
        assert.equal(sha256(readFileSync(path.join(target.root, 'a.bin'))), sha256(payload));
      } finally {
        second.close();
      }
    } finally {
      await source.stop();
      await target.stop();
    }
  });

  it('addFolder: creates the tree, queues one job per file in one new group, reports what it found, and stops on abort', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true } });
    const files: Record<string, Buffer> = { 'top.txt': Buffer.from('top'), 'one/a.bin': randomBytes(100_000), 'one/two/b.bin': randomBytes(10), 'empty/.keep': Buffer.alloc(0) };
    for (const [rel, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(source.root, 'tree', rel)), { recursive: true });
      writeFileSync(path.join(source.root, 'tree', rel), bytes);
    }
    const queue = await open();
    try {
      const folder = { source: { site: site(source.port), path: 'tree' }, target: { site: site(source.port), path: 'mirror/tree' } };
      const aborted = new AbortController();
      aborted.abort();
      await assert.rejects(queue.addFolder(folder, { signal: aborted.signal }));
      assert.deepEqual(queue.list(), []);
      const found: number[] = [];
      const jobs = await queue.addFolder(folder, { onFound: (n) => found.push(n) });
      assert.equal(jobs.length, 4);
      assert.equal(found.at(-1), 4);
      assert.ok(found.length >= 4, 'after each directory listed');
      const [group] = queue.groups();
      assert.deepEqual([group.source.path, group.target.path], ['tree', 'mirror/tree']);
      assert.ok(jobs.every((j) => j.group === group.id));
      assert.ok(statSync(path.join(source.root, 'mirror/tree/one/two')).isDirectory(), 'directories exist before any file is copied');
      await queue.run();
      for (const [rel, bytes] of Object.entries(files)) assert.equal(sha256(readFileSync(path.join(source.root, 'mirror/tree', rel))), sha256(bytes), rel);
    } finally {
      queue.close();
      await source.stop();
    }
  });

  it('10 000 jobs: addMany writes the file once; another process syncs them; the times are printed', async () => {
    const queue = await open();
    const other = await open();
    try {
      const specs = Array.from({ length: 10_000 }, (_, i) => idleSpec(`folder/sub/file-${i}.bin`));
      const before = queue.stats().writes;
      let t = Date.now();
      const jobs = await queue.addMany(specs);
      const addMs = Date.now() - t;
      assert.equal(jobs.length, 10_000);
      assert.equal(queue.stats().writes - before, 1, 'one write for all of them');
      assert.equal(readQueue(file).jobs.length, 10_000);
      t = Date.now();
      assert.equal(await other.sync(), true);
      const syncMs = Date.now() - t;
      assert.equal(other.list().length, 10_000);
      t = Date.now();
      other.pause(jobs[5000].id);
      await other.flush();
      const saveMs = Date.now() - t;
      assert.equal(await queue.sync(), true);
      assert.equal(queue.get(jobs[5000].id)!.state, 'paused');
      console.log(`      10 000 jobs (${statSync(file).size} bytes): addMany ${addMs} ms, sync ${syncMs} ms, one save ${saveMs} ms (read-merge-write cycle ${other.stats().lastSaveMs} ms)`);
    } finally {
      queue.close();
      other.close();
    }
  });
});
