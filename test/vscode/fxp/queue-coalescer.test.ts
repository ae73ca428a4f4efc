import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CopyJob } from '../../../src/core/fxp';
import { QueueUpdateCoalescer, Scheduler } from '../../../src/vscode/fxp/model/queue-coalescer';
import type { HostMessage, QueuePatch, QueueSnapshot } from '../../../src/vscode/fxp/model/queue-protocol';
import { makeGroup, makeJob, snapshotOf } from './panel-fixtures';

/** A scheduler the test advances by hand: `fire()` runs what is due, like the interval elapsing. */
function manualScheduler(): { schedule: Scheduler; pending: () => number; fire: () => void } {
  let due: (() => void)[] = [];
  return {
    schedule: (run) => {
      due.push(run);
      return () => (due = due.filter((r) => r !== run));
    },
    pending: () => due.length,
    fire: () => {
      const now = due;
      due = [];
      for (const run of now) run();
    },
  };
}

function setup(snapshot: () => QueueSnapshot = () => snapshotOf([])) {
  const posted: HostMessage[] = [];
  const timer = manualScheduler();
  const coalescer = new QueueUpdateCoalescer({ post: (m) => posted.push(m), snapshot, schedule: timer.schedule });
  return { posted, timer, coalescer };
}

const patches = (posted: HostMessage[]): QueuePatch[] => posted.flatMap((m) => (m.type === 'patch' ? [m.patch] : []));

describe('fxp panel: update coalescer', () => {
  it('posts nothing before the webview is ready, then a snapshot', () => {
    const { posted, timer, coalescer } = setup(() => snapshotOf([makeJob('a', 'queued')]));
    coalescer.push({ kind: 'job', job: makeJob('a', 'running') });
    assert.equal(timer.pending(), 0, 'no timer while nobody listens');
    coalescer.sendSnapshot();
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
    );
    assert.equal(posted[0].type === 'snapshot' && posted[0].snapshot.jobs[0].id, 'a');
  });

  it('turns 1 000 changes within one interval into one patch with the newest version of each job', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    for (let i = 0; i < 1000; i++) {
      const id = `job${i % 10}`;
      coalescer.push({ kind: 'job', job: makeJob(id, 'running', { bytesDone: i, rate: i * 10 }) });
    }
    assert.equal(timer.pending(), 1, 'one timer for the whole burst');
    timer.fire();
    const sent = patches(posted);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].jobs.length, 10);
    for (const job of sent[0].jobs) {
      const n = Number(job.id.slice(3));
      assert.equal(job.bytesDone, 990 + n, `${job.id} carries its last version`);
    }
    timer.fire();
    assert.equal(patches(posted).length, 1, 'nothing more without changes');
  });

  it('coalesces 1 000 changes spread over 100 ms of real time into one patch', async () => {
    const posted: HostMessage[] = [];
    const coalescer = new QueueUpdateCoalescer({ post: (m) => posted.push(m), snapshot: () => snapshotOf([]), intervalMs: 400 });
    coalescer.sendSnapshot();
    const started = Date.now();
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) coalescer.push({ kind: 'job', job: makeJob(`j${i}`, 'running', { bytesDone: batch * 100 + i }) });
      await sleep(10);
    }
    const spent = Date.now() - started;
    await sleep(450 - spent);
    const sent = patches(posted);
    assert.equal(sent.length, 1, `patches after ${spent} ms of changes`);
    assert.equal(sent[0].jobs.length, 100);
    assert.ok(sent[0].jobs.every((job) => job.bytesDone >= 900));
    coalescer.stop();
  });

  it('sends removed ids and forgets versions of removed jobs', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'job', job: makeJob('a', 'done') });
    coalescer.push({ kind: 'job', job: makeJob('b', 'running') });
    coalescer.push({ kind: 'removed', ids: ['a', 'x'] });
    timer.fire();
    const [patch] = patches(posted);
    assert.deepEqual(
      patch.jobs.map((j) => j.id),
      ['b'],
    );
    assert.deepEqual(patch.removed.sort(), ['a', 'x']);
  });

  it('a job that comes back after its removal is sent again, not as removed', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'removed', ids: ['a'] });
    coalescer.push({ kind: 'job', job: makeJob('a', 'queued') });
    timer.fire();
    const [patch] = patches(posted);
    assert.deepEqual(patch.removed, []);
    assert.deepEqual(
      patch.jobs.map((j) => j.id),
      ['a'],
    );
  });

  it('answers a reset with one fresh snapshot, taken when it is sent', () => {
    let jobs: CopyJob[] = [makeJob('a', 'queued')];
    const { posted, timer, coalescer } = setup(() => snapshotOf(jobs));
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'job', job: makeJob('a', 'running') });
    coalescer.push({ kind: 'reset' });
    jobs = [makeJob('b', 'queued'), makeJob('a', 'running')];
    coalescer.push({ kind: 'job', job: makeJob('b', 'queued') });
    timer.fire();
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot', 'snapshot'],
    );
    const last = posted[1];
    assert.ok(last.type === 'snapshot');
    assert.deepEqual(
      last.snapshot.jobs.map((j) => j.id),
      ['b', 'a'],
    );
  });

  it('merges meta changes: limits, pause all, save problem (null clears it) and groups by id', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'meta', limits: { concurrency: 3, perSite: 1 }, groups: [makeGroup('g1')] });
    coalescer.push({ kind: 'meta', pausedAll: true, saveProblem: 'ENOSPC', groups: [makeGroup('g1'), makeGroup('g2')] });
    coalescer.push({ kind: 'meta', saveProblem: null });
    timer.fire();
    const [patch] = patches(posted);
    assert.deepEqual(patch.limits, { concurrency: 3, perSite: 1 });
    assert.equal(patch.pausedAll, true);
    assert.equal(patch.saveProblem, null);
    assert.deepEqual(
      patch.groups?.map((g) => g.id),
      ['g1', 'g2'],
    );
  });

  it('flush posts at once (before the reply to a user request) and cancels the timer', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'job', job: makeJob('a', 'paused') });
    coalescer.flush();
    assert.equal(patches(posted).length, 1);
    assert.equal(timer.pending(), 0);
    coalescer.flush();
    assert.equal(patches(posted).length, 1, 'an empty flush posts nothing');
  });

  it('stops posting after stop until the next snapshot', () => {
    const { posted, timer, coalescer } = setup();
    coalescer.sendSnapshot();
    coalescer.push({ kind: 'job', job: makeJob('a', 'running') });
    coalescer.stop();
    timer.fire();
    coalescer.push({ kind: 'job', job: makeJob('a', 'done') });
    coalescer.flush();
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
    );
    coalescer.sendSnapshot();
    assert.equal(coalescer.stats.snapshots, 2);
  });
});
