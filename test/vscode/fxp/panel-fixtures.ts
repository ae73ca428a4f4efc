/** Jobs and groups for the FXP Queue panel's tests (model, webview and extension host). */
import type { CopyJob, JobGroup, JobState, SiteRef } from '../../../src/core/fxp';
import type { QueueSnapshot } from '../../../src/vscode/fxp/model/queue-protocol';

export const ALPHA: SiteRef = { host: '127.0.0.1', port: 2121, siteId: 'alpha', name: 'Alpha' };
export const BETA: SiteRef = { host: 'beta.example', user: 'u' };

const T0 = '2026-01-01T00:00:00.000Z';

/** A job from Alpha to Beta; `extra` overrides any field. */
export function makeJob(id: string, state: JobState, extra: Partial<CopyJob> = {}): CopyJob {
  return {
    id,
    source: { site: ALPHA, path: `/pub/${id}.bin` },
    target: { site: BETA, path: `/in/${id}.bin` },
    state,
    bytesDone: 0,
    rate: 0,
    attempts: 0,
    conflict: 'overwrite',
    allowRelay: true,
    started: false,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

/** A folder drop of Alpha's /pub/dir onto Beta's /in. */
export function makeGroup(id: string): JobGroup {
  return { id, source: { site: ALPHA, path: '/pub/dir' }, target: { site: BETA, path: '/in/dir' }, createdAt: T0 };
}

export function snapshotOf(jobs: CopyJob[], groups: JobGroup[] = [], extra: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return { jobs, groups, limits: { concurrency: 2, perSite: 2 }, pausedAll: false, ...extra };
}
