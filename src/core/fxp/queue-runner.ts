import * as os from 'node:os';
import { CancelledError, FtpClient, RemoteReplyError, VerificationError } from '../client';
import { copyFile, CopyOptions } from './copy-file';
import { FxpRefusedError } from './fxp-errors';
import { CopyJob, JobOwner, siteKey, SiteRef } from './job';
import { applyFacts, finishRun, ownedBy, RunOutcome, TargetFacts } from './queue-merge';
import { Changes, QueueState } from './queue-state';
import { markChanged } from './queue-store';
import { QueueSync } from './queue-sync';

export interface RunnerOptions {
  maxAttempts?: number;
  backoffMs?: number;
  passwordFor?: (site: SiteRef) => string | undefined | Promise<string | undefined>;
  /** Read at every copy, so the caller may change it later. */
  copyDefaults?: Omit<CopyOptions, 'signal' | 'onProgress' | 'onMethod' | 'onTargetPath' | 'conflict' | 'passive' | 'allowRelay'>;
  log?: (line: string) => void;
}

export interface RunnerEvents {
  job(job: CopyJob): void;
  changes(changes: Changes): void;
  drained(): void;
}

/** One job this process runs. */
interface Lane {
  id: string;
  /** The job's `rev` at the claim: an intent elsewhere raises it, and the run stops. */
  rev: number;
  abort: AbortController;
  facts: TargetFacts;
  rate: number;
  sites: string[];
  /** When the last 'job' event about pure progress went out (relay progress fires per chunk). */
  emittedAt: number;
}

/** Pure progress (bytes, rate) of one job is announced at most this often; state changes at once. */
const PROGRESS_EVENT_MS = 100;

/** The longest sleep between two looks at the file while running: remote pause/resume/add take effect within it. */
const TICK_MS = 1000;

/** Errors worth another attempt later; policy refusals and verification failures are not. */
function isTransient(err: unknown): boolean {
  if (err instanceof VerificationError || err instanceof FxpRefusedError) return false;
  if (err instanceof RemoteReplyError) return err.code >= 400 && err.code < 500;
  return true;
}

/**
 * Runs the queue's jobs in this process: claims them under the file lock (queue-merge.ts rule 5),
 * copies them with limits overall and per site, reports progress, and stops a run whose job was
 * paused, cancelled or removed by anyone.
 */
export class QueueRunner {
  readonly lanes = new Map<string, Lane>();
  readonly owner: Omit<JobOwner, 'heartbeat'>;
  concurrency: number;
  perSite: number;
  pausedAll = false;
  private readonly clients = new Map<string, Promise<FtpClient>>();
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private closed = false;

  constructor(
    private readonly sync: QueueSync,
    private readonly options: RunnerOptions,
    limits: { concurrency: number; perSite: number },
    private readonly events: RunnerEvents,
    ownerId: string,
  ) {
    this.owner = { id: ownerId, pid: process.pid, host: os.hostname() };
    this.concurrency = limits.concurrency;
    this.perSite = limits.perSite;
  }

  /** Runs until nothing is runnable by this process; a second call joins the run in progress. */
  run(): Promise<void> {
    this.wake();
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Makes a sleeping run look again now (a job was added or resumed, limits changed); between sleeps, the next sleep is skipped. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  private async loop(): Promise<void> {
    for (let idle = false; !idle && !this.closed; ) {
      await this.sync.sync().catch((err: Error) => this.log(`reading the queue file: ${err.message}`));
      // A claim is a save: while saves fail (full disk), only the save timer's retries touch the file.
      if (this.sync.problem === undefined && this.pick(this.sync.state, false).length > 0) await this.claim();
      // Progress saves carry the owners' heartbeats; without progress (a stalled copy) this keeps them fresh.
      if (this.lanes.size > 0) this.sync.schedule('progress');
      idle = this.lanes.size === 0 && !this.hasWork();
      if (!idle) await this.sleep();
    }
    await this.sync.flush().catch(() => undefined); // the failure is reported through saveProblem already
    this.events.drained();
  }

  /** Queued jobs this process may start now, in queue order, within the limits; `claim` marks them running here. */
  private pick(state: QueueState, claim: boolean): CopyJob[] {
    if (this.pausedAll || this.closed) return [];
    const now = Date.now();
    const busy = new Map<string, number>();
    for (const lane of this.lanes.values()) for (const key of lane.sites) busy.set(key, (busy.get(key) ?? 0) + 1);
    const picked: CopyJob[] = [];
    for (const job of state.jobs) {
      if (this.lanes.size + (claim ? 0 : picked.length) >= this.concurrency) break;
      if (job.state !== 'queued' || (job.notBefore && Date.parse(job.notBefore) > now)) continue;
      const sites = [siteKey(job.source.site), siteKey(job.target.site)];
      if (sites.some((key) => (busy.get(key) ?? 0) >= this.perSite)) continue;
      for (const key of sites) busy.set(key, (busy.get(key) ?? 0) + 1);
      picked.push(job);
      if (claim) this.lanes.set(job.id, { id: job.id, rev: job.rev ?? 0, abort: new AbortController(), facts: {}, rate: 0, sites, emittedAt: 0 });
    }
    return picked;
  }

  /** Claims runnable jobs under the lock after re-reading the file, then starts them once the claim is written. */
  private async claim(): Promise<void> {
    let claimed: CopyJob[] = [];
    const heartbeat = new Date().toISOString();
    const saved = await this.sync.save({
      claim: (state) => {
        claimed = this.pick(state, true);
        for (const job of claimed) {
          state.edit(job.id, (j) => {
            j.state = 'running';
            j.owner = { ...this.owner, heartbeat };
            j.rate = 0;
            j.error = undefined;
            j.updatedAt = heartbeat;
          });
        }
        return claimed.length;
      },
    });
    for (const job of claimed) {
      const lane = this.lanes.get(job.id)!;
      // Paused here while the claim was being written: no run. Closed meanwhile: handed back.
      const current = this.sync.state.get(job.id);
      if (saved && current && ownedBy(current, this.owner.id, lane.rev) && !this.closed) {
        this.execute(lane, { ...current }).catch((err: Error) => this.log(`job ${job.id.slice(0, 8)}: ${err.stack ?? err.message}`));
        continue;
      }
      this.lanes.delete(job.id);
      if (saved && this.closed) this.finish(lane, { state: 'queued' }, false);
    }
  }

  /** Runs one claimed job to its outcome, then hands the lane back. */
  private async execute(lane: Lane, job: CopyJob): Promise<void> {
    let outcome: RunOutcome;
    let moveToEnd = false;
    try {
      const [source, target] = await Promise.all([this.clientFor(job.source.site), this.clientFor(job.target.site)]);
      const result = await copyFile({ client: source, path: job.source.path }, { client: target, path: job.resolvedTarget ?? job.target.path }, this.copyOptions(lane, job));
      Object.assign(lane.facts, { size: result.size, bytesDone: result.size });
      if (result.method !== 'skipped') lane.facts.method = result.method;
      outcome = { state: 'done', verified: result.verified, skipped: result.method === 'skipped' || undefined, error: undefined, notBefore: undefined };
    } catch (err) {
      // Aborted by an intent or a removal (then the job is no longer ours and the outcome is not applied), or by close().
      if (lane.abort.signal.aborted || err instanceof CancelledError) outcome = { state: 'queued' };
      else ({ outcome, moveToEnd } = this.failure(job, err));
    }
    lane.rate = 0;
    this.lanes.delete(lane.id);
    this.finish(lane, outcome, moveToEnd);
    this.wake();
  }

  /** The job's copy options, with callbacks that report what the copy learns on the lane. */
  private copyOptions(lane: Lane, job: CopyJob): CopyOptions {
    const startedAt = Date.now();
    let startBytes = -1;
    return {
      ...this.options.copyDefaults,
      // Once this job has written to the target, every later attempt continues from there.
      conflict: job.started ? 'resume' : job.conflict,
      passive: job.passive,
      allowRelay: job.allowRelay,
      signal: lane.abort.signal,
      log: this.options.log,
      // Known before any byte is written, so a restart resumes the renamed file, not the one rename avoided.
      onTargetPath: (path) => {
        if (path !== job.target.path) this.progress(lane, { resolvedTarget: path }, 'now');
      },
      onMethod: (method, protection) => this.progress(lane, { method, protection, started: true }, 'now'),
      onProgress: (done, total) => {
        if (startBytes < 0) startBytes = done;
        lane.rate = ((done - startBytes) * 1000) / Math.max(1, Date.now() - startedAt);
        this.progress(lane, { size: total, bytesDone: done }, 'progress');
      },
    };
  }

  private failure(job: CopyJob, err: unknown): { outcome: RunOutcome; moveToEnd: boolean } {
    const attempts = job.attempts + 1;
    const error = (err as { describe?: () => string }).describe?.() ?? (err as Error).message;
    const retry = isTransient(err) && attempts < (this.options.maxAttempts ?? 3);
    this.log(`job ${job.id.slice(0, 8)} ${retry ? 'will retry' : 'failed'}: ${error}`);
    const notBefore = retry ? new Date(Date.now() + (this.options.backoffMs ?? 2000) * 2 ** (attempts - 1)).toISOString() : undefined;
    // A job that will retry goes to the end of the queue.
    return { outcome: { state: retry ? 'queued' : 'failed', attempts, error, notBefore }, moveToEnd: retry };
  }

  /** Records the end of a run as an operation, so that it reaches the file with the next save. */
  private finish(lane: Lane, outcome: RunOutcome, moveToEnd: boolean): void {
    const facts = { ...lane.facts };
    const changes = this.sync.apply((state) => {
      const job = state.get(lane.id);
      const owned = job !== undefined && ownedBy(job, this.owner.id, lane.rev);
      state.edit(lane.id, (j) => finishRun(j, this.owner.id, lane.rev, facts, outcome, new Date().toISOString()));
      if (owned && moveToEnd) state.move(lane.id, 'bottom');
    });
    this.events.changes(changes);
  }

  /** A run learnt something: memory shows it at once; the file gets it with the next (throttled) save. */
  private progress(lane: Lane, facts: TargetFacts, urgency: 'now' | 'progress'): void {
    for (const [key, value] of Object.entries(facts)) if (value !== undefined) Object.assign(lane.facts, { [key]: value });
    const job = this.sync.state.get(lane.id);
    const changed = job !== undefined && this.overlayLane(job, lane);
    const now = Date.now();
    if (changed && (urgency === 'now' || now - lane.emittedAt >= PROGRESS_EVENT_MS)) {
      lane.emittedAt = now;
      this.events.job({ ...job });
    }
    this.sync.schedule(urgency);
  }

  /** Puts the live progress of this process's runs on a state (memory, or a merge about to be written). */
  overlay(state: QueueState): void {
    for (const lane of this.lanes.values()) {
      const job = state.get(lane.id);
      if (job) this.overlayLane(job, lane);
    }
  }

  private overlayLane(job: CopyJob, lane: Lane): boolean {
    let changed = applyFacts(job, this.owner.id, lane.facts);
    const now = new Date().toISOString();
    if (ownedBy(job, this.owner.id, lane.rev)) {
      job.owner = { ...this.owner, heartbeat: now };
      if (job.rate !== lane.rate) {
        job.rate = lane.rate;
        changed = true;
      }
    }
    if (changed) job.updatedAt = now;
    // The heartbeat above changes the job even when nothing else did.
    markChanged(job);
    return changed;
  }

  /** Stops the runs whose job is no longer ours at the claimed revision (paused, cancelled, removed, taken over). */
  reconcile(): void {
    for (const lane of this.lanes.values()) {
      const job = this.sync.state.get(lane.id);
      if (!job || !ownedBy(job, this.owner.id, lane.rev)) lane.abort.abort();
    }
  }

  private hasWork(): boolean {
    return !this.pausedAll && this.sync.state.jobs.some((j) => j.state === 'queued');
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    const now = Date.now();
    let ms = TICK_MS;
    // Only backoffs still ahead: a due job that waits for a free lane must not make this a busy loop.
    for (const job of this.sync.state.jobs) {
      const due = job.state === 'queued' && job.notBefore ? Date.parse(job.notBefore) : 0;
      if (due > now) ms = Math.min(ms, due - now);
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).finally(() => (this.wakeUp = undefined));
  }

  /**
   * One client per site, created with its password on first use. Its pool holds one control
   * connection per copy the site may run at once plus one for the target's size polls and
   * stats: with only as many as copies, a poll waits for a copy to end and the panel sees no
   * progress (and a fourth copy waits for a connection while shown as running).
   */
  clientFor(site: SiteRef): Promise<FtpClient> {
    const key = siteKey(site);
    let client = this.clients.get(key);
    if (!client) {
      const maxConnections = this.perSite + 1;
      client = Promise.resolve(this.options.passwordFor?.(site)).then((password) => new FtpClient({ ...site, password, maxConnections, keepaliveMs: 0 }));
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  /** Hands the running jobs back (queued, resumable) and closes every connection; the caller saves. */
  close(): void {
    this.closed = true;
    const now = new Date().toISOString();
    const lanes = [...this.lanes.values()];
    const changes = this.sync.apply((state) => {
      for (const lane of lanes) state.edit(lane.id, (job) => finishRun(job, this.owner.id, lane.rev, lane.facts, { state: 'queued' }, now));
    });
    this.events.changes(changes);
    for (const lane of lanes) lane.abort.abort();
    this.wake();
    for (const client of this.clients.values()) client.then((c) => c.close()).catch(() => undefined);
    this.clients.clear();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
