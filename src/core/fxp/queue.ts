import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { CancelledError, FtpClient, RemoteReplyError, SiteSettings, VerificationError } from '../client';
import { ConflictRule, copyFile, CopyOptions } from './copy-file';
import { FxpRefusedError } from './fxp-errors';
import { CopyJob, JobState, siteKey, SiteRef } from './job';
import { QueueStore } from './queue-store';

export interface QueueOptions {
  file: string;
  /** Jobs running at once (default 2). */
  concurrency?: number;
  /** Jobs touching one site at once (default 2): servers cap connections. */
  perSite?: number;
  /** Attempts before a job fails for good (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 2 s). */
  backoffMs?: number;
  /** Passwords are never stored in the queue file; they come from here when a job runs. */
  passwordFor?: (site: SiteRef) => string | undefined;
  /** Defaults for every copy (stall timeout, verification, clear data, ...). */
  copyDefaults?: Omit<CopyOptions, 'signal' | 'onProgress' | 'onMethod' | 'conflict' | 'passive' | 'allowRelay'>;
  log?: (line: string) => void;
}

export interface NewJob {
  source: { site: SiteRef; path: string };
  target: { site: SiteRef; path: string };
  conflict?: ConflictRule;
  passive?: 'source' | 'target';
  allowRelay?: boolean;
}

export interface QueueEvents {
  /** Any change of a job (state, progress, method, error). */
  job: [CopyJob];
}

/** Errors worth another attempt later; policy refusals and verification failures are not. */
function isTransient(err: unknown): boolean {
  if (err instanceof VerificationError || err instanceof FxpRefusedError) return false;
  if (err instanceof RemoteReplyError) return err.code >= 400 && err.code < 500;
  return true;
}

/**
 * Server-to-server copies that survive restarts: every change is persisted atomically, and a
 * job that was running when the process died comes back queued and continues (REST) from
 * the target's size. Concurrency is limited overall and per site; a transient failure moves
 * the job to the end of the queue with exponential backoff.
 */
export class TransferQueue extends EventEmitter<QueueEvents> {
  private jobs: CopyJob[] = [];
  private readonly store: QueueStore;
  private readonly clients = new Map<string, FtpClient>();
  private readonly running = new Map<string, AbortController>();
  private lastSaved = 0;
  private lastSeenMtime = 0;
  private wake?: () => void;

  private constructor(private readonly options: QueueOptions) {
    super();
    this.store = new QueueStore(options.file);
  }

  /** Opens (or creates) a queue file; jobs that were running come back queued and resumable. */
  static async open(options: QueueOptions): Promise<TransferQueue> {
    const queue = new TransferQueue(options);
    queue.jobs = await queue.store.load();
    for (const job of queue.jobs) {
      if (job.state === 'running') {
        job.state = 'queued';
        job.started = true;
        job.rate = 0;
      }
    }
    await queue.save(true);
    return queue;
  }

  list(): CopyJob[] {
    return this.jobs.map((j) => ({ ...j }));
  }

  get(id: string): CopyJob | undefined {
    return this.jobs.find((j) => j.id === id || j.id.startsWith(id));
  }

  async add(spec: NewJob): Promise<CopyJob> {
    const now = new Date().toISOString();
    const job: CopyJob = {
      id: randomUUID(),
      source: { site: strip(spec.source.site), path: spec.source.path },
      target: { site: strip(spec.target.site), path: spec.target.path },
      state: 'queued',
      bytesDone: 0,
      rate: 0,
      attempts: 0,
      conflict: spec.conflict ?? 'overwrite',
      passive: spec.passive,
      allowRelay: spec.allowRelay ?? true,
      started: false,
      createdAt: now,
      updatedAt: now,
    };
    this.jobs.push(job);
    this.changed(job, true);
    this.wake?.();
    return job;
  }

  /** Creates the source's folder tree on the target and queues one job per file. */
  async addFolder(spec: NewJob): Promise<CopyJob[]> {
    const source = this.client(spec.source.site);
    const target = this.client(spec.target.site);
    const entries = await source.walk(spec.source.path);
    const relative = (p: string) => path.posix.relative(spec.source.path, p);
    const dirs = [spec.target.path, ...entries.filter((e) => e.type === 'directory').map((e) => path.posix.join(spec.target.path, relative(e.path)))];
    for (const dir of dirs) await target.mkdir(dir, { parents: true });
    const jobs: CopyJob[] = [];
    for (const file of entries.filter((e) => e.type === 'file')) {
      jobs.push(await this.add({ ...spec, source: { ...spec.source, path: file.path }, target: { ...spec.target, path: path.posix.join(spec.target.path, relative(file.path)) } }));
    }
    return jobs;
  }

  pause(id: string): boolean {
    return this.setState(id, ['queued', 'running'], 'paused');
  }

  resume(id: string): boolean {
    const ok = this.setState(id, ['paused', 'failed', 'cancelled'], 'queued');
    const job = this.get(id);
    if (ok && job) {
      job.attempts = 0;
      job.error = undefined;
      job.notBefore = undefined;
    }
    this.wake?.();
    return ok;
  }

  cancel(id: string): boolean {
    return this.setState(id, ['queued', 'running', 'paused'], 'cancelled');
  }

  private setState(id: string, from: JobState[], to: JobState): boolean {
    const job = this.get(id);
    if (!job || !from.includes(job.state)) return false;
    this.running.get(job.id)?.abort();
    job.state = to;
    job.rate = 0;
    this.changed(job, true);
    return true;
  }

  /** Runs jobs until none is runnable (all done, failed, cancelled or paused), then resolves. */
  async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 2;
    const lanes: Promise<void>[] = [];
    const next = (): CopyJob | undefined => {
      const now = Date.now();
      const perSite = this.options.perSite ?? 2;
      const busy = new Map<string, number>();
      for (const j of this.jobs.filter((x) => this.running.has(x.id))) {
        for (const key of [siteKey(j.source.site), siteKey(j.target.site)]) busy.set(key, (busy.get(key) ?? 0) + 1);
      }
      return this.jobs.find(
        (j) =>
          j.state === 'queued' &&
          !this.running.has(j.id) &&
          (!j.notBefore || Date.parse(j.notBefore) <= now) &&
          (busy.get(siteKey(j.source.site)) ?? 0) < perSite &&
          (busy.get(siteKey(j.target.site)) ?? 0) < perSite,
      );
    };
    for (;;) {
      await this.applyExternalChanges();
      while (this.running.size < concurrency) {
        const job = next();
        if (!job) break;
        lanes.push(this.execute(job));
      }
      const waiting = this.jobs.filter((j) => j.state === 'queued');
      if (this.running.size === 0 && waiting.length === 0) break;
      // Sleep until a job finishes, a job is added, or the earliest backoff expires (max 1 s, to see external changes).
      const soonest = Math.min(1000, ...waiting.map((j) => (j.notBefore ? Math.max(0, Date.parse(j.notBefore) - Date.now()) : 1000)));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, soonest);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    await Promise.all(lanes);
    await this.save(true);
  }

  private async execute(job: CopyJob): Promise<void> {
    const abort = new AbortController();
    this.running.set(job.id, abort);
    job.state = 'running';
    job.error = undefined;
    this.changed(job, true);
    const startedAt = Date.now();
    let startBytes = -1;
    try {
      const result = await copyFile(
        { client: this.client(job.source.site), path: job.source.path },
        { client: this.client(job.target.site), path: job.resolvedTarget ?? job.target.path },
        {
          ...this.options.copyDefaults,
          // Once this job has written to the target, every later attempt continues from there.
          conflict: job.started ? 'resume' : job.conflict,
          passive: job.passive,
          allowRelay: job.allowRelay,
          signal: abort.signal,
          log: this.options.log,
          onMethod: (method) => {
            job.method = method;
            job.started = true;
            this.changed(job, true);
          },
          onProgress: (done, total) => {
            if (startBytes < 0) startBytes = done;
            job.size = total;
            job.bytesDone = done;
            job.rate = ((done - startBytes) * 1000) / Math.max(1, Date.now() - startedAt);
            this.changed(job, false);
          },
        },
      );
      job.state = 'done';
      job.size = result.size;
      job.bytesDone = result.size;
      job.method = result.method === 'skipped' ? job.method : result.method;
      job.resolvedTarget = result.targetPath !== job.target.path ? result.targetPath : undefined;
      job.verified = result.verified;
    } catch (err) {
      if (abort.signal.aborted || err instanceof CancelledError) {
        // pause() and cancel() already set the state; an abort from elsewhere means pause.
        if (job.state === 'running') job.state = 'paused';
      } else {
        job.attempts++;
        job.error = (err as { describe?: () => string }).describe?.() ?? (err as Error).message;
        const retry = isTransient(err) && job.attempts < (this.options.maxAttempts ?? 3);
        job.state = retry ? 'queued' : 'failed';
        if (retry) {
          job.notBefore = new Date(Date.now() + (this.options.backoffMs ?? 2000) * 2 ** (job.attempts - 1)).toISOString();
          // A failed job moves to the end of the queue.
          this.jobs.splice(this.jobs.indexOf(job), 1);
          this.jobs.push(job);
        }
        this.options.log?.(`job ${job.id.slice(0, 8)} ${retry ? 'will retry' : 'failed'}: ${job.error}`);
      }
    } finally {
      job.rate = 0;
      this.running.delete(job.id);
      this.changed(job, true);
      this.wake?.();
    }
  }

  /** Pause/cancel written to the file by another process (`ferry queue pause`) take effect here. */
  private async applyExternalChanges(): Promise<void> {
    const mtime = await this.store.mtimeMs();
    if (mtime <= this.lastSeenMtime) return;
    this.lastSeenMtime = mtime;
    for (const stored of await this.store.load()) {
      const job = this.jobs.find((j) => j.id === stored.id);
      if (job && (stored.state === 'paused' || stored.state === 'cancelled') && (job.state === 'queued' || job.state === 'running')) {
        this.setState(job.id, ['queued', 'running'], stored.state);
      }
    }
  }

  private client(site: SiteRef): FtpClient {
    const key = siteKey(site);
    let client = this.clients.get(key);
    if (!client) {
      const settings: SiteSettings = { ...site, password: this.options.passwordFor?.(site), maxConnections: 3, keepaliveMs: 0 };
      client = new FtpClient(settings);
      this.clients.set(key, client);
    }
    return client;
  }

  private changed(job: CopyJob, important: boolean): void {
    job.updatedAt = new Date().toISOString();
    this.emit('job', { ...job });
    void this.save(important);
  }

  /** State changes are saved at once; progress at most once a second. */
  private async save(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastSaved < 1000) return;
    this.lastSaved = now;
    await this.store.save(this.jobs);
    this.lastSeenMtime = await this.store.mtimeMs();
  }

  /** Closes every connection the queue opened. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** Keeps only what identifies a site (never a password, never a logger). */
function strip(site: SiteRef & { password?: string }): SiteRef {
  const { host, port, user, tls, dataMode, certificate, activeAddress, activePortRange } = site;
  return JSON.parse(JSON.stringify({ host, port, user, tls, dataMode, certificate, activeAddress, activePortRange }));
}
