import { FTPError } from 'basic-ftp';
import * as path from 'node:path';
import type { ExcludeTest } from '../exclude';
import type { FtpConnection } from './connection';
import { listDirectory, statPath } from './listing';
import { RemoteEntry } from './remote-entry';

/** Creates a directory and, with `parents`, every missing ancestor (mkdir -p). */
export async function makeDirectory(conn: FtpConnection, dir: string, parents: boolean): Promise<void> {
  if (!parents) {
    await conn.client.send(`MKD ${dir}`);
    return;
  }
  const absolute = dir.startsWith('/');
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = (absolute ? '/' : '') + parts.slice(0, i).join('/');
    try {
      await conn.client.send(`MKD ${prefix}`);
    } catch (err) {
      // 550 usually means "exists"; make sure it is a directory before going on.
      if (!(err instanceof FTPError)) throw err;
      const entry = await statPath(conn, prefix);
      if (entry?.type !== 'directory' && entry?.type !== 'symlink') throw err;
    }
  }
}

/**
 * Every entry below `dir`, parents before children (for copying) — bounded by what the server lists.
 * Entries `exclude` matches (by their path relative to `dir`) are left out, excluded folders unlisted.
 */
export async function walkRemote(conn: FtpConnection, dir: string, exclude?: ExcludeTest): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.shift()!;
    for (const entry of await listDirectory(conn, current)) {
      if (exclude?.(path.posix.relative(dir, entry.path), entry.type === 'directory')) continue;
      out.push(entry);
      if (entry.type === 'directory') pending.push(entry.path);
    }
  }
  return out;
}

/** Deletes a file, or with `recursive` a directory and everything in it (children first). */
export async function removePath(conn: FtpConnection, target: string, recursive: boolean): Promise<void> {
  const entry = await statPath(conn, target);
  if (entry?.type !== 'directory') {
    await conn.client.send(`DELE ${target}`);
    return;
  }
  if (recursive) {
    const all = await walkRemote(conn, target);
    for (const child of all.reverse()) {
      await conn.client.send(`${child.type === 'directory' ? 'RMD' : 'DELE'} ${child.path}`);
    }
  }
  await conn.client.send(`RMD ${target}`);
}

/** Runs `worker` over `items` with at most `limit` in flight; the first failure stops new starts and is thrown. */
export async function forEachLimited<T>(items: T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await worker(item);
      } catch (err) {
        failure ??= err;
      }
    }
  });
  await Promise.all(lanes);
  if (failure !== undefined) throw failure;
}

/** Maps a remote path below `remoteRoot` to the same relative path below `localRoot`. */
export function localPathFor(remoteRoot: string, remotePath: string, localRoot: string): string {
  const relative = path.posix.relative(remoteRoot || '.', remotePath);
  return path.join(localRoot, ...relative.split('/'));
}
