import { defaultPort } from '../../../core/client/settings';
import type { CopyJob, JobState, SiteRef } from '../../../core/fxp';
import { fill, PanelStrings } from './panel-strings';
import { formatBytes } from '../../../core/format-bytes';

/**
 * Text of the FXP Queue panel's cells. Pure functions without Node or DOM imports: the extension
 * and the webview bundle (webpack, target web) share them.
 */

/** A queued site as the panel names it: its saved name, else host (with the port when it is not the default one). */
export function siteName(site: SiteRef): string {
  if (site.name) return site.name;
  const port = defaultPort(site);
  if (port === (site.tls === 'implicit' ? 990 : 21)) return site.host;
  // An IPv6 literal needs brackets before a port (RFC 3986 §3.2.2).
  return site.host.includes(':') ? `[${site.host}]:${port}` : `${site.host}:${port}`;
}

/** `site:path`, the way the panel shows both ends of a copy. */
export function endpointText(end: { site: SiteRef; path: string }): string {
  return `${siteName(end.site)}:${end.path}`;
}

/** Bytes per second: "120 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, bytesPerSecond))}/s`;
}

/** A duration as a clock: "0:42", "12:05", "1:02:03" (the same in every language). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** Seconds left for a running job, when its size and rate are known. */
export function etaSeconds(job: CopyJob): number | undefined {
  if (job.state !== 'running' || job.size === undefined || job.rate <= 0) return undefined;
  return Math.max(0, job.size - job.bytesDone) / job.rate;
}

/** What the method badge says: how the bytes travelled, so a relay (bytes through this machine) is never mistaken for FXP. */
export interface MethodBadge {
  kind: 'fxp' | 'fxp-tls' | 'fxp-clear' | 'relay' | 'skipped';
  label: string;
  title: string;
}

/** The job's method badge; undefined while no transfer has chosen a method yet. */
export function methodBadge(job: CopyJob, strings: PanelStrings): MethodBadge | undefined {
  if (job.skipped) return { kind: 'skipped', label: strings.badgeSkipped, title: strings.badgeSkippedTitle };
  if (job.method === 'relay') return { kind: 'relay', label: strings.badgeRelay, title: strings.badgeRelayTitle };
  if (job.method !== 'fxp') return undefined;
  switch (job.protection) {
    case 'sscn':
      return { kind: 'fxp-tls', label: strings.badgeFxpSscn, title: strings.badgeFxpTitle };
    case 'cpsv':
      return { kind: 'fxp-tls', label: strings.badgeFxpCpsv, title: strings.badgeFxpTitle };
    case 'clear':
      return { kind: 'fxp-clear', label: strings.badgeFxpClear, title: strings.badgeFxpClearTitle };
    default:
      return { kind: 'fxp', label: strings.badgeFxp, title: strings.badgeFxpTitle };
  }
}

/** The translated name of a state. */
export function stateLabel(state: JobState, strings: PanelStrings): string {
  return strings[state];
}

/** "12 MiB of 40 MiB", or the bytes alone while the size is unknown. */
export function progressText(bytesDone: number, size: number | undefined, strings: PanelStrings): string {
  return size === undefined ? formatBytes(bytesDone) : fill(strings.bytesOf, formatBytes(bytesDone), formatBytes(size));
}
