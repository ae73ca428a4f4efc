import * as assert from 'node:assert/strict';
import { QueueActivity } from '../../../src/vscode/fxp/model/queue-activity';
import type { CopyJob, JobState } from '../../../src/core/fxp';
import { makeJob } from './panel-fixtures';

/** A job as this process sees it; running ones are owned by this process unless `owner` says otherwise. */
function job(id: string, state: JobState, extra: Partial<CopyJob> = {}): CopyJob {
  const owner = state === 'running' ? { id: 'here', pid: process.pid, host: 'this-host', heartbeat: '2026-01-01T00:00:00.000Z' } : undefined;
  return makeJob(id, state, { owner, ...extra });
}

describe('fxp: queue activity (status bar and notifications)', () => {
  it('sums the rates of running jobs only', () => {
    const activity = new QueueActivity([job('a', 'running', { rate: 100 }), job('b', 'queued')]);
    assert.deepEqual(activity.running(), { jobs: 1, rate: 100 });
    activity.observe(job('b', 'running', { rate: 50 }));
    activity.observe(job('a', 'running', { rate: 200 }));
    assert.deepEqual(activity.running(), { jobs: 2, rate: 250 });
    activity.observe(job('a', 'paused'));
    activity.forget(['b']);
    assert.deepEqual(activity.running(), { jobs: 0, rate: 0 });
  });

  it('counts each finished job once however many events it sends, and reports failures as they happen', () => {
    const activity = new QueueActivity([job('a', 'queued'), job('b', 'running'), job('c', 'running'), job('old', 'done', { size: 99 })]);
    activity.observe(job('a', 'running', { rate: 5 }));
    activity.observe(job('a', 'done', { size: 1000, bytesDone: 1000 }));
    activity.observe(job('a', 'done', { size: 1000, bytesDone: 1000 }));
    activity.observe(job('b', 'done', { skipped: true, size: 7 }));
    assert.equal(activity.observe(job('c', 'failed', { error: 'boom' })), 'failed');
    assert.equal(activity.observe(job('c', 'failed', { error: 'boom' })), undefined);
    assert.deepEqual(activity.takeSummary(), { copied: 1, skipped: 1, failed: 1, bytes: 1000 });
    assert.equal(activity.takeSummary(), undefined, 'taken once');
  });

  it('does not count jobs another process ran (another window, `ferry queue run`), nor those finished in a merge', () => {
    const activity = new QueueActivity([job('a', 'queued'), job('b', 'queued')]);
    const elsewhere = { id: 'cli', pid: process.pid + 1, host: 'this-host', heartbeat: '2026-01-01T00:00:00.000Z' };
    activity.observe(job('a', 'running', { owner: elsewhere, rate: 10 }));
    assert.deepEqual(activity.running(), { jobs: 1, rate: 10 }, 'the status bar shows every copy running on the queue');
    assert.equal(activity.observe(job('a', 'failed', { error: 'x' })), undefined);
    activity.observe(job('b', 'running'));
    activity.reset([job('a', 'failed'), job('b', 'done', { size: 5 })]);
    activity.observe(job('b', 'done', { size: 5 }));
    assert.equal(activity.takeSummary(), undefined);
  });

  it('counts a job retried after a transient failure once, when it ends', () => {
    const activity = new QueueActivity([job('a', 'queued')]);
    activity.observe(job('a', 'running'));
    activity.observe(job('a', 'queued', { attempts: 1, error: 'timeout' }));
    activity.observe(job('a', 'running'));
    activity.observe(job('a', 'done', { size: 3 }));
    assert.deepEqual(activity.takeSummary(), { copied: 1, skipped: 0, failed: 0, bytes: 3 });
  });
});
