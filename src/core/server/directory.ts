import { promises as fsp, Stats } from 'node:fs';
import * as path from 'node:path';
import { ResolvedPath, resolveReal, RootedFs } from './rooted-fs';

export interface DirectoryEntry {
  name: string;
  stats: Stats;
}

const STAT_BATCH = 256;

/**
 * Reads a directory with each entry's stats. Symlinks are shown as what they point to
 * when that stays inside the root; links leading outside or nowhere are left out, so a
 * listing never reveals (or invites a client to follow) a path the user may not reach.
 */
export async function readDirectoryEntries(fs: RootedFs, dir: ResolvedPath): Promise<DirectoryEntry[]> {
  const names = await fsp.readdir(dir.real);
  const out: DirectoryEntry[] = [];
  for (let i = 0; i < names.length; i += STAT_BATCH) {
    const batch = await Promise.all(
      names.slice(i, i + STAT_BATCH).map(async (name) => {
        const full = path.join(dir.real, name);
        const st = await fsp.lstat(full).catch(() => undefined);
        if (!st?.isSymbolicLink()) return st && { name, stats: st };
        const target = await resolveReal(full).catch(() => undefined);
        if (!target || !fs.contains(target)) return undefined;
        const followed = await fsp.stat(full).catch(() => undefined);
        return followed && { name, stats: followed };
      }),
    );
    for (const entry of batch) if (entry) out.push(entry);
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** LIST and STAT accept ls-style options ("-a", "-la") before the path; they are ignored (dot-files are always listed). */
export function stripListOptions(arg: string): string {
  let rest = arg.trimStart();
  while (/^-[A-Za-z]+(\s|$)/.test(rest)) rest = rest.replace(/^-[A-Za-z]+\s*/, '');
  return rest;
}

/** Entries of a directory, or the single entry when the path is a file. */
export async function entriesForPath(fs: RootedFs, target: ResolvedPath): Promise<{ isDirectory: boolean; entries: DirectoryEntry[] }> {
  const st = await fsp.stat(target.real);
  if (st.isDirectory()) return { isDirectory: true, entries: await readDirectoryEntries(fs, target) };
  return { isDirectory: false, entries: [{ name: path.posix.basename(target.virtual), stats: st }] };
}
