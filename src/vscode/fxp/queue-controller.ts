import { watch } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CopyJob, SiteRef, TransferQueue } from '../../core/fxp';
import type { Logger } from '../explorer/model/log';
import type { CopySpecs } from './model/drop-plan';
import { QueueActivity, RunSummary } from './model/queue-activity';
import type { JobVerb, PanelRequest, QueueBackend, QueueChange, QueueLimits, QueueSnapshot } from './model/queue-protocol';
import { affects, fxpSettings, saveLimits } from './settings';

/** Changes by other processes are looked for this often even without a watch event (missed events, network file systems). */
const SYNC_INTERVAL_MS = 15_000;
/** A save is a burst of watch events (temporary file, rename, lock): one sync per burst. */
const WATCH_DEBOUNCE_MS = 250;
/** Upper bound of both limits: servers cap connections per client long before this. */
const MAX_LIMIT = 32;

export interface QueueControllerOptions {
  /** The queue file; the editor's is `fxp-queue.json` in the extension's global storage. */
  file: string;
  /** A queued site's password (SecretStorage), looked up whenever a job connects; never written to the file. */
  passwordFor(site: SiteRef): Promise<string | undefined>;
  /** Shows a job's target in the Sites tree. */
  reveal(site: SiteRef, path: string): Promise<void>;
  log: Logger;
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

/**
 * The editor's side of the persistent FXP queue: one TransferQueue on the queue file, run
 * whenever it has work, kept in step with other processes that use the same file (another
 * window, `ferry queue`) through a file watch and a slow timer. It answers the panel's requests
 * and tells the status bar and notifications what happens. Usable at once: the file is read in
 * the background, and until then the queue looks empty and requests wait.
 */
export class QueueController implements QueueBackend, vscode.Disposable {
  /** Running jobs and what finished since the queue last drained. */
  readonly activity = new QueueActivity();
  private readonly changeListeners = new Set<(change: QueueChange) => void>();
  private readonly failedEmitter = new vscode.EventEmitter<CopyJob>();
  /** A job failed for good (no attempts left, or a failure not worth retrying). */
  readonly onDidFail = this.failedEmitter.event;
  private readonly drainedEmitter = new vscode.EventEmitter<RunSummary>();
  /** The queue ran out of runnable work after doing some. */
  readonly onDidDrain = this.drainedEmitter.event;
  /** Settles when the file has been read (or could not be: see `openProblem`). */
  readonly ready: Promise<void>;
  private queue?: TransferQueue;
  private openProblem?: string;
  // The queue reads copyDefaults for every copy, so a settings change reaches the next copy through this object.
  private readonly copyDefaults = { allowClearData: fxpSettings().allowClearData };
  private readonly disposables: vscode.Disposable[] = [this.failedEmitter, this.drainedEmitter];
  private running?: Promise<void>;
  private runAgain = false;
  private syncing?: Promise<void>;
  private syncAgain = false;
  private disposed = false;

  constructor(private readonly options: QueueControllerOptions) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => this.settingsChanged(e)));
    this.ready = this.open().catch((err: Error) => {
      this.openProblem = err.message;
      options.log.error(`cannot open the queue file ${options.file}: ${err.message}`);
      this.emit({ kind: 'meta', saveProblem: err.message });
    });
  }

  /** A controller whose file has been read; rejects when it cannot be. */
  static async open(options: QueueControllerOptions): Promise<QueueController> {
    const controller = new QueueController(options);
    await controller.opened();
    return controller;
  }

  private async open(): Promise<void> {
    const queue = await TransferQueue.open({
      file: this.options.file,
      ...fxpSettings().limits,
      passwordFor: (site) => this.options.passwordFor(site),
      copyDefaults: this.copyDefaults,
      log: (line) => this.options.log.info(line),
    });
    if (this.disposed) return queue.close();
    this.queue = queue;
    this.activity.reset(queue.list());
    this.forwardEvents(queue);
    this.watchFile();
    this.emit({ kind: 'reset' });
    // Jobs that were running when the window closed continue (from the target's size).
    this.kick();
  }

  /** The open queue; throws why there is none. */
  private async opened(): Promise<TransferQueue> {
    await this.ready;
    if (!this.queue) throw new Error(this.openProblem ?? vscode.l10n.t('The FXP queue is closed.'));
    return this.queue;
  }

  /** The queue file, for `ferry queue --queue <file>`. */
  get file(): string {
    return this.options.file;
  }

  snapshot(): QueueSnapshot {
    const queue = this.queue;
    if (!queue) return { jobs: [], groups: [], limits: fxpSettings().limits, pausedAll: false, saveProblem: this.openProblem };
    return { jobs: queue.list(), groups: queue.groups(), limits: queue.limits(), pausedAll: queue.pausedAll, saveProblem: queue.saveProblem };
  }

  onChange(listener: (change: QueueChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private emit(change: QueueChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  private forwardEvents(queue: TransferQueue): void {
    let saveProblem = queue.saveProblem;
    queue.on('job', (job) => {
      if (this.activity.observe(job) === 'failed') this.failedEmitter.fire(job);
      this.emit({ kind: 'job', job });
    });
    queue.on('removed', (ids) => {
      this.activity.forget(ids);
      this.emit({ kind: 'removed', ids });
    });
    queue.on('reset', () => {
      this.activity.reset(queue.list());
      this.emit({ kind: 'reset' });
    });
    queue.on('meta', () => {
      if (queue.saveProblem !== saveProblem) {
        saveProblem = queue.saveProblem;
        if (saveProblem) this.options.log.warn(`the queue file cannot be saved (kept in memory, retried): ${saveProblem}`);
      }
      this.emit({ kind: 'meta', limits: queue.limits(), pausedAll: queue.pausedAll, groups: queue.groups(), saveProblem: saveProblem ?? null });
    });
    queue.on('drained', () => {
      const summary = this.activity.takeSummary();
      if (summary) this.drainedEmitter.fire(summary);
    });
  }

  /** Reacts to saves by other processes: a directory watch (the file is replaced by rename on every save), and a timer as a backup. */
  private watchFile(): void {
    const name = path.basename(this.options.file);
    let debounce: NodeJS.Timeout | undefined;
    try {
      const watcher = watch(path.dirname(this.options.file), (_event, changed) => {
        if (changed && changed.toString() !== name) return;
        clearTimeout(debounce);
        debounce = setTimeout(() => void this.sync(), WATCH_DEBOUNCE_MS);
      });
      watcher.on('error', (err) => this.options.log.warn(`watching the queue file stopped: ${err.message}`));
      this.disposables.push({ dispose: () => watcher.close() });
    } catch (err) {
      this.options.log.warn(`cannot watch ${this.options.file} (${(err as Error).message}); looking for changes every ${SYNC_INTERVAL_MS / 1000} s`);
    }
    const timer = setInterval(() => void this.sync(), SYNC_INTERVAL_MS);
    this.disposables.push({ dispose: () => (clearTimeout(debounce), clearInterval(timer)) });
  }

  /** Merges what other processes wrote to the file and runs the queue when that brought work. One sync at a time. */
  sync(): Promise<void> {
    const queue = this.queue;
    if (!queue || this.disposed) return Promise.resolve();
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          if (await queue.sync()) this.kick();
        } catch (err) {
          this.options.log.warn(`reading the queue file: ${(err as Error).message}`);
        }
      } while (this.syncAgain && !this.disposed);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Runs the queue until it has nothing runnable; a kick during a run makes it look again when that run ends. */
  kick(): void {
    const queue = this.queue;
    if (!queue || this.disposed) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = (async () => {
      do {
        this.runAgain = false;
        try {
          await queue.run();
        } catch (err) {
          this.options.log.error(`the queue stopped: ${(err as Error).message}`);
        }
      } while (this.runAgain && !this.disposed);
    })().finally(() => (this.running = undefined));
  }

  /** Resolves when the current run (if any) has ended. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Queues copies: the files at once, then each folder after walking it (one group per folder). */
  async enqueue(specs: CopySpecs, progress: EnqueueProgress = {}): Promise<CopyJob[]> {
    const queue = await this.opened();
    const jobs = specs.files.length > 0 ? await queue.addMany(specs.files) : [];
    this.kick();
    for (const folder of specs.folders) {
      if (progress.signal?.aborted) break;
      const before = jobs.length;
      jobs.push(...(await queue.addFolder(folder, { signal: progress.signal, onFound: (files) => progress.onFound?.(before + files) })));
      this.kick();
    }
    return jobs;
  }

  async handle(request: PanelRequest): Promise<unknown> {
    const queue = await this.opened();
    switch (request?.action) {
      case 'job':
        return this.jobAction(queue, request.verb, jobIds(request.ids));
      case 'pauseAll':
        queue.pauseAll();
        return undefined;
      case 'resumeAll':
        queue.resumeAll();
        this.kick();
        return undefined;
      case 'clearFinished':
        return queue.clearFinished();
      case 'setLimits':
        return this.setLimits(queue, limitsFrom(request.limits));
      default:
        throw new Error(vscode.l10n.t('Unknown request: {0}', JSON.stringify(request)));
    }
  }

  /** A row action; resolves with how many jobs it changed. */
  private async jobAction(queue: TransferQueue, verb: JobVerb, ids: string[]): Promise<number> {
    switch (verb) {
      case 'pause':
        return queue.pause(ids);
      case 'cancel':
        return queue.cancel(ids);
      case 'remove':
        return queue.remove(ids);
      case 'resume':
      case 'retry': {
        const changed = verb === 'resume' ? queue.resume(ids) : queue.retry(ids);
        this.kick();
        return changed;
      }
      // Moving a block keeps its order: up from its first row, down from its last.
      case 'moveUp':
        return ids.filter((id) => queue.move(id, 'up')).length;
      case 'moveDown':
        return [...ids].reverse().filter((id) => queue.move(id, 'down')).length;
      case 'reveal': {
        const job = ids.length > 0 ? queue.get(ids[0]) : undefined;
        if (!job) throw new Error(vscode.l10n.t('There is no such job in the queue.'));
        await this.options.reveal(job.target.site, job.resolvedTarget ?? job.target.path);
        return 1;
      }
      default:
        throw new Error(vscode.l10n.t('Unknown job action: {0}', String(verb)));
    }
  }

  private async setLimits(queue: TransferQueue, limits: QueueLimits): Promise<QueueLimits> {
    queue.setLimits(limits);
    this.kick();
    await saveLimits(limits);
    return queue.limits();
  }

  private settingsChanged(event: vscode.ConfigurationChangeEvent): void {
    const settings = fxpSettings();
    this.copyDefaults.allowClearData = settings.allowClearData;
    if (!this.queue || (!affects(event, 'concurrency') && !affects(event, 'perSite'))) return;
    this.queue.setLimits(settings.limits);
    this.kick();
  }

  /** Stops watching and closes the queue's connections; jobs that were running continue when the queue is opened again. */
  dispose(): void {
    this.disposed = true;
    this.disposables.forEach((d) => d.dispose());
    this.changeListeners.clear();
    this.queue?.removeAllListeners();
    this.queue?.close();
  }
}
