/**
 * The extension host's stand-in for bench/queue-bench.ts, in a process of its own (forked with
 * an IPC channel): a TransferQueue as the editor opens it, its events turned into panel changes
 * (as src/vscode/fxp/queue-controller.ts forwards them) and through the panel's coalescer, whose
 * messages go to the parent over IPC, JSON-serialized like a webview's postMessage. The parent
 * plays the webview. Its CPU time and event-loop delay are those of this process alone.
 *
 * Commands from the parent (one at a time), each answered with one `done` message:
 *   open   { file, concurrency, perSite }     opens the queue
 *   ready  {}                                 the panel is there: a snapshot, then patches
 *   drop   { spec }                           addFolder, timed
 *   add    { specs }                          addMany alone, timed (the queue's share of a drop)
 *   pause  {}                                 pauses every queued job (they stay in the panel)
 *   run    { specs }                          addMany + run until drained: CPU, event-loop delay, events
 *   close  {}
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NewJob, TransferQueue } from '../src/core/fxp';
import { QueueUpdateCoalescer } from '../src/vscode/fxp/model/queue-coalescer';
import type { HostMessage, QueueChange } from '../src/vscode/fxp/model/queue-protocol';

export type HostCommand =
  | { cmd: 'open'; file: string; concurrency: number; perSite: number; password: string }
  | { cmd: 'ready' }
  | { cmd: 'drop'; spec: NewJob }
  | { cmd: 'add'; specs: NewJob[] }
  | { cmd: 'pause' }
  | { cmd: 'run'; specs: NewJob[] }
  | { cmd: 'close' };

/** What the host tells the parent: a panel message (with the time it was posted), or a command's result. */
export type HostReport = { type: 'panel'; at: number; message: HostMessage } | { type: 'done'; cmd: HostCommand['cmd']; result: Record<string, unknown> } | { type: 'error'; message: string };

/** Period of the event-loop delay sampler; the histogram's values include it, so it is taken off. */
const LOOP_RESOLUTION_MS = 10;

/** process.hrtime in ms: CLOCK_MONOTONIC, the same clock in the parent. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

function send(report: HostReport): void {
  process.send!(report);
}

/** The queue's events as the editor's controller forwards them to the panel. */
function forward(queue: TransferQueue, push: (change: QueueChange) => void): { events: number } {
  const counts = { events: 0 };
  queue.on('job', (job) => {
    counts.events++;
    push({ kind: 'job', job });
  });
  queue.on('removed', (ids) => push({ kind: 'removed', ids }));
  queue.on('reset', () => push({ kind: 'reset' }));
  queue.on('meta', () => push({ kind: 'meta', limits: queue.limits(), pausedAll: queue.pausedAll, groups: queue.groups(), saveProblem: queue.saveProblem ?? null }));
  return counts;
}

let queue: TransferQueue | undefined;
let coalescer: QueueUpdateCoalescer | undefined;
let counts = { events: 0 };

/** Adds the jobs and runs the queue until it drains, measuring this process meanwhile. */
async function run(specs: NewJob[]): Promise<Record<string, unknown>> {
  const q = queue!;
  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  const events0 = counts.events;
  const stats0 = { ...coalescer!.stats };
  const cpu0 = process.cpuUsage();
  const started = now();
  delay.enable();
  const jobs = await q.addMany(specs);
  await q.run();
  delay.disable();
  const wallMs = now() - started;
  const cpu = process.cpuUsage(cpu0);
  const ids = new Set(jobs.map((j) => j.id));
  const finished = q.list().filter((j) => ids.has(j.id));
  const stats = coalescer!.stats;
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    queueEvents: counts.events - events0,
    patches: stats.patches - stats0.patches,
    snapshots: stats.snapshots - stats0.snapshots,
    bytes: finished.reduce((sum, j) => sum + (j.size ?? 0), 0),
    states: finished.map((j) => j.state),
    methods: finished.map((j) => j.method ?? ''),
    errors: finished.map((j) => j.error ?? ''),
    loopP50Ms: late(delay.percentile(50)),
    loopP99Ms: late(delay.percentile(99)),
    loopMaxMs: late(delay.max),
    writes: q.stats().writes,
  };
}

async function handle(command: HostCommand): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'open': {
      queue = await TransferQueue.open({ file: command.file, concurrency: command.concurrency, perSite: command.perSite, passwordFor: () => command.password });
      const q = queue;
      coalescer = new QueueUpdateCoalescer({
        post: (message) => send({ type: 'panel', at: now(), message }),
        snapshot: () => ({ jobs: q.list(), groups: q.groups(), limits: q.limits(), pausedAll: q.pausedAll, saveProblem: q.saveProblem }),
      });
      const c = coalescer;
      counts = forward(q, (change) => c.push(change));
      return {};
    }
    case 'ready':
      coalescer!.sendSnapshot();
      return {};
    case 'drop': {
      const started = now();
      const jobs = await queue!.addFolder(command.spec);
      const ended = now();
      return { started, ms: ended - started, jobs: jobs.length, writes: queue!.stats().writes, lastSaveMs: queue!.stats().lastSaveMs };
    }
    case 'add': {
      const started = now();
      const jobs = await queue!.addMany(command.specs);
      return { ms: now() - started, jobs: jobs.length, writes: queue!.stats().writes, lastSaveMs: queue!.stats().lastSaveMs };
    }
    case 'pause':
      return { paused: queue!.pause(queue!.list().filter((j) => j.state === 'queued').map((j) => j.id)) };
    case 'run':
      return run(command.specs);
    case 'close':
      coalescer?.stop();
      queue?.close();
      setTimeout(() => process.exit(0), 500);
      return {};
  }
}

process.on('message', (command: HostCommand) => {
  handle(command).then(
    (result) => send({ type: 'done', cmd: command.cmd, result }),
    (err: Error) => send({ type: 'error', message: err.stack ?? err.message }),
  );
});
