import * as fsSync from 'node:fs';
import { promises as fsp, Stats } from 'node:fs';
import * as path from 'node:path';
import { decodeName, encodeName } from './name-bytes';
import type { HeldPath, RootedFs } from './rooted-fs';

export interface DirectoryEntry {
  name: string;
  stats: Stats;
}

const STAT_BATCH = 256;
/** Entries stat'ed on the event loop before it yields to other sessions. */
const SYNC_BATCH = 64;
/**
 * Slower than this per entry, the metadata is not in memory (a cold disk, a network file
 * system): the rest of the directory is stat'ed in the thread pool, never on the event loop.
 */
const CACHED_STAT_MS = 0.2;

function lstatNow(full: string | Buffer): Stats | undefined {
  try {
    return fsSync.lstatSync(full);
  } catch {
    return undefined;
  }
}

/** The fs name of entry `name` (whose bytes on disk are `bytes`) in the directory named `dir`. */
function childPath(dir: string | Buffer, name: string, bytes: Buffer): string | Buffer {
  // A name decoded from valid UTF-8 encodes back to as many bytes; an escaped byte would take three.
  if (typeof dir === 'string' && Buffer.byteLength(name) === bytes.length) return `${dir}/${name}`;
  return Buffer.concat([typeof dir === 'string' ? encodeName(dir) : dir, Buffer.of(0x2f), bytes]);
}

/**
 * An entry as listings show it: a symlink as its target when that stays inside the root, else
 * nothing. Only a symlink needs more file system calls (and a promise).
 */
function entry(fs: RootedFs, name: string, full: string | Buffer, st: Stats | undefined): DirectoryEntry | undefined | Promise<DirectoryEntry | undefined> {
  return st?.isSymbolicLink() ? followLink(fs, name, full) : st && { name, stats: st };
}

async function followLink(fs: RootedFs, name: string, full: string | Buffer): Promise<DirectoryEntry | undefined> {
  const followed = await fs.statFollowing(full);
  return followed && { name, stats: followed };
}

/**
 * Reads a directory in name order and hands each entry (with its stats) to `visit` at once, so
 * a listing keeps only its formatted text, not 10 000 Stats objects with their dates, which the
 * young generation would copy around at every scavenge. Symlinks are shown as what they point
 * to when that stays inside the root; links leading outside or nowhere are left out, so a
 * listing never reveals (or invites a client to follow) a path the user may not reach.
 *
 * Stats come from the event loop in small batches while they are answered from memory (an
 * lstat of a cached inode takes about a microsecond, a thread-pool trip ten or more: 10 000
 * entries took 250 ms through the pool); as soon as a batch is slow, the rest goes through
 * the thread pool, so a cold or remote disk never blocks the other sessions for long.
 */
export async function visitDirectory(fs: RootedFs, dir: HeldPath, visit: (entry: DirectoryEntry) => void, cachedStatMs = CACHED_STAT_MS): Promise<void> {
  // As bytes: a name that is not valid UTF-8 keeps its bytes (name-bytes.ts), so two such names stay two.
  const raw = await fsp.readdir(dir.at, { encoding: 'buffer' });
  // sort() compares UTF-16 code units, the order listings have always had.
  const names = raw.map((bytes) => ({ name: decodeName(bytes), bytes })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let i = 0;
  while (i < names.length) {
    const started = performance.now();
    const batch = names.slice(i, i + SYNC_BATCH);
    i += batch.length;
    for (const { name, bytes } of batch) {
      const full = childPath(dir.at, name, bytes);
      let found = entry(fs, name, full, lstatNow(full));
      if (found instanceof Promise) found = await found;
      if (found) visit(found);
    }
    if (performance.now() - started > cachedStatMs * batch.length) break;
    if (i < names.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (; i < names.length; i += STAT_BATCH) {
    const batch = await Promise.all(
      names.slice(i, i + STAT_BATCH).map(async ({ name, bytes }) => {
        const full = childPath(dir.at, name, bytes);
        return entry(fs, name, full, await fsp.lstat(full).catch(() => undefined));
      }),
    );
    for (const found of batch) if (found) visit(found);
  }
}

/** LIST and STAT accept ls-style options ("-a", "-la") before the path; they are ignored (dot-files are always listed). */
export function stripListOptions(arg: string): string {
  let rest = arg.trimStart();
  while (/^-[A-Za-z]+(\s|$)/.test(rest)) rest = rest.replace(/^-[A-Za-z]+\s*/, '');
  return rest;
}

/** Visits the entries of a directory (see visitDirectory), or the single entry when the path is a file; true for a directory. */
export async function visitPath(fs: RootedFs, target: HeldPath, visit: (entry: DirectoryEntry) => void): Promise<boolean> {
  const st = await fsp.stat(target.at);
  if (!st.isDirectory()) {
    visit({ name: path.posix.basename(target.virtual), stats: st });
    return false;
  }
  await visitDirectory(fs, target, visit);
  return true;
}
