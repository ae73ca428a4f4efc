/**
 * The two sides of bench/queue-bench.ts around a queue: `Host`, the extension host's stand-in
 * (bench/queue-host.ts in a child process, driven by commands over IPC), and `Panel`, the
 * webview's: every message the host posts, drawn by the panel's own renderer
 * (src/webview/fxp-queue) in a happy-dom window, timed.
 */
import { ChildProcess, fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PanelStrings } from '../src/vscode/fxp/model/panel-strings';
import type { HostMessage, PanelState } from '../src/vscode/fxp/model/queue-protocol';
import { englishStrings } from '../test/vscode/fxp/panel-english';
import { cpuSeconds } from './procstat';
import type { HostCommand, HostReport } from './queue-host';

const HOST = path.join(__dirname, 'queue-host.js');

/** process.hrtime in ms: CLOCK_MONOTONIC, the clock the host process stamps its messages with. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** happy-dom is an ES module: loaded with import() (this file compiles to CommonJS). */
type HappyWindow = InstanceType<typeof import('happy-dom', { with: { 'resolution-mode': 'import' } }).Window>;

/** The panel's renderer as this program uses it (src/webview/fxp-queue/queue-renderer.ts). */
interface QueueView {
  handleMessage(message: HostMessage): void;
  renderedRows(): number;
}
interface RendererModule {
  createQueueView(root: unknown, post: () => void, options: { strings: PanelStrings; state?: PanelState }): QueueView;
}

/**
 * The renderer is browser code, compiled with the DOM types by tsconfig.webview.json (`npm run
 * bench` builds both); Node code must not see the DOM, so it is loaded at run time.
 */
function loadRenderer(): Promise<RendererModule> {
  return import(pathToFileURL(path.join(__dirname, '..', 'src', 'webview', 'fxp-queue', 'queue-renderer.js')).href) as Promise<RendererModule>;
}

/** One panel message as the webview got it: when the host posted it, when it was drawn, and the render time. */
export interface Rendered {
  kind: HostMessage['type'];
  postedAt: number;
  drawnAt: number;
  renderMs: number;
  jobs: number;
  bytes: number;
}

/** The panel's English words (read once from the extension's table). */
let strings: PanelStrings | undefined;

/** The webview: the panel renderer in a happy-dom window, fed by a host process. */
export class Panel {
  readonly rendered: Rendered[] = [];
  /** State of every job the panel holds. */
  private readonly states = new Map<string, string>();
  /** Most jobs shown running at once since the last reset of this count. */
  maxRunning = 0;
  /** Per job: the distinct byte counts the panel showed while the job ran (its progress bar's steps). */
  readonly progressSteps = new Map<string, Set<number>>();
  private waiters: { until: () => boolean; resolve: () => void }[] = [];
  view!: QueueView;
  /** The last snapshot drawn. */
  lastSnapshot?: Extract<HostMessage, { type: 'snapshot' }>;

  private constructor(private readonly window: HappyWindow) {}

  static async create(expanded: string[] = []): Promise<Panel> {
    const [{ Window }, { createQueueView }] = await Promise.all([import('happy-dom'), loadRenderer()]);
    const panel = new Panel(new Window({ width: 1000, height: 600 }));
    const doc = panel.window.document;
    const root = doc.createElement('div');
    doc.body.append(root);
    strings ??= englishStrings();
    panel.view = createQueueView(root, () => undefined, { strings, state: { expanded, scrollTop: 0 } });
    return panel;
  }

  /** Jobs the panel holds now. */
  get jobs(): number {
    return this.states.size;
  }

  receive(postedAt: number, message: HostMessage): void {
    const bytes = JSON.stringify(message).length;
    const started = now();
    this.view.handleMessage(message);
    const drawnAt = now();
    if (message.type === 'snapshot') {
      this.lastSnapshot = message;
      this.states.clear();
    }
    for (const job of message.type === 'snapshot' ? message.snapshot.jobs : message.type === 'patch' ? message.patch.jobs : []) {
      this.states.set(job.id, job.state);
      if (job.state === 'running' && job.bytesDone > 0) this.progressSteps.set(job.id, (this.progressSteps.get(job.id) ?? new Set()).add(job.bytesDone));
    }
    for (const id of message.type === 'patch' ? message.patch.removed : []) this.states.delete(id);
    this.maxRunning = Math.max(this.maxRunning, [...this.states.values()].filter((state) => state === 'running').length);
    const jobs = message.type === 'snapshot' ? message.snapshot.jobs.length : message.type === 'patch' ? message.patch.jobs.length : 0;
    this.rendered.push({ kind: message.type, postedAt, drawnAt, renderMs: drawnAt - started, jobs, bytes });
    this.waiters = this.waiters.filter((w) => (w.until() ? (w.resolve(), false) : true));
  }

  /** Resolves once `until` holds after a message (within `timeoutMs`). */
  when(until: () => boolean, timeoutMs: number): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the panel did not get there in time')), timeoutMs);
      this.waiters.push({ until, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  close(): Promise<void> {
    return this.window.happyDOM.close();
  }
}

/** The host process: commands in, panel messages and results out. */
export class Host {
  private pending?: { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void };

  private constructor(
    private readonly child: ChildProcess,
    readonly panel: Panel,
  ) {
    child.on('message', (report: HostReport) => {
      if (report.type === 'panel') panel.receive(report.at, report.message);
      else if (report.type === 'done') this.pending?.resolve(report.result);
      else this.pending?.reject(new Error(`queue host: ${report.message}`));
    });
    child.on('exit', (code) => this.pending?.reject(new Error(`queue host exited with ${code}`)));
  }

  /** Forks a host with a queue file of its own and shows its panel (the ready handshake). */
  static async open(file: string, panel: Panel, options: { concurrency: number; perSite: number; password: string }): Promise<Host> {
    // BENCH_QUEUE_PROFILE=DIR: a V8 CPU profile of each host process, to see where its time goes.
    const profile = process.env.BENCH_QUEUE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_QUEUE_PROFILE}`] : [];
    const host = new Host(fork(HOST, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: profile }), panel);
    await host.command({ cmd: 'open', file, ...options });
    await host.command({ cmd: 'ready' });
    await panel.when(() => panel.rendered.some((r) => r.kind === 'snapshot'), 10_000);
    return host;
  }

  /**
   * Raises the host's CPU priority (every thread it has; threads it starts later inherit it), so
   * that other processes on a shared machine do not hold it off the cores it needs.
   */
  prioritize(nice: number): void {
    for (const task of readdirSync(`/proc/${this.child.pid}/task`)) setPriority(Number(task), nice);
  }

  /** CPU seconds of the host process so far. */
  cpu(): number {
    return cpuSeconds(this.child.pid ?? -1);
  }

  command(command: HostCommand): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(command);
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.command({ cmd: 'close' });
    await exited;
  }
}
