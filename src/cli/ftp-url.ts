import { NameCodec, SiteSettings, TlsMode } from '../core/client';
import { UsageError } from './args';

/** A parsed `ftp://user:pass@host:port/path` URL: connection settings plus the remote path. */
export interface FtpTarget {
  site: SiteSettings;
  /** Remote path: relative to the login directory, or absolute when the URL path starts with %2F (RFC 1738, as curl and lftp read it). */
  path: string;
  /** The URL's path ended with "/" (a directory was meant). */
  directory: boolean;
}

const SCHEMES: Record<string, TlsMode> = { 'ftp:': 'none', 'ftpes:': 'explicit', 'ftps:': 'implicit' };

/**
 * Percent-decodes a URL path. `%XX` bytes that are not UTF-8 (a GBK name written the way curl
 * takes it, `%D6%D0%CE%C4`) become the codec's escape characters, which are sent as those bytes.
 */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    const bytes = Buffer.from(text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    return new NameCodec('utf8').decode(bytes);
  }
}

/**
 * Parses an FTP URL. `ftps://` is implicit TLS (port 990) as in curl; `ftpes://` explicit TLS.
 * The password comes from the URL or from FERRY_PASSWORD, never from a file.
 */
export function parseFtpUrl(text: string, env: NodeJS.ProcessEnv = process.env): FtpTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a URL: ${text} (expected ftp://user@host[:port]/path)`);
  }
  const tls = SCHEMES[url.protocol];
  if (tls === undefined) throw new UsageError(`unsupported scheme ${url.protocol} (use ftp://, ftpes:// or ftps://)`);
  if (!url.hostname) throw new UsageError(`no host in ${text}`);
  const rawPath = url.pathname;
  const absolute = /^\/%2f/i.test(rawPath);
  const decoded = decodePath(absolute ? rawPath.slice(4) : rawPath.slice(1));
  return {
    site: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : undefined,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : env.FERRY_PASSWORD,
      tls,
    },
    path: (absolute ? '/' : '') + decoded.replace(/\/$/, ''),
    directory: rawPath.endsWith('/'),
  };
}
