import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ConflictRule } from './copy-file';
import { CopyJob, JobGroup, JobState, SiteRef } from './job';
import { collectFolder, FolderOptions } from './queue-folder';
import { applyIntent, Intent } from './queue-merge';
import { QueueRunner, RunnerOptions } from './queue-runner';
import { Changes, MoveDirection, QueueState } from './queue-state';
import { QueueStore } from './queue-store';
import { QueueSync } from './queue-sync';

export interface QueueOptions extends RunnerOptions {
  file: string;
  /** Jobs this process runs at once (default 2). */
  concurrency?: number;
  /** Jobs of this process touching one site at once (default 2): servers cap connections. */
  perSite?: number;
  /** Attempts before a job fails for good (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 2 s). */
  backoffMs?: number;
}

export interface NewJob {
  source: { site: SiteRef; path: string };
  target: { site: SiteRef; path: string };
  conflict?: ConflictRule;
  passive?: 'source' | 'target';
  allowRelay?: boolean;
}

export interface QueueEvents {
  /** A job's new version (a copy). */
  job: [CopyJob];
  /** Ids gone: removed here, cleared, or removed by another process. */
  removed: [string[]];
  /** The order changed or a merge brought many changes: re-read list() and groups(). */
  reset: [];
  /** pausedAll, limits, saveProblem or groups changed. */
  meta: [];
  /** run() found nothing left to do. */
  drained: [];
}

/** More changed jobs than this in one go are announced as a `reset` instead of one event each. */
const MANY = 100;

/**
 * Server-to-server copies that survive restarts and are shared by processes (the editor and
 * `ferry queue` on one file): every change is merged into the file under a lock (rules in
 * queue-merge.ts), a job runs in one process at a time, and a job that was running when its
 * process died comes back queued and continues (REST) from the target's size. Concurrency is
 * limited overall and per site; a transient failure moves the job to the end of the queue with
 * exponential backoff. Events are emitted synchronously after each in-memory change.
 */
export class TransferQueue extends EventEmitter<QueueEvents> {
  private readonly persistence: QueueSync;
  private readonly runner: QueueRunner;

  private constructor(private readonly options: QueueOptions) {
    super();
    const ownerId = randomUUID();
    this.persistence = new QueueSync(new QueueStore(options.file, options.log), {
      ownerId,
      overlay: (state) => this.runner.overlay(state),
      merged: (changes) => this.changed(changes),
      saveProblem: () => this.emit('meta'),
      log: (line) => options.log?.(line),
    });
    const limits = { concurrency: options.concurrency ?? 2, perSite: options.perSite ?? 2 };
    this.runner = new QueueRunner(this.persistence, options, limits, { job: (job) => this.emit('job', job), changes: (c) => this.changed(c), drained: () => this.emit('drained') }, ownerId);
  }

  /** Opens (or creates) a queue file; running jobs whose process died come back queued and resumable. */
  static async open(options: QueueOptions): Promise<TransferQueue> {
    const queue = new TransferQueue(options);
    await queue.persistence.load();
    return queue;
  }

  /** Copies of the jobs, in queue order. */
  list(): CopyJob[] {
    return this.persistence.state.jobs.map((j) => ({ ...j }));
  }

  groups(): JobGroup[] {
    return this.persistence.state.groups.map((g) => ({ ...g }));
  }

  /** A job by id or id prefix (a copy). */
  get(idOrPrefix: string): CopyJob | undefined {
    const job = this.persistence.state.find(idOrPrefix);
    return job && { ...job };
  }

  /** Queues one job; resolves once it is saved (or, while saves fail, kept in memory: see saveProblem). */
  async add(spec: NewJob): Promise<CopyJob> {
    const [job] = await this.addMany([spec]);
    return job;
  }

  /** Queues many jobs with one save; with `group`, they form one folder group. */
  async addMany(specs: NewJob[], group?: { source: { site: SiteRef; path: string }; target: { site: SiteRef; path: string } }): Promise<CopyJob[]> {
    const now = new Date().toISOString();
    const jobGroup: JobGroup | undefined =
      group && specs.length > 0
        ? { id: randomUUID(), source: { site: strip(group.source.site), path: group.source.path }, target: { site: strip(group.target.site), path: group.target.path }, createdAt: now }
        : undefined;
    // Specs of one drop share their site objects: strip each once.
    const stripped = new Map<SiteRef, SiteRef>();
    const site = (ref: SiteRef) => stripped.get(ref) ?? stripped.set(ref, strip(ref)).get(ref)!;
    const jobs = specs.map((spec) => newJob(spec, now, jobGroup?.id, site));
    this.record((state) => state.append(jobs, jobGroup));
    this.runner.wake();
    await this.persistence.flush().catch(() => undefined); // kept in memory and retried; saveProblem says why
    return jobs.map((j) => ({ ...j }));
  }

  /** Creates the source's folder tree on the target and queues one job per file, all in one new group. */
  async addFolder(spec: NewJob, options: FolderOptions = {}): Promise<CopyJob[]> {
    const [source, target] = await Promise.all([this.runner.clientFor(spec.source.site), this.runner.clientFor(spec.target.site)]);
    const files = await collectFolder(source, target, spec, options);
    return this.addMany(files, { source: spec.source, target: spec.target });
  }

  /** Queued or running → paused; returns how many jobs changed. */
  pause(ids: string | string[]): number {
    return this.intent(ids, 'pause');
  }

  /** Paused, failed or cancelled → queued (attempts reset). */
  resume(ids: string | string[]): number {
    return this.intent(ids, 'resume');
  }

  /** Queued, running or paused → cancelled. */
  cancel(ids: string | string[]): number {
    return this.intent(ids, 'cancel');
  }

  /** Failed, cancelled, paused, or queued with a backoff → queued now (attempts reset, notBefore cleared). */
  retry(ids: string | string[]): number {
    return this.intent(ids, 'retry');
  }

  /** Removes jobs (running ones stop, wherever they run); a tombstone keeps them from coming back. */
  remove(ids: string | string[]): number {
    const found = this.resolve(ids);
    return this.record((state) => state.remove(found)).removed.length;
  }

  /** Moves a job one place up or down, or to the top or bottom of the queue. */
  move(id: string, direction: MoveDirection): boolean {
    const job = this.persistence.state.find(id);
    return job !== undefined && this.record((state) => state.move(job.id, direction)).order;
  }

  /** Removes done and cancelled jobs (and the groups left empty). */
  clearFinished(): number {
    const finished = this.persistence.state.jobs.filter((j) => j.state === 'done' || j.state === 'cancelled').map((j) => j.id);
    return this.record((state) => state.remove(finished.filter((id) => ['done', 'cancelled'].includes(state.get(id)?.state ?? '')))).removed.length;
  }

  /** Nothing new starts in this process; running jobs (wherever they run) are paused. */
  pauseAll(): void {
    this.setPausedAll(true, 'running', 'pause');
  }

  /** Jobs start again here; paused jobs are queued. */
  resumeAll(): void {
    this.setPausedAll(false, 'paused', 'resume');
  }

  get pausedAll(): boolean {
    return this.runner.pausedAll;
  }

  /** This process's limits: jobs at once, and jobs per site. */
  setLimits(limits: { concurrency?: number; perSite?: number }): void {
    if (limits.concurrency !== undefined) this.runner.concurrency = Math.max(1, Math.floor(limits.concurrency));
    if (limits.perSite !== undefined) this.runner.perSite = Math.max(1, Math.floor(limits.perSite));
    this.emit('meta');
    this.runner.wake();
  }

  limits(): { concurrency: number; perSite: number } {
    return { concurrency: this.runner.concurrency, perSite: this.runner.perSite };
  }

  /** Merges what other processes changed in the file; true if anything changed here. */
  sync(): Promise<boolean> {
    return this.persistence.sync();
  }

  /** Runs jobs until none is runnable by this process (all done, failed, cancelled, paused, or running elsewhere). */
  run(): Promise<void> {
    return this.runner.run();
  }

  /** Saves what is pending; rejects while the file cannot be written (the CLI reports it before exiting). */
  flush(): Promise<void> {
    return this.persistence.flush();
  }

  /** Why saving the queue file fails, while it does (the state is kept in memory and saves are retried). */
  get saveProblem(): string | undefined {
    return this.persistence.problem;
  }

  /** Writes so far, and the duration of the last read-merge-write cycle in ms (diagnostics, the scale test). */
  stats(): { writes: number; lastSaveMs: number } {
    return { writes: this.persistence.writes, lastSaveMs: this.persistence.lastSaveMs };
  }

  /** Hands running jobs back (queued, resumable), saves once more, and closes every connection. */
  close(): void {
    this.runner.close();
    void this.persistence
      .flush()
      .catch((err: Error) => this.options.log?.(err.message))
      .finally(() => this.persistence.close());
  }

  private setPausedAll(paused: boolean, state: JobState, intent: Intent): void {
    this.runner.pausedAll = paused;
    this.intent(
      this.persistence.state.jobs.filter((j) => j.state === state).map((j) => j.id),
      intent,
    );
    this.emit('meta');
  }

  private intent(ids: string | string[], intent: Intent): number {
    const found = this.resolve(ids);
    const now = new Date().toISOString();
    const changes = this.record((state) => {
      for (const id of found) state.edit(id, (job) => applyIntent(job, intent, now));
    });
    if (intent === 'resume' || intent === 'retry') this.runner.wake();
    return changes.jobs.size;
  }

  /** Full ids of the jobs named by ids or prefixes. */
  private resolve(ids: string | string[]): string[] {
    const found: string[] = [];
    for (const id of typeof ids === 'string' ? [ids] : ids) {
      const job = this.persistence.state.find(id);
      if (job) found.push(job.id);
    }
    return found;
  }

  private record(operation: (state: QueueState) => void): Changes {
    const changes = this.persistence.apply(operation);
    this.changed(changes);
    return changes;
  }

  /** Announces changes and stops runs whose job is no longer ours. */
  private changed(changes: Changes): void {
    this.runner.reconcile();
    if (changes.removed.length > 0) this.emit('removed', changes.removed);
    if (changes.order || changes.jobs.size > MANY) this.emit('reset');
    else {
      for (const id of changes.jobs) {
        const job = this.persistence.state.get(id);
        if (job) this.emit('job', { ...job });
      }
    }
    if (changes.groups) this.emit('meta');
  }
}

function newJob(spec: NewJob, now: string, group: string | undefined, site: (ref: SiteRef) => SiteRef): CopyJob {
  return {
    id: randomUUID(),
    source: { site: site(spec.source.site), path: spec.source.path },
    target: { site: site(spec.target.site), path: spec.target.path },
    group,
    state: 'queued',
    bytesDone: 0,
    rate: 0,
    attempts: 0,
    conflict: spec.conflict ?? 'overwrite',
    passive: spec.passive,
    allowRelay: spec.allowRelay ?? true,
    started: false,
    rev: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** Keeps only what identifies a site (never a password, never a logger). */
function strip(site: SiteRef & { password?: string }): SiteRef {
  const { host, port, user, tls, dataMode, certificate, activeAddress, activePortRange, encoding, siteId, name } = site;
  return JSON.parse(JSON.stringify({ host, port, user, tls, dataMode, certificate, activeAddress, activePortRange, encoding, siteId, name }));
}
