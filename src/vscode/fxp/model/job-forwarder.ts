import type { CopyJob, JobState } from '../../../core/fxp';
import { QueueEvent, VERSIONS_PER_MESSAGE } from './queue-ipc';

/** A running job's progress reaches the extension host at most this often; state changes go at once. */
export const PROGRESS_INTERVAL_MS = 150;

/**
 * Turns the queue's events (in the child) into the events sent to the extension host: progress
 * of a running job is coalesced to one message per job per PROGRESS_INTERVAL_MS (a relay reports
 * many times a second), and a reset sends only the jobs whose version the extension host does not
 * have yet, in chunks, then the order. Events keep their order: a coalesced progress never
 * overtakes a later state change or removal of its job.
 */
export class JobForwarder {
  /** Each job as last sent (JSON), to send only what changed on a reset. */
  private readonly sent = new Map<string, string>();
  private readonly lastSent = new Map<string, { state: JobState; at: number }>();
  private readonly waiting = new Map<string, { job: CopyJob; timer: NodeJS.Timeout }>();

  constructor(
    private readonly send: (event: QueueEvent) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  /** A job's new version. */
  job(job: CopyJob): void {
    const last = this.lastSent.get(job.id);
    if (job.state === 'running' && last?.state === 'running') {
      const wait = last.at + this.intervalMs - Date.now();
      const waiting = this.waiting.get(job.id);
      if (waiting) waiting.job = job;
      else if (wait > 0) this.waiting.set(job.id, { job, timer: setTimeout(() => this.flushWaiting(job.id), wait) });
      if (waiting || wait > 0) return;
    }
    this.unwait(job.id);
    this.sendJobs([job]);
  }

  removed(ids: string[]): void {
    for (const id of ids) {
      this.unwait(id);
      this.sent.delete(id);
      this.lastSent.delete(id);
    }
    this.send({ kind: 'removed', ids });
  }

  /** The whole queue changed (open, order, a large merge): what differs in chunks, then the order. */
  reset(jobs: CopyJob[]): void {
    for (const id of [...this.waiting.keys()]) this.unwait(id);
    const present = new Set<string>();
    let changed: CopyJob[] = [];
    for (const job of jobs) {
      present.add(job.id);
      const text = JSON.stringify(job);
      if (this.sent.get(job.id) === text) continue;
      this.remember(job, text);
      changed.push(job);
      if (changed.length === VERSIONS_PER_MESSAGE) {
        this.send({ kind: 'versions', jobs: changed });
        changed = [];
      }
    }
    if (changed.length > 0) this.send({ kind: 'versions', jobs: changed });
    for (const id of [...this.sent.keys()]) {
      if (present.has(id)) continue;
      this.sent.delete(id);
      this.lastSent.delete(id);
    }
    this.send({ kind: 'reset', order: jobs.map((j) => j.id) });
  }

  /** Stops the timers of coalesced progress. */
  dispose(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  private flushWaiting(id: string): void {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    if (waiting) this.sendJobs([waiting.job]);
  }

  private unwait(id: string): void {
    clearTimeout(this.waiting.get(id)?.timer);
    this.waiting.delete(id);
  }

  private sendJobs(jobs: CopyJob[]): void {
    for (const job of jobs) this.remember(job, JSON.stringify(job));
    this.send({ kind: 'jobs', jobs });
  }

  private remember(job: CopyJob, text: string): void {
    this.sent.set(job.id, text);
    this.lastSent.set(job.id, { state: job.state, at: Date.now() });
  }
}
