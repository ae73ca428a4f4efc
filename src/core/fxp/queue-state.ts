import type { CopyJob, JobGroup } from './job';
import { markChanged, QueueFileData } from './queue-store';

/** Tombstones of removed jobs are kept this long: longer than any process stays out of sync. */
const TOMBSTONE_MS = 24 * 3600_000;

/** What an operation or a merge changed, for the queue's events. */
export interface Changes {
  jobs: Set<string>;
  removed: string[];
  /** The order of jobs that were there before changed. */
  order: boolean;
  groups: boolean;
}

export function noChanges(): Changes {
  return { jobs: new Set(), removed: [], order: false, groups: false };
}

export function isEmpty(changes: Changes): boolean {
  return changes.jobs.size === 0 && changes.removed.length === 0 && !changes.order && !changes.groups;
}

export type MoveDirection = 'up' | 'down' | 'top' | 'bottom';

/**
 * The queue's content: jobs in queue order with a Map by id next to them (10 000 jobs must not
 * cost O(n²)), folder groups, and tombstones. Every mutation goes through these methods so that
 * `changes` says what an operation did.
 */
export class QueueState {
  readonly byId = new Map<string, CopyJob>();
  changes = noChanges();

  private constructor(
    readonly jobs: CopyJob[],
    public groups: JobGroup[],
    readonly removed: Map<string, string>,
  ) {
    for (const job of jobs) this.byId.set(job.id, job);
  }

  /** From parsed file data (which it takes over): drops tombstoned and duplicate jobs, fills fields older files lack. */
  static fromData(data: QueueFileData): QueueState {
    const removed = new Map(Object.entries(data.removed));
    const seen = new Set<string>();
    const jobs = data.jobs.filter((job) => {
      if (removed.has(job.id) || seen.has(job.id)) return false;
      seen.add(job.id);
      job.bytesDone ??= 0;
      job.rate ??= 0;
      job.attempts ??= 0;
      return true;
    });
    return new QueueState(jobs, data.groups, removed);
  }

  /** The file content: tombstones older than a day and groups without jobs are left out. */
  toData(now = Date.now()): QueueFileData {
    const removed: Record<string, string> = {};
    for (const [id, at] of this.removed) if (now - Date.parse(at) < TOMBSTONE_MS) removed[id] = at;
    return { version: 2, jobs: this.jobs, groups: this.groups, removed };
  }

  get(id: string): CopyJob | undefined {
    return this.byId.get(id);
  }

  /** By full id, else by a unique-enough prefix (the CLI shows 8 characters). */
  find(idOrPrefix: string): CopyJob | undefined {
    return this.byId.get(idOrPrefix) ?? (idOrPrefix ? this.jobs.find((j) => j.id.startsWith(idOrPrefix)) : undefined);
  }

  /** Changes a job in place; `change` returns false when it left the job alone. */
  edit(id: string, change: (job: CopyJob) => boolean | void): boolean {
    const job = this.byId.get(id);
    if (!job) return false;
    const changed = change(job) !== false;
    // Even a change that reports "nothing" may have touched a field: serialize the job again.
    markChanged(job);
    if (!changed) return false;
    this.changes.jobs.add(id);
    return true;
  }

  /** Appends jobs unknown here and not removed (a removed job never comes back). */
  append(jobs: CopyJob[], group?: JobGroup): void {
    if (group && !this.groups.some((g) => g.id === group.id)) {
      this.groups = [...this.groups, group];
      this.changes.groups = true;
    }
    for (const job of jobs) {
      if (this.byId.has(job.id) || this.removed.has(job.id)) continue;
      const copy = { ...job };
      this.jobs.push(copy);
      this.byId.set(copy.id, copy);
      this.changes.jobs.add(copy.id);
    }
  }

  /** Removes jobs (leaving tombstones) and the groups left empty; returns the ids removed. */
  remove(ids: Iterable<string>, now = new Date().toISOString()): string[] {
    const gone = new Set<string>();
    for (const id of ids) {
      if (!this.byId.has(id)) continue;
      gone.add(id);
      this.byId.delete(id);
      this.removed.set(id, now);
      this.changes.jobs.delete(id);
    }
    if (gone.size === 0) return [];
    let kept = 0;
    for (const job of this.jobs) if (!gone.has(job.id)) this.jobs[kept++] = job;
    this.jobs.length = kept;
    this.changes.removed.push(...gone);
    this.pruneGroups();
    return [...gone];
  }

  /** Moves a job one place or to an end of the queue; false when it is already there. */
  move(id: string, direction: MoveDirection): boolean {
    const from = this.byId.has(id) ? this.jobs.findIndex((j) => j.id === id) : -1;
    if (from < 0) return false;
    const to = direction === 'up' ? from - 1 : direction === 'down' ? from + 1 : direction === 'top' ? 0 : this.jobs.length - 1;
    if (to < 0 || to >= this.jobs.length || to === from) return false;
    const [job] = this.jobs.splice(from, 1);
    this.jobs.splice(to, 0, job);
    this.changes.order = true;
    return true;
  }

  private pruneGroups(): void {
    const used = new Set(this.jobs.map((j) => j.group).filter((g) => g !== undefined));
    const groups = this.groups.filter((g) => used.has(g.id));
    if (groups.length === this.groups.length) return;
    this.groups = groups;
    this.changes.groups = true;
  }
}
