/**
 * Every server tunable in one typed table: type, default, range, unit and a one-line doc.
 * The config parser, the CLI's --set, the editor settings and the config language server
 * are all driven from this table, so a key is declared exactly once.
 *
 * Names and defaults of the original mini ftpd keys are kept as the seed design has them.
 */

import { checkPermissionLetters } from './permissions';

export type TunableType = 'bool' | 'uint' | 'port' | 'octal' | 'string';

export interface TunableSpec<T> {
  readonly type: TunableType;
  readonly default: T;
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  readonly doc: string;
  /** Extra validation of a parsed value; returns an error text. */
  check?(value: T): string | undefined;
}

const bool = (def: boolean, doc: string): TunableSpec<boolean> => ({ type: 'bool', default: def, doc });
const uint = (def: number, doc: string, extra: { min?: number; max?: number; unit?: string } = {}): TunableSpec<number> => ({
  type: 'uint',
  default: def,
  min: extra.min ?? 0,
  max: extra.max ?? 2 ** 32 - 1,
  unit: extra.unit,
  doc,
});
const port = (def: number, doc: string): TunableSpec<number> => ({ type: 'port', default: def, min: 0, max: 65535, doc });
const octal = (def: number, doc: string): TunableSpec<number> => ({ type: 'octal', default: def, min: 0, max: 0o777, doc });
const str = (def: string, doc: string, check?: (value: string) => string | undefined): TunableSpec<string> => ({ type: 'string', default: def, doc, check });

export const TUNABLES = {
  listen_address: str('127.0.0.1', 'Address the control listener binds to. Anything but loopback exposes the server to the network.'),
  listen_port: port(2121, 'TCP port of the control connection: 2121, so the server starts without root; 21, the standard FTP port, needs root or CAP_NET_BIND_SERVICE.'),
  local_root: str('', 'Directory served to named users without a root of their own; empty means the root given on the command line.'),
  accept_timeout: uint(600, 'Seconds a passive data connection may take to arrive after the transfer command.', { unit: 's' }),
  connect_timeout: uint(300, 'Seconds an active (PORT/EPRT) data connection may take to connect.', { unit: 's' }),
  maximum_clients: uint(2000, 'Maximum simultaneous control connections; further clients get 421 and are closed. 0 = unlimited.'),
  max_conns_per_ip: uint(50, 'Maximum simultaneous control connections from one IP address; 0 = unlimited.'),
  max_upload_rate: uint(0, 'Upload limit per session in bytes per second; 0 = unlimited.', { unit: 'B/s' }),
  max_download_rate: uint(0, 'Download limit per session in bytes per second; 0 = unlimited.', { unit: 'B/s' }),
  global_upload_rate: uint(0, 'Upload limit shared by all sessions in bytes per second; 0 = unlimited.', { unit: 'B/s' }),
  global_download_rate: uint(0, 'Download limit shared by all sessions in bytes per second; 0 = unlimited.', { unit: 'B/s' }),
  idle_ctrl_timeout: uint(300, 'Seconds without a command before the control connection is closed (never during a transfer). 0 = never.', { unit: 's' }),
  idle_data_timeout: uint(300, 'Seconds a data connection may make no progress before the transfer is aborted. 0 = never.', { unit: 's' }),
  local_umask: octal(0o077, 'umask applied to files (from 0666) and directories (from 0777) the server creates.'),
  pasv_min_port: port(0, 'Lowest port for passive data listeners; 0 with pasv_max_port 0 lets the system choose.'),
  pasv_max_port: port(0, 'Highest port for passive data listeners.'),
  pasv_address: str('', 'Address advertised in PASV replies (NAT masquerade); empty means the address the client connected to.'),
  anonymous_enable: bool(false, 'Allow logins as "anonymous" or "ftp" with any password.'),
  anon_root: str('', 'Directory served to anonymous users; empty means the same root as named users.'),
  anon_perms: str('elr', 'Permission letters of anonymous users (pyftpdlib style, see user).', checkPermissionLetters),
  allow_fxp: bool(false, 'Allow data connections to/from addresses other than the client\'s (FXP). Off = RFC 2577 bounce protection.'),
  ssl_enable: bool(false, 'Offer explicit FTPS (AUTH TLS). Without a certificate file a self-signed one is generated and kept.'),
  force_tls: bool(false, 'Refuse USER/PASS on connections that have not done AUTH TLS, and require PROT P for transfers.'),
  require_ssl_reuse: bool(true, 'Refuse (522) a PROT P data connection whose TLS session does not resume this control connection\'s own, so no one but the logged-in client can open it (as vsftpd). Turn off for clients that never resume (Python\'s ftplib) and for TLS FXP where the other server is the TLS client.'),
  rsa_cert_file: str('', 'PEM certificate (chain) for FTPS.'),
  rsa_private_key_file: str('', 'PEM private key for FTPS; empty means the key is in rsa_cert_file.'),
  max_login_fails: uint(3, 'Failed PASS attempts allowed per connection before it is closed with 421.', { min: 1 }),
  login_fail_delay_ms: uint(500, 'Delay before answering a failed login; doubles with each further failure (capped at 8 s).', { unit: 'ms', max: 60000 }),
  max_login_fails_per_ip: uint(10, 'Failed logins from one address, over all its connections, before it is banned for login_ban_time (an IPv6 /64 counts as one address). 0 = never ban.'),
  login_fail_window: uint(600, 'Seconds without a failed login after which an address\'s failure count (for login_fail_delay_ms and the ban) starts again from zero.', { unit: 's', min: 1 }),
  login_ban_time: uint(600, 'Seconds a banned address is refused: new connections, USER and PASS from it get 421.', { unit: 's', min: 1 }),
  ftpd_banner: str('Ferry FTP server ready.', 'Text of the 220 greeting.'),
} as const;

export type TunableKey = keyof typeof TUNABLES;

/** The value type of each key, derived from the table. */
export type Tunables = { -readonly [K in TunableKey]: (typeof TUNABLES)[K] extends TunableSpec<infer T> ? T : never };

export function defaultTunables(): Tunables {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(TUNABLES)) out[key] = spec.default;
  return out as Tunables;
}

export function isTunableKey(key: string): key is TunableKey {
  return Object.prototype.hasOwnProperty.call(TUNABLES, key);
}

/** Parses one textual value (as written in mini_ftpd.conf or --set) for `key`; returns the value or an error text. */
export function parseTunableValue(key: TunableKey, raw: string): { value: boolean | number | string } | { error: string } {
  const spec: TunableSpec<unknown> = TUNABLES[key];
  const text = raw.trim();
  switch (spec.type) {
    case 'bool': {
      const lower = text.toLowerCase();
      if (['yes', 'true', '1', 'on'].includes(lower)) return { value: true };
      if (['no', 'false', '0', 'off'].includes(lower)) return { value: false };
      return { error: `${key} expects YES or NO, got "${text}"` };
    }
    case 'uint':
    case 'port':
    case 'octal': {
      const octalValue = spec.type === 'octal';
      const pattern = octalValue ? /^0?[0-7]{1,4}$/ : /^\d+$/;
      if (!pattern.test(text)) return { error: `${key} expects ${octalValue ? 'an octal mode such as 077' : 'a whole number'}, got "${text}"` };
      const value = parseInt(text, octalValue ? 8 : 10);
      if (value < (spec.min ?? 0) || value > (spec.max ?? Infinity)) {
        const show = (n: number | undefined) => (octalValue ? '0' + (n ?? 0).toString(8) : String(n));
        return { error: `${key} must be between ${show(spec.min)} and ${show(spec.max)}, got ${text}` };
      }
      return { value };
    }
    case 'string': {
      const problem = (spec as TunableSpec<string>).check?.(text);
      return problem ? { error: `${key}: ${problem}` } : { value: text };
    }
  }
}

/** Formats a value the way mini_ftpd.conf writes it (YES/NO, octal modes with a leading 0). */
export function formatTunableValue(key: TunableKey, value: unknown): string {
  const spec: TunableSpec<unknown> = TUNABLES[key];
  if (spec.type === 'bool') return value ? 'YES' : 'NO';
  if (spec.type === 'octal') return '0' + (value as number).toString(8).padStart(2, '0');
  return String(value);
}
