import type { SiteSettings } from '../client';
import type { ConflictRule } from './copy-file';

export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

/**
 * A site as the queue file stores it: everything needed to connect except the password.
 * `siteId` and `name` come from the editor's saved sites (password lookup, "reveal in Sites",
 * display); jobs added from the CLI have neither.
 */
export type SiteRef = Pick<SiteSettings, 'host' | 'port' | 'user' | 'tls' | 'dataMode' | 'certificate' | 'activeAddress' | 'activePortRange' | 'encoding'> & {
  siteId?: string;
  name?: string;
};

/** How the bytes of a job travelled: server to server (FXP), or through this machine (relay). */
export type CopyMethod = 'fxp' | 'relay';

/** The protection of an FXP data channel between two TLS servers (see fxp-copy.ts). */
export type FxpProtectionMode = 'sscn' | 'cpsv' | 'clear';

/** A folder copied as one drop: its files are jobs that name this group. */
export interface JobGroup {
  id: string;
  source: { site: SiteRef; path: string };
  target: { site: SiteRef; path: string };
  createdAt: string;
}

/** The process that is running a job; other processes leave the job alone while it lives. */
export interface JobOwner {
  /** Random per queue instance. */
  id: string;
  pid: number;
  host: string;
  /** Refreshed while the job runs (ISO); an owner silent for long is taken as dead. */
  heartbeat: string;
}

/** One server-to-server copy in the queue, as persisted. */
export interface CopyJob {
  id: string;
  source: { site: SiteRef; path: string };
  target: { site: SiteRef; path: string };
  /** The folder drop this job belongs to. */
  group?: string;
  /** Source size once known. */
  size?: number;
  state: JobState;
  method?: CopyMethod;
  /** FXP between two TLS servers: how the data channel was protected. */
  protection?: FxpProtectionMode;
  /** Done without copying (skip, skip-identical). */
  skipped?: boolean;
  /** Bytes present on the target. */
  bytesDone: number;
  /** Bytes per second while running. */
  rate: number;
  error?: string;
  /** Failed attempts so far. */
  attempts: number;
  conflict: ConflictRule;
  passive?: 'source' | 'target';
  allowRelay: boolean;
  /** Once a transfer began, retries and restarts continue from the target's size. */
  started: boolean;
  /** The target path actually used (after "rename"). */
  resolvedTarget?: string;
  /** Earliest time of the next attempt (retry backoff), ISO. */
  notBefore?: string;
  verified?: string;
  /** Set while a process runs the job. */
  owner?: JobOwner;
  /**
   * Revision of the user's intent: raised by every command that changes the job's state (pause,
   * resume, cancel, retry) and by the recovery of a dead owner's job. A runner's progress only
   * sets the state while this is still the revision it claimed the job at (see queue-merge.ts).
   */
  rev?: number;
  createdAt: string;
  updatedAt: string;
}

/** Stable key of a site for per-site limits and client reuse. */
export function siteKey(site: SiteRef): string {
  return `${site.user ?? 'anonymous'}@${site.host}:${site.port ?? 21}/${site.tls ?? 'none'}`;
}
