import type { TlsMode } from '../../../core/client';
import { parseJsonc } from './jsonc';
import type { CertificatePolicy, ImportResult } from './site-config';

type Json = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The SFTP extension's `secure`: true = control and data, "control" = control only, "implicit" = implicit TLS. */
function tlsOf(secure: unknown): TlsMode {
  if (secure === 'implicit') return 'implicit';
  return secure === true || secure === 'control' ? 'explicit' : 'none';
}

function certificateOf(config: Json): CertificatePolicy | undefined {
  const options = config.secureOptions as Json | undefined;
  return options?.rejectUnauthorized === false ? 'insecure' : undefined;
}

/**
 * The SFTP extension's `ignore` (gitignore-style patterns, relative to the local folder), kept for
 * the site's folder transfers. A leading "/" anchors a pattern to the folder, as in .gitignore; a
 * leading "./" (which the `ignore` package never matches) is cut, since users write it meaning the same.
 */
function ignoreList(value: unknown): string[] | undefined {
  const patterns = (Array.isArray(value) ? value : []).filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim().replace(/^\.\//, ''));
  return patterns.length > 0 ? patterns : undefined;
}

function readConfig(config: Json, label: string, out: ImportResult): void {
  const protocol = str(config.protocol) ?? 'sftp';
  if (protocol !== 'ftp') return void out.skipped.push({ name: label, reason: `protocol ${protocol} is not FTP` });
  const host = str(config.host);
  if (!host) return void out.skipped.push({ name: label, reason: 'no host' });
  const port = typeof config.port === 'number' && config.port > 0 && config.port <= 65535 ? config.port : undefined;
  const concurrency = typeof config.concurrency === 'number' && config.concurrency >= 1 ? Math.floor(config.concurrency) : undefined;
  out.sites.push({
    site: {
      name: label,
      host,
      port,
      user: str(config.username),
      tls: tlsOf(config.secure),
      certificate: certificateOf(config),
      dataMode: 'auto',
      remotePath: str(config.remotePath),
      maxConnections: concurrency,
      exclude: ignoreList(config.ignore),
    },
    password: typeof config.password === 'string' && config.password !== '' ? config.password : undefined,
  });
}

/**
 * Reads the SFTP extension's `.vscode/sftp.json` (liximomo/Natizyskunk): one config or an array,
 * JSON with comments. Entries with `protocol: "ftp"` become sites; each of an entry's `profiles`
 * becomes a site of its own ("name (profile)"), its settings laid over the entry's.
 */
export function parseSftpJson(text: string, fallbackName: string): ImportResult {
  const parsed = parseJsonc(text);
  const configs = (Array.isArray(parsed) ? parsed : [parsed]).filter((c): c is Json => typeof c === 'object' && c !== null);
  const out: ImportResult = { sites: [], skipped: [] };
  for (const config of configs) {
    const name = str(config.name) ?? str(config.host) ?? fallbackName;
    const profiles = typeof config.profiles === 'object' && config.profiles !== null ? Object.entries(config.profiles as Record<string, Json>) : [];
    if (profiles.length === 0) readConfig(config, name, out);
    for (const [profile, overrides] of profiles) readConfig({ ...config, ...overrides }, `${name} (${profile})`, out);
  }
  return out;
}
