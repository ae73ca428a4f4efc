import * as fs from 'node:fs';
import { readAt, readInPool } from './fast-fs';
import { nativeIo } from '../native/native-io';
import { describeErrno, nativeDescriptor, runNative } from './native-transfer';
import { takeFromAll, throttledChunkSize } from './throttle';
import { BufferPool } from './buffer-pool';
import { endSocket, SocketWatch } from './socket-watch';
import { DataConnectionError, DataSocket, SentNow, TransferControl, writeFailure } from './transfer-control';

/**
 * Moving bytes between a file and a data socket: constant memory for any file size, rate
 * limits, an idle watchdog and cancellation. Both directions resolve to the byte count.
 *
 * Plain, unthrottled transfers go to the native data path when it is built (native/ferry_io.c,
 * Linux): a thread of its own per transfer that sends with sendfile(2) and receives with large
 * read/pwrite calls, as vsftpd does in a process per session. Node has no sendfile, and in
 * JavaScript a download costs two copies per byte plus a callback per chunk: about twice the
 * CPU per GiB and half of vsftpd's throughput on loopback (see bench/).
 *
 * The JavaScript path below carries TLS, rate-limited transfers and systems without the addon.
 * Where its time goes (loopback, tmpfs): almost all of it is the kernel copying bytes,
 * file -> buffer -> socket for a download and socket -> buffer -> file for an upload.
 * What the code can still influence is everything around those copies:
 *  - downloads read into reusable buffers from a small process-wide pool: a fresh multi-MiB
 *    buffer per read costs page faults, page zeroing and GC work for every chunk (that was
 *    close to half of the server's CPU time). A buffer goes back to the pool only from its
 *    write callback, i.e. once the socket is done with it, so reuse can never overwrite bytes
 *    still queued; idle pools are dropped after 15 s;
 *  - reads start at 256 KiB and grow to 4 MiB: a small file costs one read (a short read that
 *    reaches the size known at open is the end, no extra read to see end-of-file), a large
 *    one a few hundred reads and writes per GiB. Many concurrent downloads share a budget of
 *    about 64 MiB of buffers and read in smaller chunks;
 *  - the next read runs in the thread pool while earlier chunks are still being written, so
 *    the socket never waits for the disk;
 *  - uploads gather the socket's 64 KiB chunks into positional writev calls of 256 KiB or
 *    more while the socket keeps receiving, and pause it above 8 MiB held;
 *  - waiting on "the transfer failed" uses a single slot instead of Promise.race, which would
 *    leave one reaction per chunk on a promise that never settles (memory growing with the
 *    length of a throttled transfer).
 */

/** First read of a download (a file smaller than this needs just one read); later reads grow by 4x. */
const FIRST_READ = 256 * 1024;
/** Largest read of a download: a few hundred reads and writes per GiB. */
const MAX_READ = 4 << 20;
/** Buffers one download may hold: one being filled by the disk, the others queued on the socket. */
const READ_DEPTH = 3;
/**
 * Download buffers of all transfers together stay near this: with many concurrent downloads
 * each reads in smaller chunks (never below FIRST_READ) instead of holding 3 x 4 MiB.
 */
const DOWNLOAD_BUDGET = 64 << 20;
/** Upload bytes gathered before a writev (smaller batches still hot in the CPU cache did best). */
const WRITE_BATCH = 256 * 1024;
/** Bytes received never wait longer than this for their disk write. */
const FLUSH_AFTER_MS = 250;
/** Upload bytes held in memory at most (the socket pauses above this). */
const MAX_BUFFERED_UPLOAD = 8 << 20;

const downloadBuffers = new BufferPool(4 * MAX_READ, 15_000);
let activeDownloads = 0;

/** The largest read a download may use now: MAX_READ, less when many downloads share the budget. */
function readCeiling(): number {
  let size = MAX_READ;
  while (size > FIRST_READ && size * READ_DEPTH * activeDownloads > DOWNLOAD_BUDGET) size /= 2;
  return size;
}

function writevAt(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends `fd` from `start` to the end of file over `socket`, then half-closes it. The next
 * chunk is read while earlier ones are being written, so disk and network overlap. Resolves
 * with the bytes sent; never leaves a read running on `fd` when it settles.
 *
 * `regularFileSize`, the size of a regular file when it was opened, lets a short read that
 * reaches it end the transfer without one more read just to see end-of-file (a thread-pool
 * round trip: a third of the work for a small file). Without it (pipes, devices) only a
 * zero-byte read ends the file.
 */
export async function sendFile(fd: number, start: number, socket: DataSocket, ctl: TransferControl, regularFileSize?: number): Promise<number> {
  const socketFd = nativeDescriptor(socket, ctl, false, regularFileSize === undefined ? undefined : regularFileSize - start);
  if (socketFd !== undefined) {
    const sent = await runNative('send', socketFd, fd, start, socket, ctl);
    const watch = new SocketWatch(socket, ctl);
    try {
      await endSocket(socket, watch);
    } finally {
      watch.close();
    }
    return sent;
  }
  const watch = new SocketWatch(socket, ctl);
  const rateLimit = throttledChunkSize(
    ctl.buckets.map((b) => b?.rate ?? 0),
    MAX_READ,
  );
  let readSize = Math.min(FIRST_READ, rateLimit);
  activeDownloads++;
  let position = start;
  let queued = 0;
  let written = 0;
  let inFlight = 0;
  let writeDone: (() => void) | undefined;
  let reading: { buffer: Buffer; done: Promise<unknown> } | undefined;

  const afterWrite = (buffer: Buffer, bytes: number) => (err?: Error | null) => {
    inFlight--;
    // The socket is finished with the bytes (sent, or dropped with the connection): reusable.
    downloadBuffers.give(buffer);
    if (!err) {
      written += bytes;
      ctl.onProgress(written);
    }
    const wake = writeDone;
    writeDone = undefined;
    wake?.();
  };

  try {
    for (;;) {
      while (inFlight >= READ_DEPTH - 1) await watch.guard(new Promise<void>((resolve) => (writeDone = resolve)));
      const buffer = downloadBuffers.take(readSize);
      // The first read (all of a small file) on the event loop when the page cache has it (see
      // fast-fs.ts); later, larger ones in the pool, overlapping with the socket's writes.
      const read = readSize <= FIRST_READ ? readAt(fd, buffer, readSize, position) : readInPool(fd, buffer, readSize, position);
      reading = { buffer, done: read.catch(() => undefined) };
      const n = await watch.guard(read);
      reading = undefined;
      if (n === 0) {
        downloadBuffers.give(buffer);
        break;
      }
      position += n;
      const last = regularFileSize !== undefined && n < readSize && position >= regularFileSize;
      queued += n;
      const wait = takeFromAll(ctl.buckets, n);
      inFlight++;
      socket.write(n === buffer.length ? buffer : buffer.subarray(0, n), afterWrite(buffer, n));
      if (wait > 0) {
        watch.holdIdle();
        await watch.guard(sleep(wait));
        watch.resumeIdle();
      }
      if (last) break;
      readSize = Math.min(rateLimit, readCeiling(), readSize * 4);
    }
    await endSocket(socket, watch);
    return queued;
  } finally {
    activeDownloads--;
    watch.close();
    if (reading) {
      // Stopped while the disk was filling a buffer: let that read finish before the caller
      // closes the file, and only then recycle the buffer.
      const { buffer, done } = reading;
      await done;
      downloadBuffers.give(buffer);
    }
  }
}

/**
 * Sends a small file over a bare data connection at once, on the event loop: one read that the
 * page cache answers and one non-blocking write, with no socket object at all (see
 * native/ferry_listen.c for why that matters). Returns what went out: everything (`complete`),
 * or a part when the socket buffer filled (the caller sends the rest through a socket); undefined
 * when this path does not apply: no addon, a rate limit, more than one read's worth, or pages
 * that are not cached (the thread pool reads them, through the socket path).
 */
export function sendNow(fd: number, start: number, socketFd: number, ctl: TransferControl, regularFileSize: number): SentNow | undefined {
  const io = nativeIo;
  if (!io || regularFileSize - start > FIRST_READ || ctl.buckets.some((bucket) => bucket !== undefined && bucket.rate > 0)) return undefined;
  const buffer = downloadBuffers.take(FIRST_READ);
  try {
    const n = io.readCached(fd, buffer, FIRST_READ, start);
    // A short read that reaches the size known at open is the whole file; anything else (not
    // cached, or the file changed since) goes the general way.
    if (n < 0 || n === FIRST_READ || start + n < regularFileSize) return undefined;
    let written: number;
    try {
      written = Math.max(0, io.writeNow(socketFd, buffer, n));
    } catch (err) {
      throw new DataConnectionError(`Data connection failed: write ${describeErrno((err as NodeJS.ErrnoException).code)}.`);
    }
    ctl.onProgress(written);
    return { bytes: written, complete: written === n };
  } finally {
    downloadBuffers.give(buffer);
  }
}

/** Sends an in-memory listing's bytes over `socket`, then half-closes it. */
export async function sendText(buffer: Buffer, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const watch = new SocketWatch(socket, ctl);
  try {
    await watch.guard(new Promise<void>((resolve) => socket.end(buffer, resolve)));
    ctl.onProgress(buffer.length);
    return buffer.length;
  } finally {
    watch.close();
  }
}

/**
 * Receives from `socket` into `fd` starting at `start`, batching chunks into large
 * positional writev calls and pausing the socket while the disk catches up. Whatever
 * arrived is on disk when this settles, success or not, so an upload can resume.
 * Resolves with the bytes written once the peer has closed its side.
 */
export function receiveFile(fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const socketFd = nativeDescriptor(socket, ctl, true);
  if (socketFd !== undefined) {
    return runNative('receive', socketFd, fd, start, socket, ctl).then((received) => {
      // The peer has closed its side and Node never saw it (it was not reading): close ours now,
      // as Node does by itself for a socket it reads. Some senders (proftpd) linger until then
      // before they send the 226.
      socket.destroy();
      return received;
    });
  }
  return new Promise((resolve, reject) => {
    const watch = new SocketWatch(socket, ctl);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = start;
    let writing = false;
    let ended = false;
    let failure: Error | undefined;
    let throttled = false;
    let paused = false;
    let flushTimer: NodeJS.Timeout | undefined;

    const pause = () => {
      if (!paused) {
        paused = true;
        socket.pause();
      }
    };
    const resume = () => {
      if (paused && !throttled && !failure && pendingBytes < MAX_BUFFERED_UPLOAD) {
        paused = false;
        socket.resume();
      }
    };
    const finish = () => {
      if (writing || (pendingBytes > 0 && !failure)) return;
      watch.close();
      if (failure) reject(failure);
      else if (ended) resolve(position - start);
    };
    const flush = () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      if (writing || pendingBytes === 0) return finish();
      const batch = pending;
      pending = [];
      pendingBytes = 0;
      writing = true;
      writevAt(fd, batch, position).then(
        (n) => {
          position += n;
          ctl.onProgress(position - start);
          writing = false;
          // Hand what arrived meanwhile to the next write first: the socket then resumes
          // with nothing held back, instead of staying paused through another write.
          if (ended || failure || pendingBytes >= WRITE_BATCH) flush();
          resume();
        },
        (err: Error) => {
          writing = false;
          pending = [];
          pendingBytes = 0;
          failure = writeFailure((err as NodeJS.ErrnoException).code, position - start, err.message);
          socket.destroy();
          finish();
        },
      );
    };

    socket.on('data', (data: Buffer) => {
      pending.push(data);
      pendingBytes += data.length;
      const wait = takeFromAll(ctl.buckets, data.length);
      if (wait > 0) {
        throttled = true;
        pause();
        watch.holdIdle();
        setTimeout(() => {
          throttled = false;
          watch.resumeIdle();
          resume();
        }, wait);
      }
      if (pendingBytes >= MAX_BUFFERED_UPLOAD) pause();
      if (pendingBytes >= WRITE_BATCH) flush();
      // A slow sender must not keep bytes in memory for long: they belong on disk (a resume
      // starts from what is there) and in the progress the user sees.
      else flushTimer ??= setTimeout(flush, FLUSH_AFTER_MS);
    });
    const onEnd = () => {
      ended = true;
      flush();
    };
    // An empty stream can have ended before anyone listened: Node emits 'end' on a paused
    // socket with nothing buffered (an empty file or listing sent with 125+226 at once).
    if (socket.readableEnded) onEnd();
    else socket.once('end', onEnd);
    watch.whenFailed((err) => {
      if (ended) return;
      failure ??= err;
      socket.destroy();
      flush();
    });
    socket.resume();
  });
}
