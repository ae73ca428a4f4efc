import type { CopyJob, JobGroup } from '../../../core/fxp';

/**
 * The FXP Queue panel's messages. The webview says `ready` (with the state it restored) once
 * its script runs; only then does the extension send a `snapshot`, followed by coalesced
 * `patch`es. Every `request` gets exactly one `reply` with the same `requestId`.
 */

/** Limits the toolbar edits: jobs at once overall, and per site. */
export interface QueueLimits {
  concurrency: number;
  perSite: number;
}

/** Everything the panel needs to draw itself from scratch. */
export interface QueueSnapshot {
  jobs: CopyJob[];
  groups: JobGroup[];
  limits: QueueLimits;
  /** "Pause all" is in effect: nothing new starts. */
  pausedAll: boolean;
  /** Why the last save of the queue file failed, while it keeps failing. */
  saveProblem?: string;
}

/** Changes since the last message: the newest version of each changed job, ids of removed ones. */
export interface QueuePatch {
  jobs: CopyJob[];
  removed: string[];
  groups?: JobGroup[];
  limits?: QueueLimits;
  pausedAll?: boolean;
  saveProblem?: string | null;
}

/** Extension → webview. */
export type HostMessage =
  | { type: 'snapshot'; snapshot: QueueSnapshot }
  | { type: 'patch'; patch: QueuePatch }
  | { type: 'reply'; requestId: number; ok: true; result?: unknown }
  | { type: 'reply'; requestId: number; ok: false; error: string };

/** Row actions; each takes job ids (a folder group's action sends its jobs' ids). */
export type JobVerb = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove' | 'moveUp' | 'moveDown' | 'reveal';

/** What the panel asks the extension to do. */
export type PanelRequest =
  | { action: 'job'; verb: JobVerb; ids: string[] }
  | { action: 'pauseAll' }
  | { action: 'resumeAll' }
  | { action: 'clearFinished' }
  | { action: 'setLimits'; limits: QueueLimits };

/** What the webview keeps across reloads (vscode.setState), and hands back in `ready`. */
export interface PanelState {
  /** Folder groups shown expanded. */
  expanded: string[];
  scrollTop: number;
}

/** Webview → extension. */
export type WebviewMessage = { type: 'ready'; state?: PanelState } | { type: 'request'; requestId: number; request: PanelRequest };

/** The queue as the panel's provider sees it; implemented by the editor's queue controller. */
export interface QueueBackend {
  snapshot(): QueueSnapshot;
  /** Called on every change (never polled); the view coalesces before posting. */
  onChange(listener: (change: QueueChange) => void): () => void;
  /** Carries out a panel request; rejects with a message the panel shows. */
  handle(request: PanelRequest): Promise<unknown>;
}

/** One change of the queue: a job's new version, removed jobs, or a change that needs a full redraw (order, merge from another process). */
export type QueueChange =
  | { kind: 'job'; job: CopyJob }
  | { kind: 'removed'; ids: string[] }
  | { kind: 'meta'; limits?: QueueLimits; pausedAll?: boolean; saveProblem?: string | null; groups?: JobGroup[] }
  | { kind: 'reset' };
