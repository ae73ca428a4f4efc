import * as path from 'node:path';
import type { FtpClient } from '../client';
import { excludeTest } from '../exclude';
import type { NewJob } from './queue';

export interface FolderOptions {
  signal?: AbortSignal;
  /** Files found so far, after each directory listed (a large tree takes a while). */
  onFound?: (files: number) => void;
  /** Gitignore-style patterns, relative to the source folder, of entries not queued (core/exclude.ts). */
  exclude?: readonly string[];
}

/** Creates a directory whose parent exists; one that is already there (a repeated drop) is fine. */
async function ensureDirectory(target: FtpClient, dir: string): Promise<void> {
  try {
    await target.mkdir(dir);
  } catch (err) {
    if ((await target.stat(dir).catch(() => undefined))?.type !== 'directory') throw err;
  }
}

/**
 * Walks the source folder (parents before children), creates its directories on the target, and
 * returns one job per file with the folder's options. Stops with the signal's reason when it fires.
 */
export async function collectFolder(source: FtpClient, target: FtpClient, spec: NewJob, options: FolderOptions = {}): Promise<NewJob[]> {
  const root = spec.source.path;
  const targetOf = (p: string) => path.posix.join(spec.target.path, path.posix.relative(root, p));
  const dirs: string[] = [];
  const files: NewJob[] = [];
  const pending = [root];
  const exclude = excludeTest(options.exclude);
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const dir = pending.shift()!;
    for (const entry of await source.list(dir, options.signal)) {
      if (exclude?.(path.posix.relative(root, entry.path), entry.type === 'directory')) continue;
      if (entry.type === 'directory') {
        pending.push(entry.path);
        dirs.push(targetOf(entry.path));
      } else if (entry.type === 'file') {
        files.push({ ...spec, source: { ...spec.source, path: entry.path }, target: { ...spec.target, path: targetOf(entry.path) } });
      }
    }
    options.onFound?.(files.length);
  }
  await target.mkdir(spec.target.path, { parents: true });
  for (const dir of dirs) {
    options.signal?.throwIfAborted();
    await ensureDirectory(target, dir);
  }
  return files;
}
