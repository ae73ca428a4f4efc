import type { CopyJob, JobGroup } from '../../core/fxp';
import type { QueueLimits, QueuePatch, QueueSnapshot } from '../../vscode/fxp/model/queue-protocol';

/** What a patch changed, so the renderer redraws no more than that. */
export interface PatchEffect {
  /** Jobs were added or removed, or moved between groups: the lines must be laid out again. */
  structural: boolean;
  /** Ids of the jobs with a new version (including new ones). */
  changed: string[];
  /** Limits, "pause all" or the save problem changed. */
  meta: boolean;
}

/** The page's copy of the queue: jobs in queue order, folder groups and the toolbar's values. */
export class PanelQueue {
  order: string[] = [];
  readonly jobs = new Map<string, CopyJob>();
  readonly groups = new Map<string, JobGroup>();
  limits: QueueLimits = { concurrency: 1, perSite: 1 };
  pausedAll = false;
  saveProblem?: string;

  /** Replaces everything with a snapshot. */
  load(snapshot: QueueSnapshot): void {
    this.jobs.clear();
    this.groups.clear();
    for (const job of snapshot.jobs) this.jobs.set(job.id, job);
    for (const group of snapshot.groups) this.groups.set(group.id, group);
    this.order = snapshot.jobs.map((job) => job.id);
    this.limits = snapshot.limits;
    this.pausedAll = snapshot.pausedAll;
    this.saveProblem = snapshot.saveProblem;
  }

  /** Applies a patch: new versions replace old ones, new jobs go to the end (the queue appends). */
  apply(patch: QueuePatch): PatchEffect {
    let structural = false;
    for (const job of patch.jobs) {
      const before = this.jobs.get(job.id);
      if (!before) this.order.push(job.id);
      if (!before || before.group !== job.group) structural = true;
      this.jobs.set(job.id, job);
    }
    const removed = patch.removed.filter((id) => this.jobs.delete(id));
    if (removed.length > 0) {
      const gone = new Set(removed);
      this.order = this.order.filter((id) => !gone.has(id));
      structural = true;
    }
    for (const group of patch.groups ?? []) {
      if (!this.groups.has(group.id)) structural = true;
      this.groups.set(group.id, group);
    }
    return { structural, changed: patch.jobs.map((job) => job.id), meta: this.applyMeta(patch) };
  }

  private applyMeta(patch: QueuePatch): boolean {
    let meta = false;
    if (patch.limits) {
      this.limits = patch.limits;
      meta = true;
    }
    if (patch.pausedAll !== undefined) {
      this.pausedAll = patch.pausedAll;
      meta = true;
    }
    if (patch.saveProblem !== undefined) {
      this.saveProblem = patch.saveProblem ?? undefined;
      meta = true;
    }
    return meta;
  }

  /** The jobs of the given ids that still exist, in the order given. */
  pick(ids: readonly string[]): CopyJob[] {
    return ids.map((id) => this.jobs.get(id)).filter((job): job is CopyJob => job !== undefined);
  }
}
