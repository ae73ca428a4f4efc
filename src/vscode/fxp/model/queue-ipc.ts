/**
 * Messages between the extension host and the FXP queue's child process (queue-child.ts). The
 * child owns the TransferQueue (its saves and relay copies would stall the editor's event loop);
 * the extension host keeps a mirror of the jobs built from the child's events. Node's "advanced"
 * IPC serialization carries the objects. Passwords travel only as answers to the child's
 * `password` request, when a job connects, and never reach the queue file.
 */
import type { CopyJob, JobGroup, MoveDirection, NewJob, SiteRef } from '../../../core/fxp';
import type { QueueLimits } from './queue-protocol';

/** What the child needs to open the queue file. */
export interface OpenQueue {
  file: string;
  limits: QueueLimits;
  /** ferry.fxp.allowClearData, read at every copy. */
  allowClearData: boolean;
}

/** The job verbs the child carries out on ids (the rest of the panel's verbs are answered by the mirror). */
export type QueueIntent = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';

/** A call the extension host makes; each gets one `reply` with its id. */
export type QueueCall =
  | { op: 'open'; open: OpenQueue }
  | { op: 'addMany'; specs: NewJob[] }
  /** Walks a folder; `found` messages with the call's id report progress, a `cancel` stops it. */
  | { op: 'addFolder'; spec: NewJob; exclude?: string[] }
  | { op: 'intent'; intent: QueueIntent; ids: string[] }
  | { op: 'move'; ids: string[]; direction: Extract<MoveDirection, 'up' | 'down'> }
  | { op: 'pauseAll' }
  | { op: 'resumeAll' }
  | { op: 'clearFinished' }
  | { op: 'setLimits'; limits: QueueLimits }
  | { op: 'setAllowClearData'; allow: boolean };

/** Extension host → child. */
export type ParentMessage =
  | { type: 'call'; id: number; call: QueueCall }
  | { type: 'cancel'; id: number }
  | { type: 'password'; id: number; password?: string };

/** pausedAll, limits, groups and the save problem: what the queue's `meta` event says changed. */
export interface QueueMeta {
  limits: QueueLimits;
  pausedAll: boolean;
  groups: JobGroup[];
  saveProblem?: string;
}

/**
 * What happened to the queue. A reset (open, reorder, a merge with many changes) arrives as
 * `versions` messages (jobs that differ from what the extension host has, in chunks so no single
 * message is large) followed by `reset` with the order of every job.
 */
export type QueueEvent =
  | { kind: 'jobs'; jobs: CopyJob[] }
  | { kind: 'removed'; ids: string[] }
  | { kind: 'versions'; jobs: CopyJob[] }
  | { kind: 'reset'; order: string[] }
  | { kind: 'meta'; meta: QueueMeta }
  | { kind: 'drained' };

/** Child → extension host. */
export type ChildMessage =
  | { type: 'reply'; id: number; ok: true; result?: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'found'; id: number; files: number }
  | { type: 'password'; id: number; site: SiteRef }
  | { type: 'event'; event: QueueEvent }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; line: string };

/** Jobs per `versions` message: about 200 KB, decoded by the extension host in a few milliseconds. */
export const VERSIONS_PER_MESSAGE = 250;
