import { recoverDeadOwners, diffStates } from './queue-merge';
import { Changes, isEmpty, noChanges, QueueState } from './queue-state';
import { emptyQueueFile, FileStamp, formatQueueFile, parseQueueFile, QueueStore, sameStamp } from './queue-store';

/** A change made here: applied to memory at once, and replayed on the file's version at every merge until a save carries it. */
export type Operation = (state: QueueState) => void;

/** What the queue plugs into its persistence. */
export interface SyncHooks {
  ownerId: string;
  /** Puts the live progress of this process's runs on a merged state. */
  overlay(state: QueueState): void;
  /** Memory was replaced by a merge with the file; `changes` says what differs. */
  merged(changes: Changes): void;
  /** A save failed (its message), or saves work again (undefined). */
  saveProblem(message: string | undefined): void;
  log(line: string): void;
}

/** Progress alone is saved at most this often, or ten times the last save's duration (a 10 000-job file). */
const PROGRESS_INTERVAL_MS = 1000;
/**
 * State changes wait this long before their save, so that the changes of several runs ending
 * together and the claims of their successors go to the file in one write (one write per job
 * end made a 10 000-job queue do 3-5 small files per second).
 */
const COALESCE_MS = 50;
const MAX_RETRY_MS = 30_000;

/**
 * Keeps the in-memory queue and the shared file in step (merge rules: queue-merge.ts). Changes
 * are kept as operations until a save carries them, so a failed save (full disk, read-only
 * directory) loses nothing: it is reported, retried with backoff, and the next save writes them.
 * File work is serialized within the process; saves never reject into fire-and-forget callers.
 */
export class QueueSync {
  state = QueueState.fromData(emptyQueueFile());
  /** Why saving fails, while it does. */
  problem?: string;
  /** Successful writes, and the duration of the last read-merge-write cycle (reported by `stats`). */
  writes = 0;
  lastSaveMs = 0;
  private pending: Operation[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  /** The file version memory is based on, and its text (the base again if the file disappears). */
  private stamp?: FileStamp;
  private baseText?: string | Buffer[];
  private due: 'none' | 'progress' | 'now' = 'none';
  /** Something asked for a write (an operation, progress, a recovery) that no save has carried yet. */
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private timerAt = 0;
  private timerSaving = false;
  private lastSaveAt = 0;
  private lastAttemptAt = 0;
  private failures = 0;
  private closed = false;

  constructor(
    readonly store: QueueStore,
    private readonly hooks: SyncHooks,
  ) {}

  /**
   * Reads the file; running jobs of dead owners come back queued. A new file is created and a
   * recovery saved at once; a failure there is reported like any failed save, not thrown.
   */
  async load(): Promise<void> {
    const file = await this.store.read();
    const { state, recovered } = this.build(file?.text, []);
    this.state = state;
    this.stamp = file?.stamp;
    this.baseText = file?.text;
    if (!file || recovered > 0) await this.save({ write: true });
  }

  /** Applies a change to memory now and keeps it for the next save (soon); returns what it changed. */
  apply(operation: Operation): Changes {
    this.state.changes = noChanges();
    operation(this.state);
    const changes = this.state.changes;
    this.state.changes = noChanges();
    if (!isEmpty(changes)) {
      this.pending.push(operation);
      this.schedule('now');
    }
    return changes;
  }

  /** Merges what other processes wrote since the last look (no lock: writes are atomic renames); true when memory changed. */
  sync(): Promise<boolean> {
    return this.exclusive(async () => {
      if (sameStamp(await this.store.stamp(), this.stamp)) return false;
      const file = await this.store.read();
      const vanished = !file && this.stamp !== undefined;
      const { state, recovered } = this.build(file?.text, this.pending);
      this.stamp = file?.stamp;
      if (file) this.baseText = file.text;
      // A recovery must reach the file; a deleted file is written again from memory.
      if (recovered > 0 || vanished) this.schedule('now');
      return !isEmpty(this.install(state));
    });
  }

  /**
   * One read-merge-write cycle under the file lock. `claim` may take jobs on the merged state
   * before it is written (it returns how many). Without anything to write it only merges.
   * Resolves false when the save failed; the changes stay pending.
   */
  save(options: { write?: boolean; claim?: (state: QueueState) => number } = {}): Promise<boolean> {
    return this.exclusive(async () => {
      const batch = this.pending;
      this.pending = [];
      const write = options.write === true || this.dirty;
      this.dirty = false;
      this.lastAttemptAt = Date.now();
      try {
        await this.store.locked(async () => {
          const started = Date.now();
          if (!(await this.unchangedSinceLastLook())) await this.mergeAndWrite(batch, { ...options, write });
          else if (write || batch.length > 0 || options.claim) await this.writeMemory(batch, options.claim);
          this.lastSaveMs = Date.now() - started;
        });
      } catch (err) {
        this.pending = batch.concat(this.pending);
        this.dirty = true;
        this.failed(err as Error);
        return false;
      }
      this.succeeded();
      return true;
    });
  }

  /**
   * Nobody wrote since this process last read or wrote, and the lock is held: memory is that
   * version plus exactly the pending operations, so claims are taken on it and it is written as it
   * is (no read, parse or merge of 10 000 jobs).
   */
  private async writeMemory(batch: Operation[], claim?: (state: QueueState) => number): Promise<void> {
    this.state.changes = noChanges();
    const claimed = claim?.(this.state) ?? 0;
    const changes = this.state.changes;
    this.state.changes = noChanges();
    this.hooks.overlay(this.state);
    try {
      await this.write(this.state);
    } catch (err) {
      // The claims are in memory but not in the file: memory goes back to the file's version plus the operations.
      if (claimed > 0) this.install(this.build(undefined, batch.concat(this.pending)).state);
      throw err;
    }
    if (claimed > 0 && !isEmpty(changes)) this.notify(() => this.hooks.merged(changes));
  }

  private async unchangedSinceLastLook(): Promise<boolean> {
    return this.stamp !== undefined && sameStamp(await this.store.stamp(), this.stamp);
  }

  /** The general cycle: the file as read, this process's operations replayed on it, claims, write, adopt. */
  private async mergeAndWrite(batch: Operation[], options: { write?: boolean; claim?: (state: QueueState) => number }): Promise<void> {
    const file = await this.store.read();
    const { state, recovered } = this.build(file?.text, batch);
    const claimed = options.claim?.(state) ?? 0;
    if (options.write || batch.length > 0 || recovered > 0 || claimed > 0 || !file) await this.write(state);
    else {
      this.stamp = file.stamp;
      this.baseText = file.text;
    }
    // Changes made while the file was being written are still pending: they stay on top.
    for (const operation of this.pending) operation(state);
    this.hooks.overlay(state);
    this.install(state);
  }

  private async write(state: QueueState): Promise<void> {
    const pieces = formatQueueFile(state.toData());
    this.stamp = await this.store.write(pieces);
    // Kept as written: decoded only when the file disappears and this is the base again.
    this.baseText = pieces;
    this.lastSaveAt = Date.now();
    this.writes++;
  }

  /** Asks for a save: `now` for intents and state changes, `progress` for throttled progress and heartbeats. */
  schedule(urgency: 'now' | 'progress'): void {
    this.dirty = true;
    if (urgency === 'now') this.due = 'now';
    else if (this.due === 'none') this.due = 'progress';
    this.arm();
  }

  /**
   * Saves what is pending now (one write; more only for changes made meanwhile); rejects with the
   * reason when that fails (the CLI exits non-zero then). Throttled progress is left to its timer.
   */
  async flush(): Promise<void> {
    for (let round = 0; round < 5 && (this.pending.length > 0 || this.due === 'now'); round++) {
      if (this.due === 'now') {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.due = 'none';
      }
      if (!(await this.save({ write: true }))) throw new Error(`the queue file cannot be saved: ${this.problem}`);
    }
  }

  /** Stops the timers; what is still pending is lost unless flushed first. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private build(text: string | undefined, operations: Operation[]): { state: QueueState; recovered: number } {
    const base = text ?? (Array.isArray(this.baseText) ? Buffer.concat(this.baseText).toString('utf8') : this.baseText);
    const state = QueueState.fromData(base === undefined ? emptyQueueFile() : parseQueueFile(base, this.store.file));
    for (const operation of operations) operation(state);
    const recovered = recoverDeadOwners(state, this.hooks.ownerId);
    this.hooks.overlay(state);
    state.changes = noChanges();
    return { state, recovered };
  }

  private install(state: QueueState): Changes {
    state.changes = noChanges();
    const changes = diffStates(this.state, state);
    this.state = state;
    if (!isEmpty(changes)) this.notify(() => this.hooks.merged(changes));
    return changes;
  }

  /** A listener that throws must not turn a written save into a failed one (its operations would be replayed twice). */
  private notify(announce: () => void): void {
    try {
      announce();
    } catch (err) {
      this.hooks.log(`a queue listener failed: ${(err as Error).stack ?? err}`);
    }
  }

  private arm(): void {
    if (this.closed || this.timerSaving || this.due === 'none') return;
    const now = Date.now();
    const retryMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.max(0, this.failures - 1));
    const at =
      this.failures > 0 ? this.lastAttemptAt + retryMs : this.due === 'now' ? now + COALESCE_MS : this.lastSaveAt + Math.max(PROGRESS_INTERVAL_MS, 10 * this.lastSaveMs);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.saveDue(), Math.max(0, at - now));
  }

  private async saveDue(): Promise<void> {
    this.timer = undefined;
    this.due = 'none';
    this.timerSaving = true;
    const ok = await this.save();
    this.timerSaving = false;
    if (!ok && this.due === 'none') this.due = 'now';
    this.arm();
  }

  private failed(err: Error): void {
    this.failures++;
    const message = err.message;
    this.hooks.log(`saving the queue failed (attempt ${this.failures}; kept in memory, will retry): ${message}`);
    if (message !== this.problem) {
      this.problem = message;
      this.notify(() => this.hooks.saveProblem(message));
    }
    if (this.due === 'none') this.due = 'now';
    this.arm();
  }

  private succeeded(): void {
    if (this.failures === 0) return;
    this.hooks.log(`the queue file is saved again after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    this.problem = undefined;
    this.notify(() => this.hooks.saveProblem(undefined));
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
