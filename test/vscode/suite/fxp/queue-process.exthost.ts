/**
 * The FXP queue's child process inside a real extension host, against Ferry servers: a child killed mid-copy is
 * restarted and the copy completes to the right sha256; disposing the controller ends the child, which hands its
 * running job back to the file (queued, resumable); passwords come from the extension host on request and never
 * reach the queue file.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { CopyJob, SiteRef } from '../../../../src/core/fxp';
import { TEST_PASSWORD } from '../../../helpers/ferry-server';
import { activate } from '../explorer/fixture';
import { eventually, jobsIn, openController, sha256, startSite, TestSite, writeRandom } from './fxp-kit';

/** Whether a process exists (Linux: /proc lists it until it has been reaped). */
const alive = (pid: number) => existsSync(`/proc/${pid}`);

const jobInFile = (file: string, id: string): CopyJob | undefined => (JSON.parse(readFileSync(file, 'utf8')).jobs as CopyJob[]).find((j) => j.id === id);

describe('fxp: the queue runs in a child process', function () {
  this.timeout(120_000);
  let slow: TestSite;
  let b: TestSite;
  const cleanups: (() => unknown)[] = [];

  before(async () => {
    await activate();
    // 1 MiB/s from the source: a 5 MiB copy is under way long enough to interrupt.
    slow = await startSite('child-slow', { allow_fxp: true, max_download_rate: 1024 * 1024 });
    b = await startSite('child-b', { allow_fxp: true });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await Promise.all([slow, b].map((s) => s?.server.stop()));
  });

  const copy = (name: string) => ({ files: [{ source: { site: slow.ref, path: `/${name}` }, target: { site: b.ref, path: `/${name}` } }], folders: [] });

  it('restarts a killed queue process and completes its copy to the right sha256', async () => {
    const digest = writeRandom(slow.disk('/killed.bin'), 5 * 1024 * 1024);
    const { controller, log } = await openController();
    cleanups.push(() => controller.dispose());
    const first = controller.processId;
    assert.ok(first && first !== process.pid, 'the queue runs in another process');
    const [job] = await controller.enqueue(copy('killed.bin'));
    const running = await eventually('copy under way', () => controller.snapshot().jobs.find((j) => j.id === job.id && j.bytesDone >= 1024 * 1024));
    assert.equal(running.owner?.pid, first, 'the child runs the job');
    process.kill(first, 'SIGKILL');
    const second = await eventually('a new queue process', () => (controller.processId && controller.processId !== first ? controller.processId : undefined), 15_000);
    const [done] = await jobsIn(controller, [job.id], ['done', 'failed'], 60_000, log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(done.owner, undefined);
    assert.equal(sha256(b.disk('/killed.bin')), digest);
    assert.ok(log.lines.some((l) => /queue process ended \(SIGKILL\)/.test(l)), log.lines.join('\n'));
    assert.equal(controller.processId, second);
  });

  it('ends the queue process when the controller is disposed, and the running job goes back to the file queued', async () => {
    writeRandom(slow.disk('/handed-back.bin'), 5 * 1024 * 1024);
    const { controller, file, log } = await openController();
    const pid = controller.processId!;
    const [job] = await controller.enqueue(copy('handed-back.bin'));
    await eventually('copy under way', () => controller.snapshot().jobs.find((j) => j.id === job.id && j.bytesDone >= 1024 * 1024));
    controller.dispose();
    await eventually('the queue process exited', () => (alive(pid) ? undefined : true), 10_000);
    const saved = jobInFile(file, job.id);
    assert.equal(saved?.state, 'queued', `${JSON.stringify(saved)}\n${log.lines.join('\n')}`);
    assert.equal(saved.started, true, 'resumable from what the target has');
    assert.equal(saved.owner, undefined);
    assert.ok(saved.bytesDone >= 1024 * 1024 && saved.bytesDone < 5 * 1024 * 1024, `handed back at ${saved.bytesDone}`);
  });

  it('asks the extension host for passwords and never writes them to the queue file', async () => {
    writeRandom(b.disk('/pw/src.bin'), 4096);
    const spec = (name: string) => ({ files: [{ source: { site: b.ref, path: '/pw/src.bin' }, target: { site: b.ref, path: `/pw/${name}` } }], folders: [] });
    const asked: SiteRef[] = [];
    const right = await openController(undefined, async (site) => (asked.push(site), TEST_PASSWORD));
    cleanups.push(() => right.controller.dispose());
    const [job] = await right.controller.enqueue(spec('right.bin'));
    const [done] = await jobsIn(right.controller, [job.id], ['done', 'failed'], 60_000, right.log);
    assert.equal(done.state, 'done', done.error);
    assert.ok(asked.length >= 1 && asked.every((site) => site.siteId === 'child-b' && !('password' in site)), JSON.stringify(asked));
    // The answer is what logs in: a wrong one fails the login (530) in the queue process.
    const wrong = await openController(undefined, async () => 'wrong password');
    cleanups.push(() => wrong.controller.dispose());
    const [refused] = await wrong.controller.enqueue(spec('wrong.bin'));
    const [failed] = await jobsIn(wrong.controller, [refused.id], ['failed'], 60_000, wrong.log);
    assert.match(failed.error ?? '', /530/);
    for (const file of [right.file, wrong.file]) {
      const text = readFileSync(file, 'utf8');
      assert.match(text, /child-b/);
      assert.doesNotMatch(text, new RegExp(`${TEST_PASSWORD}|wrong password`));
    }
  });
});
