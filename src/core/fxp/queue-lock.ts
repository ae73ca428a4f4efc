import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

/** A lock older than this is taken as left behind by a dead process (proper-lockfile refreshes live ones at half of it). */
const STALE_MS = 10_000;
/** Longest wait for another process's cycle (a save of 10 000 jobs takes well under a second). */
const WAIT_MS = 15_000;

/**
 * Runs `task` while holding the queue file's lock (`<file>.lock`, a directory: mkdir is atomic on
 * every file system, NFS included). Processes sharing the file serialize their read-merge-write
 * cycles through it; waiting is bounded, then the caller's save fails and is retried later.
 */
export async function withFileLock<T>(file: string, task: () => Promise<T>, log?: (line: string) => void): Promise<T> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const release = await acquire(file, log);
  try {
    return await task();
  } finally {
    await release().catch((err: Error) => log?.(`releasing the queue file lock: ${err.message}`));
  }
}

/** Waits only while another process holds the lock; any other error (ENOSPC, EROFS, EACCES) fails at once. */
async function acquire(file: string, log?: (line: string) => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 5; ; delay = Math.min(250, delay * 1.5)) {
    try {
      return await lockfile.lock(file, {
        // The queue file may not exist yet; resolving symlinks would require it.
        realpath: false,
        stale: STALE_MS,
        // The default throws from a timer (an uncaught exception); the merge under the lock stays safe, so only say so.
        onCompromised: (err) => log?.(`queue file lock compromised: ${err.message}`),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    }
  }
}
