import * as path from 'node:path';

/**
 * Ferry's own URI scheme: `ferry://<site-id>/<absolute remote path>`. A dedicated scheme cannot
 * clash with other extensions that register `ftp`/`ftps` (only one provider may own a scheme),
 * and the authority names a saved site instead of user@host:port, so the URI carries no
 * credentials and every connection setting (TLS, data mode, encoding) comes from one place.
 */
export const SCHEME = 'ferry';

/** The parts of a URI this module reads (a vscode.Uri has them). */
export interface UriParts {
  scheme: string;
  authority: string;
  path: string;
}

/** A place on a saved site. `path` is absolute and normalised ("/", "/www/index.html"). */
export interface RemoteLocation {
  siteId: string;
  path: string;
}

/** Absolute, normalised POSIX path: "a//b/../c/" → "/a/c". */
export function normalizeRemotePath(p: string): string {
  const normal = path.posix.normalize(`/${p}`);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : '/';
}

/** A remote path given relative to the login directory (or absolute) as an absolute one. */
export function resolveRemotePath(home: string, p: string | undefined): string {
  return normalizeRemotePath(p && p.startsWith('/') ? p : path.posix.join(home || '/', p ?? ''));
}

/** The remote location a `ferry:` URI names; throws for other schemes or without a site. */
export function locationOf(uri: UriParts): RemoteLocation {
  if (uri.scheme !== SCHEME) throw new Error(`not a ${SCHEME}: URI: ${uri.scheme}:`);
  if (!uri.authority) throw new Error(`${SCHEME}: URI without a site`);
  return { siteId: uri.authority.toLowerCase(), path: normalizeRemotePath(uri.path) };
}

/** The URI parts (for vscode.Uri.from) of a remote location. */
export function uriPartsOf(location: RemoteLocation): UriParts {
  return { scheme: SCHEME, authority: location.siteId, path: normalizeRemotePath(location.path) };
}

/** The parent directory of an absolute path ("/" for top-level entries and for "/"). */
export function parentPath(p: string): string {
  return path.posix.dirname(normalizeRemotePath(p));
}

/** The last segment ("" for "/"). */
export function baseName(p: string): string {
  return path.posix.basename(normalizeRemotePath(p));
}

/** `dir` + `name`, normalised. */
export function joinPath(dir: string, name: string): string {
  return normalizeRemotePath(path.posix.join(dir, name));
}

/** True when `p` is `ancestor` or below it. */
export function isSameOrInside(p: string, ancestor: string): boolean {
  const a = normalizeRemotePath(ancestor);
  const n = normalizeRemotePath(p);
  return n === a || a === '/' || n.startsWith(`${a}/`);
}
