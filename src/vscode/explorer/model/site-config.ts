import type { DataMode, SiteSettings, TlsMode } from '../../../core/client';
import { NameEncoding, parseNameEncoding } from '../../../core/client/name-encodings';

/** Certificate policy of a TLS site: system CAs, any certificate, or one pinned SHA-256 fingerprint. */
export type CertificatePolicy = 'verify' | 'insecure' | { fingerprint256: string };

/**
 * One saved site as it is stored in the `ferry.sites` setting. Everything but the password,
 * which lives in SecretStorage under the site's id.
 */
export interface SiteConfig {
  /** Stable identifier: the authority of the site's `ferry://` URIs (lower-case letters, digits, dashes). */
  id: string;
  /** Display name. */
  name: string;
  host: string;
  port?: number;
  /** Empty or missing: anonymous. */
  user?: string;
  tls: TlsMode;
  certificate?: CertificatePolicy;
  dataMode: DataMode;
  /** Address advertised in PORT/EPRT (NAT). */
  activeAddress?: string;
  /** Local ports for active mode, "50000-50100". */
  activePortRange?: string;
  /** Folder the tree and a workspace folder start in; default: the login directory. */
  remotePath?: string;
  /** Name encoding; missing: auto (UTF-8 with a hint when names look like another one). */
  encoding?: NameEncoding;
  /** The server's LIST dates run this many minutes ahead of UTC; missing: detected per connection. */
  listTimeOffsetMinutes?: number;
  maxConnections?: number;
  /** Gitignore-style patterns left out of this site's folder transfers, on top of ferry.transfers.exclude (sftp.json's `ignore`). */
  exclude?: string[];
}

/** A site found by an importer, with the password it carried (to be moved into SecretStorage). */
export interface ImportedSite {
  site: Omit<SiteConfig, 'id'>;
  password?: string;
}

/** What an importer found: sites, and entries skipped with the reason (for the summary). */
export interface ImportResult {
  sites: ImportedSite[];
  skipped: { name: string; reason: string }[];
}

const TLS_MODES: readonly TlsMode[] = ['none', 'explicit', 'implicit'];
const DATA_MODES: readonly DataMode[] = ['auto', 'passive', 'active'];
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Turns a display name into an id candidate: "My Server!" → "my-server". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'site';
}

/** An id for `name` not in `taken`: the slug, else the slug with "-2", "-3", … appended. */
export function uniqueSiteId(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = slugify(name);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Parses "50000-50100" into a port pair; undefined for anything else (including reversed or out-of-range pairs). */
export function parsePortRange(text: string): [number, number] | undefined {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
  if (!match) return undefined;
  const [low, high] = [Number(match[1]), Number(match[2])];
  return low >= 1 && high <= 65535 && low <= high ? [low, high] : undefined;
}

/** True for a TCP port number 1–65535 (as text from an input box). */
export function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 65535;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function certificateFrom(value: unknown): CertificatePolicy | undefined {
  if (value === 'verify' || value === 'insecure') return value;
  const pin = typeof value === 'string' ? value : (value as { fingerprint256?: unknown } | undefined)?.fingerprint256;
  return typeof pin === 'string' && /^[0-9a-f:]{64,95}$/i.test(pin.trim()) ? { fingerprint256: pin.trim() } : undefined;
}

/**
 * Reads one entry of the `ferry.sites` setting (hand-edited JSON is possible), filling defaults.
 * Returns a reason instead when the entry cannot be used.
 */
export function readSite(raw: unknown): SiteConfig | string {
  if (typeof raw !== 'object' || raw === null) return 'not an object';
  const r = raw as Record<string, unknown>;
  const id = optionalString(r.id);
  const host = optionalString(r.host);
  if (!id || !ID_PATTERN.test(id)) return `invalid id ${JSON.stringify(r.id)} (lower-case letters, digits and dashes)`;
  if (!host) return `site ${id} has no host`;
  const port = typeof r.port === 'number' && isPort(String(r.port)) ? r.port : undefined;
  const max = typeof r.maxConnections === 'number' && r.maxConnections >= 1 ? Math.floor(r.maxConnections) : undefined;
  return {
    id,
    name: optionalString(r.name) ?? host,
    host,
    port,
    user: optionalString(r.user),
    tls: TLS_MODES.includes(r.tls as TlsMode) ? (r.tls as TlsMode) : 'none',
    certificate: certificateFrom(r.certificate),
    dataMode: DATA_MODES.includes(r.dataMode as DataMode) ? (r.dataMode as DataMode) : 'auto',
    activeAddress: optionalString(r.activeAddress),
    activePortRange: typeof r.activePortRange === 'string' && parsePortRange(r.activePortRange) ? r.activePortRange : undefined,
    remotePath: optionalString(r.remotePath),
    encoding: encodingFrom(r.encoding),
    listTimeOffsetMinutes: typeof r.listTimeOffsetMinutes === 'number' && Number.isInteger(r.listTimeOffsetMinutes) && Math.abs(r.listTimeOffsetMinutes) <= 840 ? r.listTimeOffsetMinutes : undefined,
    maxConnections: max,
    exclude: Array.isArray(r.exclude) && r.exclude.length > 0 ? r.exclude.filter((p): p is string => typeof p === 'string') : undefined,
  };
}

/** A stored encoding name (aliases such as cp936 accepted); auto and unknown names are left out. */
function encodingFrom(value: unknown): NameEncoding | undefined {
  const encoding = typeof value === 'string' ? parseNameEncoding(value) : undefined;
  return encoding === 'auto' ? undefined : encoding;
}

/** Reads the whole `ferry.sites` array: usable sites (first of each id wins) and why others were skipped. */
export function readSites(raw: unknown): { sites: SiteConfig[]; problems: string[] } {
  const sites: SiteConfig[] = [];
  const problems: string[] = [];
  for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const site = readSite(entry);
    if (typeof site === 'string') problems.push(`ferry.sites[${index}]: ${site}`);
    else if (sites.some((s) => s.id === site.id)) problems.push(`ferry.sites[${index}]: duplicate id ${site.id}`);
    else sites.push(site);
  }
  return { sites, problems };
}

/** The site as stored in settings: defaults and empty fields left out, so the JSON stays readable. */
export function storedForm(site: SiteConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(site)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

/** The client core's settings for a site, with the password from SecretStorage and the log sink. */
export function toSiteSettings(site: SiteConfig, password: string | undefined, log?: (line: string) => void): SiteSettings {
  return {
    host: site.host,
    port: site.port,
    user: site.user || undefined,
    password,
    tls: site.tls,
    certificate: site.certificate,
    dataMode: site.dataMode,
    activeAddress: site.activeAddress,
    activePortRange: site.activePortRange ? parsePortRange(site.activePortRange) : undefined,
    encoding: site.encoding,
    listTimeOffsetMinutes: site.listTimeOffsetMinutes,
    maxConnections: site.maxConnections,
    log,
  };
}

const URL_SCHEMES: Record<TlsMode, string> = { none: 'ftp', explicit: 'ftpes', implicit: 'ftps' };

/**
 * The site's URL for `remotePath` as `ferry` CLI, curl and lftp read it: ftp/ftpes/ftps by TLS mode,
 * the user but never the password, and an absolute path written with a leading %2F (RFC 1738).
 */
export function remoteUrl(site: SiteConfig, remotePath: string): string {
  const user = site.user ? `${encodeURIComponent(site.user)}@` : '';
  const host = site.host.includes(':') ? `[${site.host}]` : site.host;
  const port = site.port ? `:${site.port}` : '';
  const segments = remotePath.split('/').map(encodeURIComponent);
  const pathPart = remotePath.startsWith('/') ? `/%2F${segments.slice(1).join('/')}` : `/${segments.join('/')}`;
  return `${URL_SCHEMES[site.tls]}://${user}${host}${port}${pathPart}`;
}
