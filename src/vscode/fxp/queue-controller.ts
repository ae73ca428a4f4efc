import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CopyJob, SiteRef } from '../../core/fxp';
import type { Logger } from '../explorer/model/log';
import { transferExcludes } from '../explorer/transfer-exclude';
import type { CopySpecs } from './model/drop-plan';
import { QueueActivity, RunSummary } from './model/queue-activity';
import type { QueueEvent, QueueIntent, QueueMeta } from './model/queue-ipc';
import { QueueMirror } from './model/queue-mirror';
import type { JobVerb, PanelRequest, QueueBackend, QueueChange, QueueLimits, QueueSnapshot } from './model/queue-protocol';
import { QueueProcess } from './queue-process';
import { affects, fxpSettings, saveLimits } from './settings';

/** Upper bound of both limits: servers cap connections per client long before this. */
const MAX_LIMIT = 32;

export interface QueueControllerOptions {
  /** The queue file; the editor's is `fxp-queue.json` in the extension's global storage. */
  file: string;
  /** A queued site's password (SecretStorage), asked for by the queue process whenever a job connects; never written to the file. */
  passwordFor(site: SiteRef): Promise<string | undefined>;
  /** Shows a job's target in the Sites tree. */
  reveal(site: SiteRef, path: string): Promise<void>;
  log: Logger;
  /** The queue process's script (default: queue-child.js next to this bundle, i.e. dist/). */
  script?: string;
}

/** Progress of queueing a drop: folders are walked first, which takes a while for big trees. */
export interface EnqueueProgress {
  signal?: AbortSignal;
  /** Files found so far in the drop's folders. */
  onFound?: (files: number) => void;
}

function jobIds(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) throw new Error(vscode.l10n.t('A job request needs a list of job ids.'));
  return value;
}

function limitsFrom(value: QueueLimits): QueueLimits {
  const valid = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT;
  if (!valid(value?.concurrency) || !valid(value?.perSite)) throw new Error(vscode.l10n.t('Limits are whole numbers from 1 to {0}.', MAX_LIMIT));
  return { concurrency: value.concurrency, perSite: value.perSite };
}

const INTENTS: readonly JobVerb[] = ['pause', 'resume', 'cancel', 'retry', 'remove'] satisfies QueueIntent[];

/**
 * The editor's side of the persistent FXP queue. The TransferQueue itself runs in a child
 * process (queue-child.ts, restarted if it dies): its saves and relay copies would stall this
 * event loop. The child runs the queue whenever it has work and keeps it in step with other
 * processes on the file (another window, `ferry queue`); this side keeps a mirror of the jobs
 * from its events, answers the panel's requests, and tells the status bar and notifications what
 * happens. Usable at once: until the child has read the file the queue looks empty and requests wait.
 */
export class QueueController implements QueueBackend, vscode.Disposable {
  private activityOfChild = new QueueActivity();
  private readonly changeListeners = new Set<(change: QueueChange) => void>();
  private readonly failedEmitter = new vscode.EventEmitter<CopyJob>();
  /** A job failed for good (no attempts left, or a failure not worth retrying). */
  readonly onDidFail = this.failedEmitter.event;
  private readonly drainedEmitter = new vscode.EventEmitter<RunSummary>();
  /** The queue ran out of runnable work after doing some. */
  readonly onDidDrain = this.drainedEmitter.event;
  /** Settles when the file has been read (or could not be: see `openProblem`). */
  readonly ready: Promise<void>;
  private readonly process: QueueProcess;
  private readonly mirror = new QueueMirror();
  private meta: QueueMeta = { limits: fxpSettings().limits, pausedAll: false, groups: [] };
  private openProblem?: string;
  private readonly disposables: vscode.Disposable[] = [this.failedEmitter, this.drainedEmitter];

  constructor(private readonly options: QueueControllerOptions) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => this.settingsChanged(e)));
    this.process = new QueueProcess({
      script: options.script ?? path.join(__dirname, 'queue-child.js'),
      open: () => ({ file: options.file, limits: fxpSettings().limits, allowClearData: fxpSettings().allowClearData }),
      passwordFor: (site) => options.passwordFor(site),
    });
    // Jobs count as run here when the queue's process runs them: a restarted child has a new pid.
    this.process.on('started', (pid) => (this.activityOfChild = new QueueActivity(this.mirror.jobs, pid)));
    this.process.on('event', (event) => this.onEvent(event));
    this.process.on('log', (level, line) => options.log[level](line));
    this.process.start();
    this.ready = this.process.opened().catch((err: Error) => {
      this.openProblem = err.message;
      options.log.error(`cannot open the queue file ${options.file}: ${err.message}`);
      this.meta = { ...this.meta, saveProblem: err.message };
      this.emit({ kind: 'meta', saveProblem: err.message });
    });
  }

  /** A controller whose file has been read; rejects when it cannot be. */
  static async open(options: QueueControllerOptions): Promise<QueueController> {
    const controller = new QueueController(options);
    await controller.opened();
    return controller;
  }

  /** Waits for the open queue; throws why there is none. */
  private async opened(): Promise<void> {
    await this.ready;
    if (this.openProblem) throw new Error(this.openProblem);
  }

  /** Running jobs and what finished since the queue last drained. */
  get activity(): QueueActivity {
    return this.activityOfChild;
  }

  /** The queue file, for `ferry queue --queue <file>`. */
  get file(): string {
    return this.options.file;
  }

  /** The queue process's pid while it runs (tests). */
  get processId(): number | undefined {
    return this.process.pid;
  }

  snapshot(): QueueSnapshot {
    const { limits, pausedAll, groups, saveProblem } = this.meta;
    return { jobs: [...this.mirror.jobs], groups, limits, pausedAll, saveProblem };
  }

  onChange(listener: (change: QueueChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private emit(change: QueueChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  private onEvent(event: QueueEvent): void {
    switch (event.kind) {
      case 'jobs':
        for (const job of event.jobs) {
          this.mirror.update(job);
          if (this.activity.observe(job) === 'failed') this.failedEmitter.fire(job);
          this.emit({ kind: 'job', job });
        }
        break;
      case 'removed':
        this.mirror.remove(event.ids);
        this.activity.forget(event.ids);
        this.emit({ kind: 'removed', ids: event.ids });
        break;
      case 'versions':
        this.mirror.stage(event.jobs);
        break;
      case 'reset':
        this.mirror.reset(event.order);
        this.activity.reset(this.mirror.jobs);
        this.emit({ kind: 'reset' });
        break;
      case 'meta': {
        this.meta = event.meta;
        const { limits, pausedAll, groups, saveProblem } = event.meta;
        this.emit({ kind: 'meta', limits, pausedAll, groups, saveProblem: saveProblem ?? null });
        break;
      }
      case 'drained': {
        const summary = this.activity.takeSummary();
        if (summary) this.drainedEmitter.fire(summary);
        break;
      }
    }
  }

  /** Queues copies: the files at once, then each folder after walking it (one group per folder). */
  async enqueue(specs: CopySpecs, progress: EnqueueProgress = {}): Promise<CopyJob[]> {
    await this.opened();
    // Walks and large drops take as long as they take: no timeout, the drop's progress can cancel.
    const ids = specs.files.length > 0 ? await this.process.call<string[]>({ op: 'addMany', specs: specs.files }, { timeoutMs: 0 }) : [];
    for (const folder of specs.folders) {
      if (progress.signal?.aborted) break;
      const before = ids.length;
      const onFound = (files: number) => progress.onFound?.(before + files);
      try {
        ids.push(...(await this.process.call<string[]>({ op: 'addFolder', spec: folder, exclude: transferExcludes(folder.source.site.siteId) }, { timeoutMs: 0, signal: progress.signal, onFound })));
      } catch (err) {
        progress.signal?.throwIfAborted();
        throw err;
      }
    }
    // The child sent the new jobs before its reply: the mirror has them.
    return ids.map((id) => this.mirror.find(id)).filter((job): job is CopyJob => job !== undefined);
  }

  async handle(request: PanelRequest): Promise<unknown> {
    await this.opened();
    switch (request?.action) {
      case 'job':
        return this.jobAction(request.verb, jobIds(request.ids));
      case 'pauseAll':
      case 'resumeAll':
      case 'clearFinished':
        return this.process.call({ op: request.action });
      case 'setLimits':
        return this.setLimits(limitsFrom(request.limits));
      default:
        throw new Error(vscode.l10n.t('Unknown request: {0}', JSON.stringify(request)));
    }
  }

  /** A row action; resolves with how many jobs it changed. */
  private async jobAction(verb: JobVerb, ids: string[]): Promise<number> {
    if (INTENTS.includes(verb)) return this.process.call<number>({ op: 'intent', intent: verb as QueueIntent, ids });
    switch (verb) {
      case 'moveUp':
      case 'moveDown':
        return this.process.call<number>({ op: 'move', ids, direction: verb === 'moveUp' ? 'up' : 'down' });
      case 'reveal': {
        const job = ids.length > 0 ? this.mirror.find(ids[0]) : undefined;
        if (!job) throw new Error(vscode.l10n.t('There is no such job in the queue.'));
        await this.options.reveal(job.target.site, job.resolvedTarget ?? job.target.path);
        return 1;
      }
      default:
        throw new Error(vscode.l10n.t('Unknown job action: {0}', String(verb)));
    }
  }

  private async setLimits(limits: QueueLimits): Promise<QueueLimits> {
    const applied = await this.process.call<QueueLimits>({ op: 'setLimits', limits });
    await saveLimits(applied);
    return applied;
  }

  private settingsChanged(event: vscode.ConfigurationChangeEvent): void {
    const settings = fxpSettings();
    const failed = (err: Error) => this.options.log.warn(`applying the FXP settings: ${err.message}`);
    if (affects(event, 'allowClearData')) this.process.call({ op: 'setAllowClearData', allow: settings.allowClearData }).catch(failed);
    if (affects(event, 'concurrency') || affects(event, 'perSite')) this.process.call({ op: 'setLimits', limits: settings.limits }).catch(failed);
  }

  /**
   * Stops the queue process: it hands running jobs back to the file (queued, resumable: they
   * continue when the queue is opened again, in this window or another) and exits.
   */
  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.changeListeners.clear();
    this.process.removeAllListeners('event').removeAllListeners('started');
    this.process.stop();
  }
}
