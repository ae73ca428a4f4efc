import type { NameEncoding } from './name-encodings';

/** How to reach one site. Passwords are passed in by the caller and never stored by the core. */
export type TlsMode = 'none' | 'explicit' | 'implicit';
export type DataMode = 'auto' | 'passive' | 'active';

export interface SiteSettings {
  host: string;
  /** Default 21 (990 for implicit TLS). */
  port?: number;
  user?: string;
  password?: string;
  tls?: TlsMode;
  /**
   * Certificate policy: verify against the system CAs (default), trust one pinned certificate
   * (SHA-256 fingerprint as openssl prints it, colons optional), or accept any ("insecure").
   */
  certificate?: 'verify' | 'insecure' | { fingerprint256: string };
  dataMode?: DataMode;
  /** Local address to connect from (multi-homed hosts); default: chosen by the system. */
  localAddress?: string;
  /** Address advertised in PORT/EPRT (NAT); default: the control connection's local address. */
  activeAddress?: string;
  /** Local ports for active-mode listeners, e.g. [50000, 50100]; default: any. */
  activePortRange?: [number, number];
  /** Connection and reply timeout in ms (default 20 s). */
  timeoutMs?: number;
  /** A transfer making no progress for this long is aborted (default 60 s). */
  stallTimeoutMs?: number;
  /** Idle NOOP interval in ms (default 30 s; 0 = off). */
  keepaliveMs?: number;
  /** Control connections the pool may open (default 2). */
  maxConnections?: number;
  /**
   * The server's LIST dates are in its local zone, this many minutes ahead of UTC (480 for
   * China). Unset: detected on each connection by comparing MDTM, which is UTC, with the LIST
   * date of the same file (listing.ts). MLSD dates are UTC and never shifted.
   */
  listTimeOffsetMinutes?: number;
  /**
   * How the server's names are encoded (NAME_ENCODINGS, e.g. gbk, shift_jis, latin1). Default
   * `auto`: UTF-8, with a hint in the log and the connection test when a listing's names look
   * like another encoding. Bytes that do not decode show as U+EF80-U+EFFF (name-codec.ts).
   */
  encoding?: NameEncoding;
  /** Log lines (PASS masked). */
  log?: (line: string) => void;
}

export const DEFAULTS = {
  timeoutMs: 20_000,
  stallTimeoutMs: 60_000,
  keepaliveMs: 30_000,
  maxConnections: 2,
} as const;

export function defaultPort(settings: SiteSettings): number {
  return settings.port ?? (settings.tls === 'implicit' ? 990 : 21);
}

/** "user@host:port" for messages and per-host memory. */
export function siteLabel(settings: SiteSettings): string {
  return `${settings.user ?? 'anonymous'}@${settings.host}:${defaultPort(settings)}`;
}
