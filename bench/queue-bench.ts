/**
 * Queue and panel benchmarks (run by run.ts as BENCH_PHASES=queue, or alone: node out/bench/queue-bench.js).
 *
 * The extension host is played by a child process (bench/queue-host.ts: a TransferQueue, its
 * events through the panel's coalescer, messages over IPC); this process plays the webview and
 * renders every message with the panel's own renderer (src/webview/fxp-queue) in happy-dom.
 * Servers: Ferry's own, four of them on loopback (see runQueueBench).
 *
 *  - a folder drop of 10 000 small files: time to queue (addFolder: listing, the target folder,
 *    one save) and time until the panel shows it (drop -> snapshot rendered);
 *  - 4 FXP jobs running at once, alone in the queue and next to the 10 000 paused jobs: panel
 *    messages per second, render time per patch, CPU of the host process, its event-loop delay;
 *  - a 1 GiB relay (the target refuses FXP): the host's event-loop delay, p99 <= 50 ms wanted.
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NewJob, SiteRef } from '../src/core/fxp';
import type { HostMessage } from '../src/vscode/fxp/model/queue-protocol';
import { makeRandomFile } from './files';
import { Host, now, Panel, Rendered } from './queue-panel';
import { otherLoad } from './procstat';
import { RunningServer, runAlone, startFerry } from './servers';
import { emit, median, percentile, printTargets, progress, TargetRow } from './stats';

const MiB = 1 << 20;
const QUICK = process.env.BENCH_QUICK === '1';
const DROP_FILES = 10_000;
const DROP_FILE_SIZE = 1024;
const RELAY_SIZE = QUICK ? 64 * MiB : 1 << 30;
/** The 4 concurrent jobs: a size and a source rate limit that keep them running for about 10 s. */
const RUN_SIZE = QUICK ? 16 * MiB : 256 * MiB;
const RUN_RATE = 25_000_000;
const RUN_JOBS = 4;
/** How often target files are looked at to see how many copies move at once. */
const SAMPLE_MS = 250;
const PASSWORD = 'secret';
const LIMITS = { concurrency: RUN_JOBS, perSite: RUN_JOBS, password: PASSWORD };

/** A queue's reference to a bench server (the password comes from the host's passwordFor). */
function siteOf(server: RunningServer): SiteRef {
  return { host: server.host, port: server.port, user: server.user };
}

/** Target rows, printed at the end. */
const targets: TargetRow[] = [];
/** The servers of the run (their CPU is not "other processes"). */
let servers: RunningServer[] = [];

/** Drop of a 10 000-file folder: time to queue, and until the panel has drawn it. */
async function folderDrop(dir: string, src: RunningServer, dst: RunningServer): Promise<Host> {
  progress(`queue: dropping a folder of ${DROP_FILES} files`);
  const host = await Host.open(path.join(dir, 'queue-drop.json'), await Panel.create(), LIMITS);
  const panel = host.panel;
  const spec: NewJob = { source: { site: siteOf(src), path: '/drop' }, target: { site: siteOf(dst), path: '/in/drop' } };
  const drop = await host.command({ cmd: 'drop', spec });
  await panel.when(() => panel.jobs >= DROP_FILES, 60_000);
  const shown = panel.rendered[panel.rendered.length - 1];
  emit('queue_drop_10k_ms', drop.ms as number, 'ms', 0);
  emit('queue_drop_10k_writes', drop.writes as number, 'saves', 0);
  emit('queue_drop_10k_last_save_ms', drop.lastSaveMs as number, 'ms', 0);
  emit('queue_file_10k_bytes', fs.statSync(path.join(dir, 'queue-drop.json')).size, 'B', 0);
  emit('panel_show_10k_ms', shown.drawnAt - (drop.started as number), 'ms', 0);
  emit('panel_show_10k_after_queued_ms', shown.drawnAt - (drop.started as number) - (drop.ms as number), 'ms', 0);
  emit('panel_snapshot_10k_bytes', shown.bytes, 'B', 0);
  emit('panel_render_snapshot_10k_ms', shown.renderMs, 'ms', 1);
  emit('panel_rows_in_dom_10k', panel.view.renderedRows(), 'rows', 0);
  targets.push({ label: `queue a ${DROP_FILES}-file folder drop`, wanted: '(info)', value: drop.ms as number, unit: 'ms' });
  targets.push({ label: '  until the panel shows it', wanted: '(info)', value: shown.drawnAt - (drop.started as number), unit: 'ms' });
  await expandedRender(panel.lastSnapshot!);
  await addManyAlone(dir, spec);
  return host;
}

/** The queue's own share of the drop: the same 10 000 jobs through addMany, without the listing. */
async function addManyAlone(dir: string, folder: NewJob): Promise<void> {
  const specs: NewJob[] = Array.from({ length: DROP_FILES }, (_, i) => {
    const name = `file-${String(i).padStart(5, '0')}.txt`;
    return { source: { ...folder.source, path: `${folder.source.path}/${name}` }, target: { ...folder.target, path: `${folder.target.path}/${name}` } };
  });
  const panel = await Panel.create();
  const host = await Host.open(path.join(dir, 'queue-add.json'), panel, LIMITS);
  try {
    const added = await host.command({ cmd: 'add', specs });
    emit('queue_add_many_10k_ms', added.ms as number, 'ms', 0);
    emit('queue_add_many_10k_last_save_ms', added.lastSaveMs as number, 'ms', 0);
  } finally {
    await host.close();
    await panel.close();
  }
}

/** Render time of the 10 000-job snapshot with its folder group expanded (10 000 lines in the list). */
async function expandedRender(message: Extract<HostMessage, { type: 'snapshot' }>): Promise<void> {
  const panel = await Panel.create(message.snapshot.groups.map((g) => g.id));
  try {
    panel.receive(now(), message);
    const r = panel.rendered[panel.rendered.length - 1];
    emit('panel_render_snapshot_10k_expanded_ms', r.renderMs, 'ms', 1);
    emit('panel_rows_in_dom_10k_expanded', panel.view.renderedRows(), 'rows', 0);
  } finally {
    await panel.close();
  }
}

/**
 * Watches target files grow, independently of the queue's own progress reports: every
 * SAMPLE_MS, how many of them grew since the last look. Stop it to get the most that grew at
 * once and the average over the samples in which any grew.
 */
function watchGrowth(files: string[]): () => { most: number; mean: number } {
  let sizes = files.map(() => -1);
  const counts: number[] = [];
  const timer = setInterval(() => {
    const now = files.map((f) => fs.statSync(f, { throwIfNoEntry: false })?.size ?? -1);
    const grew = now.filter((size, i) => size > sizes[i] && sizes[i] >= 0).length;
    if (grew > 0) counts.push(grew);
    sizes = now;
  }, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    return { most: Math.max(0, ...counts), mean: counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length) };
  };
}

/** What one run of jobs until the queue drained looked like, from the host and from the panel. */
interface JobsRun {
  /** The host's result of `run` (queue-host.ts). */
  host: Record<string, unknown>;
  seconds: number;
  messages: Rendered[];
  grew: { most: number; mean: number };
  /** Cores other processes used meanwhile (bench/procstat.ts otherLoad). */
  others: number;
}

/** Runs the jobs in the host until its queue drains, watching the panel and the target files meanwhile. */
async function runJobs(host: Host, specs: NewJob[], dstRoot: string, label: string): Promise<JobsRun> {
  const panel = host.panel;
  const from = panel.rendered.length;
  panel.maxRunning = 0;
  panel.progressSteps.clear();
  const stopWatching = watchGrowth(specs.map((spec) => path.join(dstRoot, spec.target.path)));
  const others = otherLoad([...servers, host]);
  const started = now();
  let result: Record<string, unknown>;
  let grew: ReturnType<typeof stopWatching>;
  try {
    result = await host.command({ cmd: 'run', specs });
  } finally {
    grew = stopWatching();
  }
  const othersCores = others();
  const states = result.states as string[];
  const methods = result.methods as string[];
  if (states.some((s) => s !== 'done') || methods.some((m) => m !== 'fxp')) throw new Error(`${label}: states ${states}, methods ${methods}, errors ${(result.errors as string[]).join('; ')}`);
  return { host: result, seconds: (now() - started) / 1000, messages: panel.rendered.slice(from), grew, others: othersCores };
}

/** Four FXP jobs at once until the queue drains: panel traffic and render times, host CPU and event loop. */
async function fourJobs(host: Host, label: string, slow: RunningServer, dst: RunningServer, dstRoot: string, tag: string): Promise<void> {
  progress(`queue: ${RUN_JOBS} FXP jobs (${label})`);
  const specs: NewJob[] = Array.from({ length: RUN_JOBS }, (_, i) => ({
    source: { site: siteOf(slow), path: `/run-${i}.bin` },
    target: { site: siteOf(dst), path: `/in/run-${tag}-${i}.bin` },
    allowRelay: false,
  }));
  const run = await runJobs(host, specs, dstRoot, label);
  const r = run.host;
  const panel = host.panel;
  const patches = run.messages.filter((m) => m.kind === 'patch');
  const suffix = `.${label}`;
  const steps = [...panel.progressSteps.values()].map((seen) => seen.size);
  const cpuPct = ((r.cpuMs as number) / (r.wallMs as number)) * 100;
  emit(`panel_msgs_per_s${suffix}`, run.messages.length / run.seconds, 'msg/s');
  emit(`jobs_running_at_once_max${suffix}`, panel.maxRunning, `of ${RUN_JOBS}`, 0);
  emit(`copies_moving_at_once_max${suffix}`, run.grew.most, `of ${RUN_JOBS}`, 0);
  emit(`copies_moving_at_once_mean${suffix}`, run.grew.mean, `of ${RUN_JOBS}`, 1);
  emit(`panel_progress_steps_per_job${suffix}`, median([...steps, ...Array(RUN_JOBS - steps.length).fill(0)]), 'steps', 0);
  emit(`panel_snapshots${suffix}`, run.messages.filter((m) => m.kind === 'snapshot').length, 'msgs', 0);
  emit(`queue_events_per_s${suffix}`, (r.queueEvents as number) / run.seconds, 'events/s');
  emit(`panel_jobs_per_patch${suffix}`, median(patches.map((m) => m.jobs)), 'jobs');
  emit(`panel_render_patch_ms_p50${suffix}`, median(patches.map((m) => m.renderMs)), 'ms', 2);
  emit(`panel_render_patch_ms_p99${suffix}`, percentile(patches.map((m) => m.renderMs), 99), 'ms', 2);
  emit(`panel_render_ms_max${suffix}`, Math.max(...run.messages.map((m) => m.renderMs)), 'ms', 2);
  emit(`host_cpu_pct${suffix}`, cpuPct, '% of a core', 1);
  emit(`host_loop_delay_p99_ms${suffix}`, r.loopP99Ms as number, 'ms', 1);
  emit(`fxp_jobs_MBps${suffix}`, (r.bytes as number) / 1e6 / ((r.wallMs as number) / 1000), 'MB/s', 0);
  emit(`fxp_jobs_seconds${suffix}`, (r.wallMs as number) / 1000, 's', 1);
  emit(`others_cores${suffix}`, run.others, 'cores');
  targets.push({ label: `${RUN_JOBS} FXP jobs (${label}): panel messages`, wanted: '(info)', value: run.messages.length / run.seconds, unit: '/s' });
  targets.push({ label: `  render per patch, p99`, wanted: '(info)', value: percentile(patches.map((m) => m.renderMs), 99), unit: 'ms' });
  targets.push({ label: `  host CPU`, wanted: '(info)', value: cpuPct, unit: '%' });
  targets.push({ label: `  copies moving at once (target files growing)`, wanted: '(info)', value: run.grew.most, unit: `of ${RUN_JOBS}` });
}

/** Nice value of the host in the second relay (root may lower it below 0). */
const PRIORITY = -10;

/**
 * A 1 GiB copy the target refuses as FXP, so it is relayed through the host: its event-loop
 * delay. `prioritized`: the host runs at nice PRIORITY, so other processes of a shared machine
 * do not hold it off a core and the delay is what the queue's own work does to the loop.
 */
async function relay(dir: string, src: RunningServer, closed: RunningServer, dstRoot: string, prioritized: boolean): Promise<void> {
  const label = prioritized ? 'relay_nice' : 'relay';
  progress(`queue: a ${RELAY_SIZE / MiB} MiB relay through the host${prioritized ? ` at nice ${PRIORITY}` : ''}`);
  const panel = await Panel.create();
  const host = await Host.open(path.join(dir, `queue-${label}.json`), panel, LIMITS);
  try {
    if (prioritized) host.prioritize(PRIORITY);
    const others = otherLoad([...servers, host]);
    const r = await host.command({ cmd: 'run', specs: [{ source: { site: siteOf(src), path: '/big.bin' }, target: { site: siteOf(closed), path: `/in/${label}.bin` } }] });
    const othersCores = others();
    const [state, method] = [(r.states as string[])[0], (r.methods as string[])[0]];
    if (state !== 'done' || method !== 'relay') throw new Error(`${label}: state ${state}, method ${method}: ${(r.errors as string[])[0]}`);
    // From the job's start: the refused FXP attempts (both roles) included.
    emit(`relay_job_MBps.${label}`, RELAY_SIZE / 1e6 / ((r.wallMs as number) / 1000), 'MB/s', 0);
    emit(`host_cpu_pct.${label}`, ((r.cpuMs as number) / (r.wallMs as number)) * 100, '% of a core', 1);
    emit(`host_loop_delay_p50_ms.${label}`, r.loopP50Ms as number, 'ms', 1);
    emit(`host_loop_delay_p99_ms.${label}`, r.loopP99Ms as number, 'ms', 1);
    emit(`host_loop_delay_max_ms.${label}`, r.loopMaxMs as number, 'ms', 1);
    emit(`panel_msgs_per_s.${label}`, panel.rendered.length / ((r.wallMs as number) / 1000), 'msg/s');
    emit(`others_cores.${label}`, othersCores, 'cores');
    const what = prioritized ? `  the same, host at nice ${PRIORITY}` : `event-loop delay p99 during a ${RELAY_SIZE / MiB} MiB relay`;
    const p99 = r.loopP99Ms as number;
    targets.push({ label: what, wanted: prioritized ? '(info)' : '<= 50 ms', value: p99, ok: p99 <= 50, unit: 'ms' });
    targets.push({ label: '  cores other processes used meanwhile', wanted: '(info)', value: othersCores, unit: 'cores' });
  } finally {
    await host.close();
    await panel.close();
    fs.rmSync(path.join(dstRoot, 'in', `${label}.bin`), { force: true });
  }
}

/**
 * Servers (Ferry's, plain FTP): `src` on 127.0.0.2, the folder drop's and the relay's source (on
 * another address, so a server on 127.0.0.1 takes it for another machine); `slow`, the same files
 * at RUN_RATE per session for the 4 jobs; `dst` the FXP target; `closed` a target with FXP off.
 */
export async function runQueueBench(dir: string): Promise<void> {
  const srcRoot = path.join(dir, 'queue-src');
  const dstRoot = path.join(dir, 'queue-dst');
  fs.mkdirSync(path.join(srcRoot, 'drop'), { recursive: true });
  fs.mkdirSync(path.join(dstRoot, 'in'), { recursive: true });
  progress(`queue: writing ${DROP_FILES} small files, ${RUN_JOBS} x ${RUN_SIZE / MiB} MiB and ${RELAY_SIZE / MiB} MiB`);
  const small = Buffer.alloc(DROP_FILE_SIZE);
  for (let i = 0; i < DROP_FILES; i++) fs.writeFileSync(path.join(srcRoot, 'drop', `file-${String(i).padStart(5, '0')}.txt`), randomFillSync(small));
  makeRandomFile(path.join(srcRoot, 'run-0.bin'), RUN_SIZE);
  for (let i = 1; i < RUN_JOBS; i++) fs.linkSync(path.join(srcRoot, 'run-0.bin'), path.join(srcRoot, `run-${i}.bin`));
  makeRandomFile(path.join(srcRoot, 'big.bin'), RELAY_SIZE);

  const src = await startFerry(srcRoot, ['allow_fxp=YES'], 'ferry-src', '127.0.0.2');
  const slow = await startFerry(srcRoot, ['allow_fxp=YES', `max_download_rate=${RUN_RATE}`], 'ferry-slow');
  const dst = await startFerry(dstRoot, ['allow_fxp=YES'], 'ferry-dst');
  const closed = await startFerry(dstRoot, ['allow_fxp=NO'], 'ferry-nofxp');
  servers = [src, slow, dst, closed];
  try {
    console.log(`# host = a child process running TransferQueue + the panel's coalescer (messages over IPC); panel = src/webview/fxp-queue in happy-dom here`);
    const quiet = await Host.open(path.join(dir, 'queue-4.json'), await Panel.create(), LIMITS);
    try {
      await fourJobs(quiet, 'alone', slow, dst, dstRoot, 'a');
    } finally {
      await quiet.close();
      await quiet.panel.close();
    }
    const host = await folderDrop(dir, src, dst);
    try {
      await host.command({ cmd: 'pause' });
      // The pause's snapshot and save settle before the run is measured.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await fourJobs(host, 'with_10k_paused', slow, dst, dstRoot, 'b');
    } finally {
      await host.close();
      await host.panel.close();
    }
    await relay(dir, src, closed, dstRoot, false);
    await relay(dir, src, closed, dstRoot, true);
    printTargets('queue and panel', 'queue_targets_met', targets);
  } finally {
    for (const s of servers) await s.stop();
  }
}

if (require.main === module) runAlone('ferry-queue-bench-', runQueueBench);
