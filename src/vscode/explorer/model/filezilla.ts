import type { DataMode, TlsMode } from '../../../core/client';
import { NameEncoding, parseNameEncoding } from '../../../core/client/name-encodings';
import type { ImportedSite, ImportResult } from './site-config';
import { childElements, childText, ownText, parseXml, XmlElement } from './xml';

/**
 * FileZilla's protocol numbers that are FTP. 0 is "FTP, explicit TLS if available": Ferry does
 * not fall back to plain text silently, so it becomes explicit TLS (a server without TLS then
 * says so in Test connection, and the site's TLS mode can be changed).
 */
const PROTOCOLS: Record<string, TlsMode> = { '0': 'explicit', '3': 'implicit', '4': 'explicit', '6': 'none' };
const PASV_MODES: Record<string, DataMode> = { MODE_ACTIVE: 'active', MODE_PASSIVE: 'passive' };
const LATIN1 = /^(iso-?8859-?1|latin-?1|windows-?1252|cp-?1252)$/i;

/**
 * Decodes FileZilla's RemoteDir: "<server type> <prefix length> [prefix] (<length> <segment>)*",
 * e.g. "1 0 4 home 5 alice" → "/home/alice". Undefined when it cannot be read.
 */
export function parseRemoteDir(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let pos = 0;
  const readNumber = (): number | undefined => {
    const m = /^\s*(\d+) ?/.exec(text.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    return Number(m[1]);
  };
  const readChars = (n: number): string => {
    const s = text.slice(pos, pos + n);
    pos += n + 1;
    return s;
  };
  if (readNumber() === undefined) return undefined;
  const prefixLength = readNumber();
  if (prefixLength === undefined) return undefined;
  if (prefixLength > 0) readChars(prefixLength);
  const segments: string[] = [];
  while (pos < text.length) {
    const length = readNumber();
    if (length === undefined) return undefined;
    segments.push(readChars(length));
  }
  return `/${segments.join('/')}`;
}

function decodePassword(element: XmlElement | undefined): string | undefined {
  if (!element) return undefined;
  const encoding = element.attributes.encoding;
  const text = ownText(element);
  if (encoding === 'base64') return Buffer.from(text, 'base64').toString('utf8');
  return encoding === undefined || encoding === 'plain' ? text : undefined;
}

function readServer(server: XmlElement, folder: string): ImportedSite | { name: string; reason: string } {
  const host = childText(server, 'Host') ?? '';
  const name = folder + (childText(server, 'Name') || host);
  const tls = PROTOCOLS[childText(server, 'Protocol') ?? '0'];
  if (tls === undefined) return { name, reason: 'not an FTP site (SFTP or another protocol)' };
  if (!host) return { name, reason: 'no host' };
  const port = Number(childText(server, 'Port'));
  const anonymous = childText(server, 'Logontype') === '0';
  const custom = childText(server, 'EncodingType') === 'Custom' ? childText(server, 'CustomEncoding') : undefined;
  const max = Number(childText(server, 'MaximumMultipleConnections'));
  return {
    site: {
      name,
      host,
      port: port > 0 && port <= 65535 ? port : undefined,
      user: anonymous ? undefined : childText(server, 'User') || undefined,
      tls,
      dataMode: PASV_MODES[childText(server, 'PasvMode') ?? ''] ?? 'auto',
      remotePath: parseRemoteDir(childText(server, 'RemoteDir')),
      encoding: custom ? customEncoding(custom) : undefined,
      maxConnections: max > 0 ? max : undefined,
    },
    password: anonymous ? undefined : decodePassword(childElements(server, 'Pass')[0]),
  };
}

/** FileZilla's custom charset ("GBK", "Shift_JIS", "ISO-8859-1", "latin-1"…) as a site encoding. */
function customEncoding(name: string): NameEncoding | undefined {
  const encoding = parseNameEncoding(name) ?? (LATIN1.test(name) ? 'latin1' : undefined);
  return encoding === 'auto' ? undefined : encoding;
}

function walk(container: XmlElement, folder: string, out: ImportResult): void {
  for (const child of childElements(container)) {
    if (child.name === 'Folder') walk(child, `${folder}${ownText(child)}/`, out);
    else if (child.name === 'Server') {
      const read = readServer(child, folder);
      if ('site' in read) out.sites.push(read);
      else out.skipped.push(read);
    }
  }
}

/**
 * Reads FileZilla's sitemanager.xml: FTP, FTPS and FTPES sites with folders as name prefixes
 * ("Work/Shop"), passwords decoded when stored in plain base64 (not when protected by a master
 * password), active/passive mode, remote folder, custom name encodings (GBK, Big5, Shift_JIS, Latin-1…).
 */
export function parseFileZillaSites(xml: string): ImportResult {
  const doc = parseXml(xml);
  const root = childElements(doc, 'FileZilla3')[0];
  if (!root) throw new Error('not a FileZilla site manager file (no <FileZilla3> element)');
  const out: ImportResult = { sites: [], skipped: [] };
  for (const servers of childElements(root, 'Servers')) walk(servers, '', out);
  return out;
}
