import type { Stats } from 'node:fs';

/**
 * One writer per file at a time. Two STORs of one file used to interleave their blocks (each
 * wrote at its own offsets), and two APPEs both measured the same end and wrote over each
 * other: acknowledged data was lost. The second writer now gets 450 (busy) at once instead of
 * waiting behind the first; clients retry a 450 (RFC 959 §4.2: transient), and resuming an
 * upload (REST + STOR) works as soon as the broken transfer has ended.
 *
 * Keyed by device and inode, so every name of a file (hard links, a path through a symlink)
 * is one lock, and module-wide, so servers in one process share it.
 */
const writing = new Set<string>();

/** Takes the file's write lock: a release function, or undefined when another upload holds it. */
export function lockForWriting(st: Stats): (() => void) | undefined {
  const key = `${st.dev}:${st.ino}`;
  if (writing.has(key)) return undefined;
  writing.add(key);
  let held = true;
  return () => {
    if (held) writing.delete(key);
    held = false;
  };
}
