import type { TlsMode } from '../../../core/client';

/** What an FTP URL typed as a site's host says about the site. */
export interface SiteUrl {
  host: string;
  port?: number;
  user?: string;
  password?: string;
  tls: TlsMode;
  /** The URL's folder: relative to the login folder, or absolute when written with %2F (RFC 1738), as remoteUrl writes it. */
  remotePath?: string;
}

/** The schemes remoteUrl writes, read back the same way (ftps:// is implicit TLS, as in curl). */
const SCHEMES: Record<string, TlsMode> = { 'ftp:': 'none', 'ftpes:': 'explicit', 'ftps:': 'implicit' };

/** True when `text` starts like a URL with a scheme ("ftp://", "sftp://", …) rather than a bare host name. */
export function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Reads `ftp://user[:password]@host[:port]/path` (also ftpes:// and ftps://) into a site's fields;
 * a string says what is wrong with it.
 */
export function parseSiteUrl(text: string): SiteUrl | string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'not a valid URL';
  }
  const tls = SCHEMES[url.protocol.toLowerCase()];
  if (tls === undefined) return `${url.protocol}// is not FTP: use ftp://, ftpes:// or ftps://`;
  if (!url.hostname) return 'the URL has no host';
  const raw = url.pathname;
  const absolute = /^\/%2f/i.test(raw);
  const folder = decode(absolute ? raw.slice(4) : raw.slice(1)).replace(/\/+$/, '');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : undefined,
    user: url.username ? decode(url.username) : undefined,
    password: url.password ? decode(url.password) : undefined,
    tls,
    remotePath: absolute ? `/${folder}` : folder || undefined,
  };
}
