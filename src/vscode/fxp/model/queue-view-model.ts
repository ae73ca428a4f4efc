import type { CopyJob, JobGroup, JobState } from '../../../core/fxp';
import { fill, PanelStrings } from './panel-strings';
import { formatBytes } from '../../../core/format-bytes';
import { endpointText, etaSeconds, formatDuration, formatRate, MethodBadge, methodBadge, progressText, stateLabel } from './queue-format';
import type { JobVerb } from './queue-protocol';

/** What one job row of the FXP Queue panel shows; every field is display-ready text. */
export interface JobRowModel {
  id: string;
  state: JobState;
  stateText: string;
  source: string;
  target: string;
  /** Formatted size, or the "size unknown" word. */
  size: string;
  /** Progress bar: value of max; undefined = indeterminate (running, size unknown) or none. */
  progress?: { value: number; max: number };
  bytes: string;
  rate: string;
  eta: string;
  badge?: MethodBadge;
  attempts: string;
  /** The last error, or when the next attempt starts; empty when there is nothing to say. */
  error: string;
  actions: JobVerb[];
}

/** The order of the action buttons on a row. */
const VERB_ORDER: readonly JobVerb[] = ['resume', 'pause', 'retry', 'cancel', 'moveUp', 'moveDown', 'reveal', 'remove'];

/** States a job waits in; only these can be reordered (a running job has its slot already). */
const WAITING: ReadonlySet<JobState> = new Set<JobState>(['queued', 'paused']);

/** Whether `verb` makes sense for a job in its current state (the backend checks again). */
export function verbApplies(verb: JobVerb, job: CopyJob): boolean {
  switch (verb) {
    case 'pause':
      return job.state === 'queued' || job.state === 'running';
    case 'resume':
      return job.state === 'paused';
    case 'cancel':
      return job.state === 'queued' || job.state === 'running' || job.state === 'paused';
    case 'retry':
      return job.state === 'failed' || job.state === 'cancelled';
    case 'moveUp':
    case 'moveDown':
      return WAITING.has(job.state);
    case 'remove':
      return job.state !== 'running';
    case 'reveal':
      // The target exists once bytes were written, or the job is done.
      return job.state === 'done' || job.started;
  }
}

/** The actions a job row offers, in button order. */
export function jobActions(job: CopyJob): JobVerb[] {
  return VERB_ORDER.filter((verb) => verbApplies(verb, job));
}

/** A job's row text. `now` decides whether a retry wait is still ahead. */
export function jobRow(job: CopyJob, strings: PanelStrings, now = Date.now()): JobRowModel {
  const running = job.state === 'running';
  const eta = etaSeconds(job);
  const waitUntil = job.state === 'queued' && job.notBefore ? Date.parse(job.notBefore) : NaN;
  const waitText = waitUntil > now ? fill(strings.waitingUntil, new Date(waitUntil).toLocaleTimeString()) : '';
  const size = job.size;
  return {
    id: job.id,
    state: job.state,
    stateText: stateLabel(job.state, strings),
    source: endpointText(job.source),
    target: endpointText({ site: job.target.site, path: job.resolvedTarget ?? job.target.path }),
    size: size === undefined ? strings.sizeUnknown : formatBytes(size),
    progress: size !== undefined && size > 0 ? { value: Math.min(job.bytesDone, size), max: size } : job.state === 'done' ? { value: 1, max: 1 } : undefined,
    bytes: progressText(job.bytesDone, size, strings),
    rate: running ? formatRate(job.rate) : '',
    eta: eta === undefined ? '' : fill(strings.eta, formatDuration(eta)),
    badge: methodBadge(job, strings),
    attempts: job.attempts > 0 ? fill(strings.attempts, job.attempts) : '',
    error: [job.state === 'done' ? '' : (job.error ?? ''), waitText].filter(Boolean).join(' · '),
    actions: jobActions(job),
  };
}

/** Sums over a folder group's files. */
export interface GroupAggregate {
  filesDone: number;
  filesTotal: number;
  failed: number;
  bytesDone: number;
  /** Sizes known so far (a file of unknown size counts with the bytes it has). */
  bytesTotal: number;
  rate: number;
  state: JobState;
}

/**
 * The state a group shows: running while any file runs, then waiting (queued before paused),
 * then the worst end (failed before cancelled), done only when every file is.
 */
export function groupState(counts: Record<JobState, number>): JobState {
  const order: JobState[] = ['running', 'queued', 'paused', 'failed', 'cancelled'];
  return order.find((state) => counts[state] > 0) ?? 'done';
}

function emptyCounts(): Record<JobState, number> {
  return { queued: 0, running: 0, paused: 0, done: 0, failed: 0, cancelled: 0 };
}

/** Bytes a job has finished: a done job counts whole, even when it was skipped. */
function finishedBytes(job: CopyJob): number {
  return job.state === 'done' ? (job.size ?? job.bytesDone) : job.bytesDone;
}

/** Totals of a set of jobs, by state, bytes and summed rate. */
export interface QueueTotals {
  jobs: number;
  byState: Record<JobState, number>;
  bytesDone: number;
  bytesTotal: number;
  rate: number;
}

/** Sums `jobs` (the whole queue, or one group's files). */
export function queueTotals(jobs: Iterable<CopyJob>): QueueTotals {
  const totals: QueueTotals = { jobs: 0, byState: emptyCounts(), bytesDone: 0, bytesTotal: 0, rate: 0 };
  for (const job of jobs) {
    totals.jobs++;
    totals.byState[job.state]++;
    const done = finishedBytes(job);
    totals.bytesDone += done;
    totals.bytesTotal += Math.max(job.size ?? 0, done);
    if (job.state === 'running') totals.rate += job.rate;
  }
  return totals;
}

/** A folder group's aggregate progress. */
export function groupAggregate(jobs: Iterable<CopyJob>): GroupAggregate {
  const totals = queueTotals(jobs);
  return {
    filesDone: totals.byState.done,
    filesTotal: totals.jobs,
    failed: totals.byState.failed,
    bytesDone: totals.bytesDone,
    bytesTotal: totals.bytesTotal,
    rate: totals.rate,
    state: groupState(totals.byState),
  };
}

/** What a folder group's header row shows. */
export interface GroupRowModel {
  id: string;
  state: JobState;
  stateText: string;
  source: string;
  target: string;
  files: string;
  progress: { value: number; max: number };
  bytes: string;
  rate: string;
  eta: string;
  failed: string;
}

/** The header row of a folder group from its files' aggregate. */
export function groupRow(group: JobGroup, aggregate: GroupAggregate, strings: PanelStrings): GroupRowModel {
  const running = aggregate.state === 'running' && aggregate.rate > 0;
  const left = aggregate.bytesTotal - aggregate.bytesDone;
  return {
    id: group.id,
    state: aggregate.state,
    stateText: stateLabel(aggregate.state, strings),
    source: endpointText(group.source),
    target: endpointText(group.target),
    files: fill(strings.groupFiles, aggregate.filesDone, aggregate.filesTotal),
    progress: aggregate.bytesTotal > 0 ? { value: aggregate.bytesDone, max: aggregate.bytesTotal } : { value: aggregate.filesDone, max: Math.max(1, aggregate.filesTotal) },
    bytes: progressText(aggregate.bytesDone, aggregate.bytesTotal, strings),
    rate: running ? formatRate(aggregate.rate) : '',
    eta: running ? fill(strings.eta, formatDuration(left / aggregate.rate)) : '',
    failed: aggregate.failed > 0 ? fill(strings.groupFailed, aggregate.failed) : '',
  };
}

/** The actions a group header offers, each with the ids of the group's files it applies to. */
export function groupActions(jobs: readonly CopyJob[]): { verb: JobVerb; ids: string[] }[] {
  const verbs: JobVerb[] = ['resume', 'pause', 'retry', 'cancel', 'remove'];
  return verbs.map((verb) => ({ verb, ids: jobs.filter((job) => verbApplies(verb, job)).map((job) => job.id) })).filter((action) => action.ids.length > 0);
}

/** The totals line of the toolbar: jobs, bytes and the summed rate. */
export function totalsText(totals: QueueTotals, strings: PanelStrings): string {
  return fill(strings.totalsJobs, totals.jobs, progressText(totals.bytesDone, totals.bytesTotal, strings), formatRate(totals.rate));
}

/** The sentence the live region announces: counts by state only, so it changes rarely (no bytes, no rate). */
export function statesText(totals: QueueTotals, strings: PanelStrings): string {
  const s = totals.byState;
  return fill(strings.totalsStates, s.running, s.queued + s.paused, s.done, s.failed);
}
