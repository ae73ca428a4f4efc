/**
 * Measurements of the editor's FXP queue inside the extension host, with both Ferry servers in their own
 * processes (`ferry serve`) so only the queue's work loads this event loop: the time to queue a 10 000-file folder
 * drop, and the event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution: an idle loop reads about
 * 10 ms) while a relay copy of a large file runs here (issue 11's target: p99 ≤ 50 ms), next to the same copy by FXP
 * and the bare relay without the queue. Numbers go to test-artifacts/fxp-measurements.json.
 * FERRY_FXP_RELAY_MIB sets the relay's size (default 256).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FtpClient } from '../../../../src/core/client';
import { relayCopy, SiteRef } from '../../../../src/core/fxp';
import { CliProcess } from '../../../helpers/cli-process';
import { TEST_PASSWORD, TEST_USER } from '../../../helpers/ferry-server';
import { ARTIFACTS_DIR } from '../../lib/paths';
import { jobsIn, openController, RELAY_SOURCE_HOST, sha256, STRICT_HOST, writeRandom } from './fxp-kit';

const FILES = 10_000;
const RELAY_MIB = Number(process.env.FERRY_FXP_RELAY_MIB) || 256;
/** How long the 10 000-job queue runs while the event loop is watched. */
const RUN_WINDOW_MS = 20_000;

/** `ferry serve` in a child process on a fresh root, listening on `host` (see fxp-kit.ts on loopback addresses). */
async function serve(name: string, allowFxp: boolean, host = '127.0.0.1'): Promise<{ root: string; ref: SiteRef; stop: () => Promise<void> }> {
  const root = mkdtempSync(path.join(os.tmpdir(), `ferry-measure-${name}-`));
  const args = ['serve', root, '--host', host, '--port', '0', '--user', `${TEST_USER}:${TEST_PASSWORD}`, '--set', 'accept_timeout=5', '--quiet', ...(allowFxp ? ['--allow-fxp'] : [])];
  const child = new CliProcess(args, root);
  const port = Number((await child.waitFor(/listening on ftp:\/\/[\d.]+:(\d+)/))[1]);
  return {
    root,
    ref: { host, port, user: TEST_USER, tls: 'none', dataMode: 'passive', siteId: `measure-${name}`, name },
    stop: async () => {
      await child.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Merges `numbers` into the measurements file under `key`. */
function record(key: string, numbers: Record<string, number | string>): void {
  const file = path.join(ARTIFACTS_DIR, 'fxp-measurements.json');
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // First measurement of this run.
  }
  all[key] = { ...numbers, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(all, null, 2));
  console.log(`[fxp measure] ${key}: ${JSON.stringify(numbers)}`);
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

describe('fxp: measurements in the extension host', function () {
  this.timeout(900_000);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it(`queues a ${FILES}-file folder drop`, async () => {
    const source = await serve('many-src', true);
    stops.push(source.stop);
    const target = await serve('many-dst', true);
    stops.push(target.stop);
    mkdirSync(path.join(source.root, 'many'));
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(source.root, 'many', `f${String(i).padStart(5, '0')}.txt`), `file ${i}\n`);
    const { controller } = await openController();
    stops.push(async () => controller.dispose());
    // Nothing runs while measuring: the time is the walk, the folders on the target and the jobs in the file.
    await controller.handle({ action: 'pauseAll' });
    let events = 0;
    controller.onChange(() => events++);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const jobs = await controller.enqueue({ files: [], folders: [{ source: { site: source.ref, path: '/many' }, target: { site: target.ref, path: '/many' } }] });
    const queuedMs = performance.now() - started;
    delay.disable();
    assert.equal(jobs.length, FILES);
    assert.equal(controller.snapshot().jobs.length, FILES);
    record('queue-10000-file-drop', { files: FILES, queuedMs: Math.round(queuedMs), changeEvents: events, loopDelayP99Ms: ms(delay.percentile(99)), loopDelayMaxMs: ms(delay.max) });
    // Then the queue runs for a while: every save merges and rewrites the 10 000-job file.
    const running = monitorEventLoopDelay({ resolution: 10 });
    running.enable();
    await controller.handle({ action: 'resumeAll' });
    await new Promise((resolve) => setTimeout(resolve, RUN_WINDOW_MS));
    await controller.handle({ action: 'pauseAll' });
    running.disable();
    const copied = controller.snapshot().jobs.filter((j) => j.state === 'done').length;
    assert.ok(copied > 0, 'copies ran');
    record('queue-10000-jobs-running', { seconds: RUN_WINDOW_MS / 1000, copied, loopDelayP50Ms: ms(running.percentile(50)), loopDelayP99Ms: ms(running.percentile(99)), loopDelayMaxMs: ms(running.max) });
    assert.equal(await controller.handle({ action: 'job', verb: 'remove', ids: jobs.map((j) => j.id) }), FILES);
  });

  /**
   * Copies `mib` MiB between two `ferry serve` processes through a controller here and watches this event loop
   * while the bytes flow with the expected method: from the moment the job reports that method (a relay is preceded
   * by the refused FXP attempts, which wait on the servers) until the target has every byte (the verification that
   * follows hashes on the servers).
   */
  async function copyWatched(method: 'fxp' | 'relay', mib: number) {
    const source = await serve(`${method}-src`, true, RELAY_SOURCE_HOST);
    stops.push(source.stop);
    const target = await serve(`${method}-dst`, method === 'fxp', STRICT_HOST);
    stops.push(target.stop);
    const size = mib * 1024 * 1024;
    const digest = writeRandom(path.join(source.root, 'big.bin'), size);
    const { controller, log } = await openController();
    stops.push(async () => controller.dispose());
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const window: { start?: number; end?: number; cpu?: NodeJS.CpuUsage } = {};
    controller.onChange((change) => {
      if (change.kind !== 'job' || change.job.method !== method) return;
      if (window.start === undefined) {
        window.start = performance.now();
        window.cpu = process.cpuUsage();
        delay.enable();
      }
      if (window.end === undefined && change.job.bytesDone >= size) {
        window.end = performance.now();
        window.cpu = process.cpuUsage(window.cpu);
        delay.disable();
      }
    });
    const [job] = await controller.enqueue({ files: [{ source: { site: source.ref, path: '/big.bin' }, target: { site: target.ref, path: '/big.bin' } }], folders: [] });
    const [done] = await jobsIn(controller, [job.id], ['done', 'failed'], 600_000, log);
    assert.equal(done.state, 'done', done.error);
    assert.equal(done.method, method);
    assert.ok(window.start !== undefined && window.end !== undefined && window.cpu, 'progress was reported while the bytes flowed');
    const seconds = (window.end - window.start) / 1000;
    assert.equal(sha256(path.join(target.root, 'big.bin')), digest);
    return {
      mib,
      seconds: Math.round(seconds * 100) / 100,
      mibPerSecond: Math.round(mib / seconds),
      extensionHostCpuPercent: Math.round(((window.cpu.user + window.cpu.system) / 1e6 / seconds) * 100),
      loopDelayP50Ms: ms(delay.percentile(50)),
      loopDelayP99Ms: ms(delay.percentile(99)),
      loopDelayMaxMs: ms(delay.max),
      loopDelayMeanMs: ms(delay.mean),
    };
  }

  /** The same relay without the queue (core relayCopy alone): what the bytes themselves cost this event loop. */
  async function bareRelayWatched(mib: number) {
    const source = await serve('bare-src', true, RELAY_SOURCE_HOST);
    stops.push(source.stop);
    const target = await serve('bare-dst', false, STRICT_HOST);
    stops.push(target.stop);
    writeRandom(path.join(source.root, 'big.bin'), mib * 1024 * 1024);
    const [from, to] = [source.ref, target.ref].map((ref) => new FtpClient({ ...ref, password: TEST_PASSWORD }));
    stops.push(async () => [from, to].forEach((c) => c.close()));
    await Promise.all([from.connect(), to.connect()]);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await relayCopy(from, to, '/big.bin', '/big.bin', 0);
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    const used = process.cpuUsage(cpu);
    return {
      mib,
      seconds: Math.round(seconds * 100) / 100,
      mibPerSecond: Math.round(mib / seconds),
      extensionHostCpuPercent: Math.round(((used.user + used.system) / 1e6 / seconds) * 100),
      loopDelayP50Ms: ms(delay.percentile(50)),
      loopDelayP99Ms: ms(delay.percentile(99)),
      loopDelayMaxMs: ms(delay.max),
    };
  }

  it(`watches the event loop during a ${RELAY_MIB} MiB relay copy (bytes through this process), the same FXP copy and a bare relay`, async () => {
    record(`relay-${RELAY_MIB}MiB-event-loop`, await copyWatched('relay', RELAY_MIB));
    record(`fxp-${RELAY_MIB}MiB-event-loop-baseline`, await copyWatched('fxp', RELAY_MIB));
    record(`bare-relay-${RELAY_MIB}MiB-event-loop`, await bareRelayWatched(RELAY_MIB));
  });
});
