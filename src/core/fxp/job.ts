import type { SiteSettings } from '../client';
import type { ConflictRule } from './copy-file';

export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

/** A site as the queue file stores it: everything needed to connect except the password. */
export type SiteRef = Pick<SiteSettings, 'host' | 'port' | 'user' | 'tls' | 'dataMode' | 'certificate' | 'activeAddress' | 'activePortRange'>;

/** One server-to-server copy in the queue, as persisted. */
export interface CopyJob {
  id: string;
  source: { site: SiteRef; path: string };
  target: { site: SiteRef; path: string };
  /** Source size once known. */
  size?: number;
  state: JobState;
  method?: 'fxp' | 'relay';
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
  createdAt: string;
  updatedAt: string;
}

/** Stable key of a site for per-site limits and client reuse. */
export function siteKey(site: SiteRef): string {
  return `${site.user ?? 'anonymous'}@${site.host}:${site.port ?? 21}/${site.tls ?? 'none'}`;
}
