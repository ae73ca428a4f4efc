import * as fs from 'node:fs';
import { nativeIo } from '../native/native-io';

/**
 * The few file-system calls every download makes (SIZE's and RETR's open, a small file's one
 * read) run on the event loop when the kernel promises to answer them from memory, and in the
 * thread pool otherwise.
 *
 * Why: a thread-pool trip wakes a pool thread and then the event loop again, which for many
 * small downloads is a visible share of the server's CPU (bench/README.md, small files), while
 * an open of a cached path or a read from the page cache takes microseconds. A cold disk or a network file system can take milliseconds per call, which on
 * the event loop would stall every session, and timing the calls cannot tell a disk wait from
 * the thread simply being preempted. So the native addon asks the kernel instead:
 * openat2(RESOLVE_CACHED) and preadv2(RWF_NOWAIT) fail rather than wait for I/O, and then the
 * same call goes to the thread pool (which also reports any real error). Without the addon
 * every call goes to the pool.
 */

/** open(2), as fs.open; a Buffer is a name that is not valid UTF-8 (the addon takes only text: the pool opens it). */
export function openFile(file: string | Buffer, flags: number): Promise<number> {
  const fd = typeof file === 'string' ? (nativeIo?.openCached(file, flags) ?? -1) : -1;
  if (fd >= 0) return Promise.resolve(fd);
  return new Promise((resolve, reject) => fs.open(file, flags, (err, opened) => (err ? reject(err) : resolve(opened))));
}

/**
 * open(2) on the event loop of a path that has no symlink in any component, when the kernel
 * can answer from memory: the descriptor, or -1 (a symlink on the way, not cached, any error,
 * no addon) for the caller to take the general way.
 */
export function openWithoutSymlinks(file: string | Buffer, flags: number): number {
  return typeof file === 'string' ? (nativeIo?.openCached(file, flags, true) ?? -1) : -1;
}

/** pread(2) into `buffer`, as fs.read. */
export function readAt(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  const n = nativeIo?.readCached(fd, buffer, length, position) ?? -1;
  return n >= 0 ? Promise.resolve(n) : readInPool(fd, buffer, length, position);
}

/** pread(2) into `buffer` in the thread pool, always: for reads that should overlap with other work. */
export function readInPool(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buffer, 0, length, position, (err, read) => (err ? reject(err) : resolve(read))));
}
