import * as os from 'node:os';
import type { CopyJob, JobOwner, JobState } from './job';
import { Changes, noChanges, QueueState } from './queue-state';

/**
 * How processes sharing one queue file merge their changes.
 *
 * Every save is a read-merge-write cycle under the file lock (queue-lock.ts), and `sync()` is the
 * same without the write. The merge never writes a process's whole list over the file: the file
 * as read is the base, and this process *replays* on it the operations it made since its last
 * successful save (add, remove, the user's intents, reorders, the end of its own runs), then puts
 * the live progress of the jobs it runs on top. Hence:
 *
 * 1. Merge is by job id. A job in the file but unknown here was added elsewhere: it is taken. A job
 *    added here is appended to the file's list unless its id is known or removed there.
 * 2. Removal leaves a tombstone (id, time) in the file, kept for a day: a removed job never comes
 *    back, whoever still holds it in memory.
 * 3. The order is the file's order with this process's moves replayed on it (a move is "one up",
 *    "to the top", ... of that id, so a reorder elsewhere is kept and combined).
 * 4. User intents win over runner progress. An intent (pause, resume, cancel, retry) is replayed as
 *    the command itself on the file's version of the job (so "pause" of a job that finished
 *    elsewhere does nothing); it raises the job's `rev` and releases its owner. A runner claims a
 *    job at one `rev`; its progress sets the runner-owned fields (state, rate, attempts, error,
 *    notBefore, verified, skipped, owner heartbeat) only while the file still names it as owner at
 *    that `rev`. Facts about the target (size, bytesDone, method, protection, started,
 *    resolvedTarget) are kept as long as no other process has taken the job over, so a job paused
 *    elsewhere still resumes from where the bytes are. A runner that sees its job's `rev` change,
 *    its ownership go, or the job removed aborts the copy.
 * 5. Ownership: a job is claimed under the lock after re-reading the file, so two runners never run
 *    one job. Other processes leave a job with a live owner alone; a running job whose owner is dead
 *    comes back queued with `started` (it continues from the target's size), at a new `rev`.
 */

/** An owner whose heartbeat is older than this is dead, whatever its pid says. */
export const OWNER_STALE_MS = 30_000;

/** The commands a user gives about a job. */
export type Intent = 'pause' | 'resume' | 'cancel' | 'retry';

const INTENT_TARGET: Record<Intent, JobState> = { pause: 'paused', resume: 'queued', cancel: 'cancelled', retry: 'queued' };

/** Whether `intent` applies to a job in this state (resume also restarts failed and cancelled jobs, as it always did). */
export function intentApplies(job: CopyJob, intent: Intent): boolean {
  switch (intent) {
    case 'pause':
      return job.state === 'queued' || job.state === 'running';
    case 'cancel':
      return job.state === 'queued' || job.state === 'running' || job.state === 'paused';
    case 'resume':
      return job.state === 'paused' || job.state === 'failed' || job.state === 'cancelled';
    case 'retry':
      return job.state === 'failed' || job.state === 'cancelled' || job.state === 'paused' || (job.state === 'queued' && (job.notBefore !== undefined || job.attempts > 0));
  }
}

/** Carries out a user's intent on one version of a job (rule 4); false when it does not apply. */
export function applyIntent(job: CopyJob, intent: Intent, now: string): boolean {
  if (!intentApplies(job, intent)) return false;
  job.state = INTENT_TARGET[intent];
  job.rev = (job.rev ?? 0) + 1;
  job.owner = undefined;
  job.rate = 0;
  job.updatedAt = now;
  if (intent === 'resume' || intent === 'retry') {
    job.attempts = 0;
    job.error = undefined;
    job.notBefore = undefined;
  }
  return true;
}

/** Facts about the target a run found out; kept even when the job was taken away by an intent. */
export type TargetFacts = Partial<Pick<CopyJob, 'size' | 'bytesDone' | 'method' | 'protection' | 'started' | 'resolvedTarget'>>;

/** How a run ended, applied only while the run still owns the job at its `rev`. */
export type RunOutcome = Partial<Pick<CopyJob, 'state' | 'error' | 'attempts' | 'notBefore' | 'verified' | 'skipped'>>;

export function ownedBy(job: CopyJob, ownerId: string, rev: number): boolean {
  return job.owner?.id === ownerId && (job.rev ?? 0) === rev;
}

/** Puts what a run learnt about the target on a job, unless another process took it over. */
export function applyFacts(job: CopyJob, ownerId: string, facts: TargetFacts): boolean {
  if (job.owner && job.owner.id !== ownerId) return false;
  let changed = false;
  for (const [key, value] of Object.entries(facts) as [keyof TargetFacts, never][]) {
    if (value === undefined || job[key] === value) continue;
    job[key] = value;
    changed = true;
  }
  return changed;
}

/** The end of a run: facts always (rule 4), the outcome and the release of ownership only while owned at `rev`. */
export function finishRun(job: CopyJob, ownerId: string, rev: number, facts: TargetFacts, outcome: RunOutcome, now: string): boolean {
  const owned = ownedBy(job, ownerId, rev);
  const changed = applyFacts(job, ownerId, facts);
  if (!owned) return changed;
  Object.assign(job, outcome);
  job.owner = undefined;
  job.rate = 0;
  job.updatedAt = now;
  return true;
}

/** Alive: on this host its pid exists and it beat recently; on another host it beat recently. */
export function ownerAlive(owner: JobOwner, now = Date.now()): boolean {
  if (!(now - Date.parse(owner.heartbeat) <= OWNER_STALE_MS)) return false;
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Running jobs whose owner is dead come back queued and resumable (rule 5). This process's own
 * jobs are left alone: the end of each run is an operation that may still be on its way to the file.
 */
export function recoverDeadOwners(state: QueueState, ownerId: string, now = Date.now()): number {
  let recovered = 0;
  const stamp = new Date(now).toISOString();
  for (const job of state.jobs) {
    if (job.state !== 'running') continue;
    if (job.owner && (job.owner.id === ownerId || ownerAlive(job.owner, now))) continue;
    state.edit(job.id, (j) => {
      j.state = 'queued';
      j.started = true;
      j.rate = 0;
      j.owner = undefined;
      j.rev = (j.rev ?? 0) + 1;
      j.updatedAt = stamp;
    });
    recovered++;
  }
  return recovered;
}

/** The fields the editor's panel shows or a runner decides on: a job whose fields are all equal is unchanged. */
const COMPARED: (keyof CopyJob)[] = [
  'state', 'bytesDone', 'size', 'rate', 'method', 'protection', 'attempts', 'error', 'skipped', 'group',
  'rev', 'notBefore', 'resolvedTarget', 'verified', 'started', 'updatedAt',
];

function sameJob(a: CopyJob, b: CopyJob): boolean {
  return COMPARED.every((key) => a[key] === b[key]) && a.owner?.id === b.owner?.id;
}

/** What differs between two versions of the queue (O(n)), for the events after a merge. */
export function diffStates(before: QueueState, after: QueueState): Changes {
  const changes = noChanges();
  for (const job of before.jobs) if (!after.byId.has(job.id)) changes.removed.push(job.id);
  let lastCommon = -1;
  let order = 0;
  for (const [index, job] of after.jobs.entries()) {
    const old = before.byId.get(job.id);
    if (!old || !sameJob(old, job)) changes.jobs.add(job.id);
    if (!old) continue;
    lastCommon = index;
    // Jobs present in both must keep their relative order.
    while (order < before.jobs.length && !after.byId.has(before.jobs[order].id)) order++;
    if (before.jobs[order]?.id !== job.id) changes.order = true;
    order++;
  }
  // New jobs anywhere but at the end also change the order.
  if (after.jobs.slice(0, lastCommon + 1).some((j) => !before.byId.has(j.id))) changes.order = true;
  const groupIds = (s: QueueState) => s.groups.map((g) => g.id).join();
  changes.groups = groupIds(before) !== groupIds(after);
  return changes;
}
