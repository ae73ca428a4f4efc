/**
 * The plain-Node halves of the queue's child-process link: what the child sends for the queue's events (progress
 * coalesced per job, state changes at once and in order, a reset as the versions the other side lacks plus the
 * order) and the extension host's mirror rebuilt from those events.
 */
import * as assert from 'node:assert/strict';
import type { CopyJob, JobState } from '../../../src/core/fxp';
import { JobForwarder } from '../../../src/vscode/fxp/model/job-forwarder';
import type { QueueEvent } from '../../../src/vscode/fxp/model/queue-ipc';
import { QueueMirror } from '../../../src/vscode/fxp/model/queue-mirror';

const site = { host: '127.0.0.1', port: 21 };
function job(id: string, state: JobState = 'queued', bytesDone = 0): CopyJob {
  const at = '2026-12-04T00:00:00.000Z';
  return { id, source: { site, path: `/${id}` }, target: { site, path: `/${id}` }, state, bytesDone, rate: 0, attempts: 0, conflict: 'overwrite', allowRelay: true, started: false, createdAt: at, updatedAt: at };
}

function apply(mirror: QueueMirror, event: QueueEvent): void {
  if (event.kind === 'jobs') event.jobs.forEach((j) => mirror.update(j));
  if (event.kind === 'removed') mirror.remove(event.ids);
  if (event.kind === 'versions') mirror.stage(event.jobs);
  if (event.kind === 'reset') mirror.reset(event.order);
}

describe('fxp: the queue process link (forwarder and mirror)', () => {
  it('coalesces progress of a running job but sends state changes at once, and never a stale progress after them', async () => {
    const sent: QueueEvent[] = [];
    const forwarder = new JobForwarder((e) => sent.push(e), 50);
    forwarder.job(job('a', 'running', 0));
    for (let i = 1; i <= 20; i++) forwarder.job(job('a', 'running', i));
    assert.equal(sent.length, 1, 'the first running version goes at once, the rest waits');
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(sent.map((e) => e.kind === 'jobs' && e.jobs[0].bytesDone), [0, 20], 'one message with the newest progress');
    forwarder.job(job('a', 'running', 21));
    forwarder.job(job('a', 'done', 22));
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(sent.slice(2).map((e) => e.kind === 'jobs' && e.jobs[0].state), ['done'], 'the waiting progress is dropped for the state change');
    forwarder.dispose();
  });

  it('sends on a reset only the versions the other side lacks, in chunks, and the mirror follows the order', () => {
    const sent: QueueEvent[] = [];
    const forwarder = new JobForwarder((e) => sent.push(e));
    const mirror = new QueueMirror();
    const jobs = Array.from({ length: 600 }, (_, i) => job(`j${i}`));
    forwarder.reset(jobs);
    assert.deepEqual(sent.map((e) => (e.kind === 'versions' ? e.jobs.length : e.kind)), [250, 250, 100, 'reset']);
    sent.forEach((e) => apply(mirror, e));
    assert.deepEqual(mirror.jobs.map((j) => j.id), jobs.map((j) => j.id));
    sent.length = 0;
    const reordered = [jobs[599], { ...jobs[0], state: 'paused' as const }, ...jobs.slice(1, 599)];
    forwarder.reset(reordered);
    assert.deepEqual(sent.map((e) => (e.kind === 'versions' ? e.jobs.map((j) => j.id) : e.kind)), [['j0'], 'reset'], 'only the changed job travels');
    sent.forEach((e) => apply(mirror, e));
    assert.deepEqual(mirror.jobs.slice(0, 3).map((j) => [j.id, j.state]), [['j599', 'queued'], ['j0', 'paused'], ['j1', 'queued']]);
    forwarder.removed(['j1']);
    forwarder.job(job('new'));
    sent.forEach((e) => apply(mirror, e));
    assert.equal(mirror.jobs.length, 600);
    assert.ok(!mirror.jobs.some((j) => j.id === 'j1'), 'a removed job is gone');
    assert.equal(mirror.jobs[599].id, 'new', 'a new job goes to the end');
    assert.equal(mirror.find('j59')?.id, 'j59');
  });
});
