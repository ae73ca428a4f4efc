import type { CopyJob, JobState } from '../../../core/fxp';

/** What the queue did since it last drained, for the one notification at the end. */
export interface RunSummary {
  /** Files copied (not skipped). */
  copied: number;
  /** Files left alone by "skip" or "skip identical". */
  skipped: number;
  failed: number;
  /** Sizes of the copied files. */
  bytes: number;
}

/**
 * Follows the queue's job events: which jobs run and how fast (status bar), and what finished
 * since the last drain (one summary, however many files a drop had). A job counts once, when
 * its state changes, and only if this process ran it: other windows and `ferry queue run` share
 * the file and tell their own users. Progress events of a running job only update its rate.
 */
export class QueueActivity {
  private readonly states = new Map<string, JobState>();
  private readonly rates = new Map<string, number>();
  /** Jobs seen running in this process and not finished yet. */
  private readonly ranHere = new Set<string>();
  private summary: RunSummary = { copied: 0, skipped: 0, failed: 0, bytes: 0 };

  constructor(
    jobs: readonly CopyJob[] = [],
    private readonly pid = process.pid,
  ) {
    this.reset(jobs);
  }

  /** Starts over from the queue's current jobs without counting them (open, or a merge from another process). */
  reset(jobs: readonly CopyJob[]): void {
    this.states.clear();
    this.rates.clear();
    for (const job of jobs) this.track(job);
    for (const id of this.ranHere) if (!['queued', 'running', 'paused'].includes(this.states.get(id) ?? 'gone')) this.ranHere.delete(id);
  }

  private track(job: CopyJob): void {
    this.states.set(job.id, job.state);
    if (job.state === 'running') this.rates.set(job.id, job.rate);
    else this.rates.delete(job.id);
    if (job.state === 'running' && job.owner?.pid === this.pid) this.ranHere.add(job.id);
  }

  /** Records a job's new version; says 'failed' when it has just failed for good. */
  observe(job: CopyJob): 'failed' | undefined {
    const before = this.states.get(job.id);
    this.track(job);
    if (before === job.state || (job.state !== 'done' && job.state !== 'failed') || !this.ranHere.delete(job.id)) return undefined;
    if (job.state === 'done' && job.skipped) this.summary.skipped++;
    else if (job.state === 'done') {
      this.summary.copied++;
      this.summary.bytes += job.size ?? job.bytesDone;
    } else {
      this.summary.failed++;
      return 'failed';
    }
    return undefined;
  }

  /** Jobs that left the queue. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.states.delete(id);
      this.rates.delete(id);
      this.ranHere.delete(id);
    }
  }

  /** Jobs running now and their summed rate (bytes per second). */
  running(): { jobs: number; rate: number } {
    let rate = 0;
    for (const value of this.rates.values()) rate += value;
    return { jobs: this.rates.size, rate };
  }

  /** What finished since the last call; undefined when nothing did. */
  takeSummary(): RunSummary | undefined {
    const taken = this.summary;
    this.summary = { copied: 0, skipped: 0, failed: 0, bytes: 0 };
    return taken.copied + taken.skipped + taken.failed > 0 ? taken : undefined;
  }
}
