import type { CopyJob } from '../../../core/fxp';

/**
 * The extension host's copy of the queue's jobs, in queue order, built from the child process's
 * events (queue-ipc.ts) so the panel and the status bar read it synchronously.
 */
export class QueueMirror {
  private list: CopyJob[] = [];
  private readonly byId = new Map<string, CopyJob>();
  private readonly position = new Map<string, number>();

  /** The jobs in queue order (the array is replaced, never changed, by a reset or a removal). */
  get jobs(): readonly CopyJob[] {
    return this.list;
  }

  /** A job by id or id prefix. */
  find(idOrPrefix: string): CopyJob | undefined {
    return this.byId.get(idOrPrefix) ?? (idOrPrefix ? this.list.find((j) => j.id.startsWith(idOrPrefix)) : undefined);
  }

  /** A job's new version; a job not seen before goes to the end (new jobs anywhere else come with a reset). */
  update(job: CopyJob): void {
    this.byId.set(job.id, job);
    const at = this.position.get(job.id);
    if (at !== undefined) this.list[at] = job;
    else {
      this.position.set(job.id, this.list.length);
      this.list.push(job);
    }
  }

  /** New versions that a reset's order will place. */
  stage(jobs: readonly CopyJob[]): void {
    for (const job of jobs) this.byId.set(job.id, job);
  }

  /** Every job, in this order (staged versions first, then those already here). */
  reset(order: readonly string[]): void {
    const list: CopyJob[] = [];
    for (const id of order) {
      const job = this.byId.get(id);
      if (job) list.push(job);
    }
    this.install(list);
  }

  remove(ids: readonly string[]): void {
    const gone = new Set(ids);
    this.install(this.list.filter((j) => !gone.has(j.id)));
  }

  private install(list: CopyJob[]): void {
    this.list = list;
    this.byId.clear();
    this.position.clear();
    list.forEach((job, i) => (this.byId.set(job.id, job), this.position.set(job.id, i)));
  }
}
