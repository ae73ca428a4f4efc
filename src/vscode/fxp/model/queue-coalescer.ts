import type { CopyJob, JobGroup } from '../../../core/fxp';
import type { HostMessage, QueueChange, QueuePatch, QueueSnapshot } from './queue-protocol';

/** Default gap between two patches: fast enough to look live, slow enough that 10 000 jobs do not flood the webview. */
export const PATCH_INTERVAL_MS = 150;

/** Runs `run` once after `ms`; the returned function cancels it. */
export type Scheduler = (run: () => void, ms: number) => () => void;

const realScheduler: Scheduler = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export interface CoalescerOptions {
  /** Sends one message to the webview. */
  post(message: HostMessage): void;
  /** The queue as it is now, for a full redraw. */
  snapshot(): QueueSnapshot;
  intervalMs?: number;
  /** Timer used between patches (tests pass a manual one). */
  schedule?: Scheduler;
}

/** What the coalescer posted, for the benchmark's "panel messages per second". */
export interface CoalescerStats {
  snapshots: number;
  patches: number;
  /** Job versions sent in patches. */
  jobs: number;
}

/**
 * Turns the queue's change events into few webview messages: at most one patch every
 * `intervalMs`, carrying only the newest version of each changed job (a running job reports
 * progress many times a second; only its last state matters to the eye). A `reset` (reorder,
 * merge from another process) is answered with a snapshot instead. Nothing is posted until
 * `sendSnapshot` (the webview said `ready`), and nothing after `stop` (it went away).
 */
export class QueueUpdateCoalescer {
  private readonly jobs = new Map<string, CopyJob>();
  private readonly removed = new Set<string>();
  private readonly groups = new Map<string, JobGroup>();
  private meta: Omit<QueuePatch, 'jobs' | 'removed' | 'groups'> = {};
  private needsSnapshot = false;
  private active = false;
  private cancelTimer?: () => void;
  private readonly intervalMs: number;
  private readonly schedule: Scheduler;
  readonly stats: CoalescerStats = { snapshots: 0, patches: 0, jobs: 0 };

  constructor(private readonly options: CoalescerOptions) {
    this.intervalMs = options.intervalMs ?? PATCH_INTERVAL_MS;
    this.schedule = options.schedule ?? realScheduler;
  }

  /** Records one change; a patch (or snapshot) follows within the interval. */
  push(change: QueueChange): void {
    if (!this.active) return;
    if (change.kind === 'reset') {
      // The snapshot is taken when it is sent, so it covers everything before and until then.
      this.clearPending();
      this.needsSnapshot = true;
    } else if (!this.needsSnapshot) this.merge(change);
    this.arm();
  }

  private merge(change: Exclude<QueueChange, { kind: 'reset' }>): void {
    if (change.kind === 'job') {
      this.jobs.set(change.job.id, change.job);
      this.removed.delete(change.job.id);
    } else if (change.kind === 'removed') {
      for (const id of change.ids) {
        this.jobs.delete(id);
        this.removed.add(id);
      }
    } else {
      const { groups, limits, pausedAll, saveProblem } = change;
      for (const group of groups ?? []) this.groups.set(group.id, group);
      if (limits !== undefined) this.meta.limits = limits;
      if (pausedAll !== undefined) this.meta.pausedAll = pausedAll;
      if (saveProblem !== undefined) this.meta.saveProblem = saveProblem;
    }
  }

  private arm(): void {
    if (!this.cancelTimer) this.cancelTimer = this.schedule(() => this.flush(), this.intervalMs);
  }

  private hasPending(): boolean {
    return this.needsSnapshot || this.jobs.size > 0 || this.removed.size > 0 || this.groups.size > 0 || Object.keys(this.meta).length > 0;
  }

  private clearPending(): void {
    this.jobs.clear();
    this.removed.clear();
    this.groups.clear();
    this.meta = {};
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Posts what is pending now (used before the reply to a user's request, so the panel shows its effect at once). */
  flush(): void {
    if (!this.active || !this.hasPending()) {
      this.clearPending();
      return;
    }
    if (this.needsSnapshot) {
      this.sendSnapshot();
      return;
    }
    const patch: QueuePatch = { jobs: [...this.jobs.values()], removed: [...this.removed], ...this.meta };
    if (this.groups.size > 0) patch.groups = [...this.groups.values()];
    this.clearPending();
    this.stats.patches++;
    this.stats.jobs += patch.jobs.length;
    this.options.post({ type: 'patch', patch });
  }

  /** Starts (or restarts) the stream with a full snapshot; pending changes are part of it. */
  sendSnapshot(): void {
    this.clearPending();
    this.needsSnapshot = false;
    this.active = true;
    this.stats.snapshots++;
    this.options.post({ type: 'snapshot', snapshot: this.options.snapshot() });
  }

  /** Stops posting (the webview is gone or reloading); the next `sendSnapshot` starts over. */
  stop(): void {
    this.clearPending();
    this.needsSnapshot = false;
    this.active = false;
  }
}
