/**
 * The editor's FXP queue controller inside a real extension host, against Ferry servers: FXP between two servers
 * that allow it, the relay when the target refuses it, folder trees as one group, skip identical, pause and resume,
 * every panel request, the notifications, and a "window reload" (controller disposed mid-copy, a new one on the
 * same file) that continues the copy to the right sha256.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { NewJob } from '../../../../src/core/fxp';
import { createFxpNotifications } from '../../../../src/vscode/fxp/notifications';
import type { QueueChange } from '../../../../src/vscode/fxp/model/queue-protocol';
import { MessageRecorder } from '../../server/exthost-kit';
import { activate } from '../explorer/fixture';
import { eventually, jobsIn, openController, RELAY_SOURCE_HOST, sha256, startSite, STRICT_HOST, TestSite, treeDigest, writeRandom } from './fxp-kit';

const spec = (from: TestSite, fromPath: string, to: TestSite, toPath: string, extra: Partial<NewJob> = {}): NewJob => ({
  source: { site: from.ref, path: fromPath },
  target: { site: to.ref, path: toPath },
  ...extra,
});

describe('fxp: the queue controller against Ferry servers', function () {
  this.timeout(120_000);
  let a: TestSite;
  let b: TestSite;
  let relaySource: TestSite;
  let noFxp: TestSite;
  const cleanups: (() => unknown)[] = [];

  before(async () => {
    await activate();
    a = await startSite('fxp-a', { allow_fxp: true });
    b = await startSite('fxp-b', { allow_fxp: true });
    relaySource = await startSite('fxp-relay-src', { allow_fxp: true }, RELAY_SOURCE_HOST);
    noFxp = await startSite('fxp-no', { allow_fxp: false }, STRICT_HOST);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await Promise.all([a, b, relaySource, noFxp].map((s) => s?.server.stop()));
  });

  async function controllerForTest(file?: string) {
    const opened = await openController(file);
    cleanups.push(() => opened.controller.dispose());
    return opened;
  }

  it('copies a file server to server: the job reaches done with the FXP method and the same sha256', async () => {
    const digest = writeRandom(a.disk('/one/file.bin'), 3 * 1024 * 1024 + 17);
    const { controller, log } = await controllerForTest();
    const [job] = await controller.enqueue({ files: [spec(a, '/one/file.bin', b, '/file.bin')], folders: [] });
    const [done] = await jobsIn(controller, [job.id], ['done', 'failed'], 30_000, log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(done.method, 'fxp');
    assert.equal(done.bytesDone, 3 * 1024 * 1024 + 17);
    assert.equal(sha256(b.disk('/file.bin')), digest);
    assert.equal(done.target.site.siteId, 'fxp-b', 'the saved site travels with the job');
  });

  it('relays through this machine when the target refuses FXP, and says so', async () => {
    const digest = writeRandom(relaySource.disk('/relay/file.bin'), 1024 * 1024);
    const { controller, log } = await controllerForTest();
    const [job] = await controller.enqueue({ files: [spec(relaySource, '/relay/file.bin', noFxp, '/relayed.bin')], folders: [] });
    const [done] = await jobsIn(controller, [job.id], ['done', 'failed'], 60_000, log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(done.method, 'relay');
    assert.ok(log.lines.some((l) => /Refusing data connection to foreign address|foreign/i.test(l)), log.lines.join('\n'));
    assert.equal(sha256(noFxp.disk('/relayed.bin')), digest);
  });

  it('copies a folder tree (nested, a dot-file, UTF-8 names) as one group, one job per file', async () => {
    const files = ['.htaccess', 'index.html', 'sub/deeper/data.bin', 'Übersicht 日本/説明.txt', 'sub/.hidden/x'];
    files.forEach((f, i) => writeRandom(a.disk(`/site/${f}`), 1000 + i * 777));
    mkdirSync(a.disk('/site/empty'), { recursive: true });
    const { controller, log } = await controllerForTest();
    const found: number[] = [];
    const jobs = await controller.enqueue({ files: [], folders: [spec(a, '/site', b, '/copied/site')] }, { onFound: (n) => found.push(n) });
    assert.equal(jobs.length, files.length);
    assert.equal(found[found.length - 1], files.length, 'files found are reported while walking');
    const { groups } = controller.snapshot();
    const group = groups.find((g) => g.source.path === '/site');
    assert.ok(group, JSON.stringify(groups));
    assert.equal(group.target.path, '/copied/site');
    assert.ok(jobs.every((j) => j.group === group.id));
    const done = await jobsIn(controller, jobs.map((j) => j.id), ['done', 'failed'], 60_000, log);
    assert.deepEqual(done.filter((j) => j.state !== 'done').map((j) => j.error), []);
    assert.deepEqual(treeDigest(b.disk('/copied/site')), treeDigest(a.disk('/site')));
    assert.ok(existsSync(b.disk('/copied/site/empty')), 'empty folders are created too');
  });

  it('skips identical files on a second copy and copies a changed one', async () => {
    writeRandom(a.disk('/mirror/same.bin'), 50_000);
    writeRandom(a.disk('/mirror/changed.bin'), 60_000);
    const { controller, log } = await controllerForTest();
    const first = await controller.enqueue({ files: [], folders: [spec(a, '/mirror', b, '/mirror')] });
    await jobsIn(controller, first.map((j) => j.id), ['done'], 30_000, log);
    // Same size, other bytes: only a hash (both Ferry servers offer HASH) tells them apart.
    const changed = writeRandom(a.disk('/mirror/changed.bin'), 60_000);
    const second = await controller.enqueue({ files: [], folders: [spec(a, '/mirror', b, '/mirror', { conflict: 'skip-identical' })] });
    const done = await jobsIn(controller, second.map((j) => j.id), ['done', 'failed'], 30_000, log);
    const byName = Object.fromEntries(done.map((j) => [j.source.path, j]));
    assert.equal(byName['/mirror/same.bin'].skipped, true);
    assert.notEqual(byName['/mirror/changed.bin'].skipped, true, byName['/mirror/changed.bin'].error);
    assert.equal(sha256(b.disk('/mirror/changed.bin')), changed);
  });

  it('pauses a running copy and resumes it to the right sha256', async () => {
    // 4 MiB at 1 MiB/s from the source: long enough to pause in the middle.
    const slow = await startSite('fxp-slow', { allow_fxp: true, max_download_rate: 1024 * 1024 });
    cleanups.push(() => slow.server.stop());
    const digest = writeRandom(slow.disk('/big.bin'), 4 * 1024 * 1024);
    const { controller, log } = await controllerForTest();
    const [job] = await controller.enqueue({ files: [spec(slow, '/big.bin', b, '/paused.bin')], folders: [] });
    await eventually('copy under way', () => controller.snapshot().jobs.find((j) => j.id === job.id && j.state === 'running' && j.bytesDone > 0));
    assert.equal(await controller.handle({ action: 'job', verb: 'pause', ids: [job.id] }), 1);
    const [paused] = await jobsIn(controller, [job.id], ['paused']);
    assert.ok(paused.bytesDone < 4 * 1024 * 1024, `paused at ${paused.bytesDone}`);
    assert.equal(await controller.handle({ action: 'job', verb: 'resume', ids: [job.id] }), 1);
    const [done] = await jobsIn(controller, [job.id], ['done', 'failed'], 60_000, log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(sha256(b.disk('/paused.bin')), digest);
  });

  it('carries out every panel request and reports the changes', async () => {
    writeRandom(a.disk('/req/x.bin'), 1000);
    mkdirSync(b.disk('/req'), { recursive: true });
    const { controller, revealed } = await controllerForTest();
    const changes: QueueChange[] = [];
    controller.onChange((c) => changes.push(c));
    await controller.handle({ action: 'pauseAll' });
    assert.equal(controller.snapshot().pausedAll, true);
    assert.ok(changes.some((c) => c.kind === 'meta' && c.pausedAll === true));
    const jobs = await controller.enqueue({ files: ['1', '2', '3'].map((n) => spec(a, '/req/x.bin', b, `/req/${n}.bin`)), folders: [] });
    const ids = jobs.map((j) => j.id);
    const order = () => controller.snapshot().jobs.filter((j) => ids.includes(j.id)).map((j) => ids.indexOf(j.id));
    assert.deepEqual(order(), [0, 1, 2]);
    assert.equal(await controller.handle({ action: 'job', verb: 'moveDown', ids: [ids[0]] }), 1);
    assert.deepEqual(order(), [1, 0, 2]);
    assert.equal(await controller.handle({ action: 'job', verb: 'moveUp', ids: [ids[2]] }), 1);
    assert.deepEqual(order(), [1, 2, 0]);
    assert.equal(await controller.handle({ action: 'job', verb: 'pause', ids: [ids[0]] }), 1);
    assert.equal(await controller.handle({ action: 'job', verb: 'cancel', ids: [ids[1]] }), 1);
    assert.deepEqual(controller.snapshot().jobs.filter((j) => ids.includes(j.id)).map((j) => j.state).sort(), ['cancelled', 'paused', 'queued']);
    assert.equal(await controller.handle({ action: 'job', verb: 'reveal', ids: [ids[2]] }), 1);
    assert.deepEqual(revealed, [{ site: b.ref, path: '/req/3.bin' }]);
    assert.equal(await controller.handle({ action: 'job', verb: 'remove', ids: [ids[1]] }), 1);
    assert.ok(changes.some((c) => c.kind === 'removed' && c.ids.includes(ids[1])));
    const limits = await controller.handle({ action: 'setLimits', limits: { concurrency: 3, perSite: 1 } });
    assert.deepEqual(limits, { concurrency: 3, perSite: 1 });
    assert.equal(vscode.workspace.getConfiguration('ferry.fxp').get('concurrency'), 3, 'the limits are kept in the settings');
    // Before the controller's own cleanup: a disposed controller has no queue process to ask.
    cleanups.unshift(() => controller.handle({ action: 'setLimits', limits: { concurrency: 2, perSite: 2 } }));
    assert.equal(await controller.handle({ action: 'job', verb: 'resume', ids: [ids[0]] }), 1);
    assert.equal(controller.snapshot().jobs.find((j) => j.id === ids[0])?.state, 'queued', 'nothing starts while all is paused');
    await controller.handle({ action: 'resumeAll' });
    assert.equal(controller.snapshot().pausedAll, false);
    await jobsIn(controller, [ids[0], ids[2]], ['done']);
    assert.equal(await controller.handle({ action: 'job', verb: 'retry', ids: [ids[0]] }), 0, 'a done job is not retried');
    assert.equal(await controller.handle({ action: 'clearFinished' }), 2);
    assert.deepEqual(controller.snapshot().jobs.filter((j) => ids.includes(j.id)), []);
    await assert.rejects(controller.handle({ action: 'job', verb: 'reveal', ids: ['no-such-job'] }), /no such job/);
    await assert.rejects(controller.handle({ action: 'job', verb: 'pause', ids: 'x' as unknown as string[] }), /list of job ids/);
    await assert.rejects(controller.handle({ action: 'setLimits', limits: { concurrency: 0, perSite: 1 } }), /whole numbers/);
    await assert.rejects(controller.handle({ action: 'explode' } as never), /Unknown request/);
  });

  it('tells once when the queue drains and once for a burst of failures, with Retry', async () => {
    writeRandom(a.disk('/note/ok.bin'), 2048);
    mkdirSync(b.disk('/note'), { recursive: true });
    const messages = new MessageRecorder();
    cleanups.push(() => messages.restore());
    const { controller, log } = await controllerForTest();
    const notifications = createFxpNotifications(controller);
    cleanups.push(() => notifications.dispose());
    const jobs = await controller.enqueue({
      files: [spec(a, '/note/ok.bin', b, '/note/ok.bin'), spec(a, '/note/missing-1.bin', b, '/note/m1.bin'), spec(a, '/note/missing-2.bin', b, '/note/m2.bin')],
      folders: [],
    });
    await jobsIn(controller, jobs.map((j) => j.id), ['done', 'failed'], 60_000, log);
    const failure = await messages.waitFor(/^FXP: 2 copies failed/);
    assert.deepEqual(failure.items, ['Retry', 'Show']);
    const summary = await messages.waitFor(/^FXP: 1 file copied, 2\.0 KiB · 2 failed$/);
    assert.equal(summary.level, 'info');
    assert.equal(messages.matching(/^FXP:/).length, 2, JSON.stringify(messages.shown));
  });

  it('continues a copy after a window reload: the controller disposed mid-copy, a new one on the same file', async () => {
    const slow = await startSite('fxp-reload', { allow_fxp: true, max_download_rate: 1024 * 1024 });
    cleanups.push(() => slow.server.stop());
    const digest = writeRandom(slow.disk('/reload.bin'), 5 * 1024 * 1024);
    const first = await openController();
    const [job] = await first.controller.enqueue({ files: [spec(slow, '/reload.bin', b, '/reloaded.bin')], folders: [] });
    await eventually('copy under way', () => first.controller.snapshot().jobs.find((j) => j.id === job.id && j.bytesDone >= 1024 * 1024));
    first.controller.dispose();
    const second = await controllerForTest(first.file);
    const [resumed] = await jobsIn(second.controller, [job.id], ['queued', 'running', 'done']);
    assert.equal(resumed.started, true, 'the copy continues from what the target has');
    // A drop made while the resumed copy runs is queued at once (its progress notification closes).
    writeFileSync(a.disk('/after-reload.txt'), 'queued after the reload');
    const added = await Promise.race([
      second.controller.enqueue({ files: [spec(a, '/after-reload.txt', b, '/after-reload.txt')], folders: [] }),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
    ]);
    assert.ok(added?.length === 1, 'enqueue after the reload did not resolve within 10 s');
    const [done] = await jobsIn(second.controller, [job.id], ['done', 'failed'], 60_000, second.log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(sha256(b.disk('/reloaded.bin')), digest);
  });

  it('holds no password in the queue file', async () => {
    const { controller, file } = await controllerForTest();
    writeFileSync(a.disk('/pw.txt'), 'x');
    const [job] = await controller.enqueue({ files: [spec(a, '/pw.txt', b, '/pw.txt')], folders: [] });
    await jobsIn(controller, [job.id], ['done']);
    const text = (await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString();
    assert.match(text, /fxp-a/);
    assert.doesNotMatch(text, /secret/);
  });
});
