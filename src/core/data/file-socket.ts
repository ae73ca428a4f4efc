import { readAt, readInPool } from './fast-fs';
import { nativeIo } from '../native/native-io';
import { describeErrno, nativeDescriptor, runNative } from './native-transfer';
import { takeFromAll, throttledChunkSize } from './throttle';
import { BufferPool } from './buffer-pool';
import { endSocket, SocketWatch } from './socket-watch';
import { DataConnectionError, DataSocket, SentNow, TransferControl } from './transfer-control';
import { UploadSink } from './upload-sink';

/**
 * Moving bytes between a file and a data socket: constant memory for any file size, rate
 * limits, an idle watchdog and cancellation. Both directions resolve to the byte count.
 *
 * Plain, unthrottled transfers go to the native data path when it is built (native/ferry_io.c,
 * Linux): a thread of its own per transfer, as vsftpd has a process per session, that sends
 * with sendfile(2) and receives with splice(2) (socket -> pipe -> file, or read + pwrite where
 * the file system refuses a splice). Node has neither: in JavaScript a download copies every
 * byte twice and costs a callback per chunk (bench/README.md has the numbers).
 *
 * The JavaScript path below carries TLS, rate-limited transfers and systems without the addon.
 * Its time goes to the kernel copying bytes (file -> buffer -> socket, socket -> buffer ->
 * file); the code around those copies is kept cheap:
 *  - downloads read into reusable buffers from a small process-wide pool, because a fresh
 *    multi-MiB buffer per read costs page faults, zeroing and GC work for every chunk. A buffer
 *    goes back to the pool only from its write callback, once the socket is done with it, so
 *    reuse can never overwrite bytes still queued; idle pools are dropped after 15 s;
 *  - reads start at FIRST_READ and grow to MAX_READ: a small file costs one read (a short read
 *    that reaches the size known at open is the end, no extra read to see end-of-file), a large
 *    one a few hundred per GiB. Concurrent downloads share DOWNLOAD_BUDGET and read smaller;
 *  - the next read runs in the thread pool while earlier chunks are still being written, so
 *    the socket never waits for the disk;
 *  - uploads are batched into positional writev calls (upload-sink.ts);
 *  - waiting on "the transfer failed" uses a single slot (SocketWatch) instead of Promise.race,
 *    which would leave one reaction per chunk on a promise that never settles (memory growing
 *    with the length of a throttled transfer).
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

const downloadBuffers = new BufferPool(4 * MAX_READ, 15_000);
let activeDownloads = 0;

/** The largest read a download may use now: MAX_READ, less when many downloads share the budget. */
function readCeiling(): number {
  let size = MAX_READ;
  while (size > FIRST_READ && size * READ_DEPTH * activeDownloads > DOWNLOAD_BUDGET) size /= 2;
  return size;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends `fd` from `start` to the end of file over `socket`, then half-closes it. Resolves
 * with the bytes sent; never leaves a read running on `fd` when it settles.
 *
 * `regularFileSize`, the size of a regular file when it was opened, lets a short read that
 * reaches it end the transfer without one more read just to see end-of-file (a thread-pool
 * round trip: a third of the work for a small file). Without it (pipes, devices) only a
 * zero-byte read ends the file.
 */
export function sendFile(fd: number, start: number, socket: DataSocket, ctl: TransferControl, regularFileSize?: number): Promise<number> {
  const socketFd = nativeDescriptor(socket, ctl, false, regularFileSize === undefined ? undefined : regularFileSize - start);
  return socketFd === undefined ? sendByReads(fd, start, socket, ctl, regularFileSize) : sendNatively(socketFd, fd, start, socket, ctl);
}

/** sendFile in the addon's thread, then the half-close. */
async function sendNatively(socketFd: number, fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const sent = await runNative('send', socketFd, fd, start, socket, ctl);
  const watch = new SocketWatch(socket, ctl);
  try {
    await endSocket(socket, watch);
  } finally {
    watch.close();
  }
  return sent;
}

/** A download's socket writes in flight: how many, the bytes the socket has taken, and a wait for the next to finish. */
class WritesInFlight {
  count = 0;
  private written = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly ctl: TransferControl) {}

  /** Counts a write of `bytes` from `buffer`; its callback recycles the buffer once the socket is done with it. */
  add(buffer: Buffer, bytes: number): (err?: Error | null) => void {
    this.count++;
    return (err) => {
      this.count--;
      // The socket is finished with the bytes (sent, or dropped with the connection): reusable.
      downloadBuffers.give(buffer);
      if (!err) {
        this.written += bytes;
        this.ctl.onProgress(this.written);
      }
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
  }

  /** Resolves when the next write finishes. */
  next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}

/** sendFile on the JavaScript path: the next chunk is read while earlier ones are written, so disk and network overlap. */
async function sendByReads(fd: number, start: number, socket: DataSocket, ctl: TransferControl, regularFileSize: number | undefined): Promise<number> {
  const watch = new SocketWatch(socket, ctl);
  const rateLimit = throttledChunkSize(
    ctl.buckets.map((b) => b?.rate ?? 0),
    MAX_READ,
  );
  const writes = new WritesInFlight(ctl);
  let readSize = Math.min(FIRST_READ, rateLimit);
  let position = start;
  let reading: { buffer: Buffer; done: Promise<unknown> } | undefined;
  activeDownloads++;
  try {
    for (;;) {
      while (writes.count >= READ_DEPTH - 1) await watch.guard(writes.next());
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
      const wait = takeFromAll(ctl.buckets, n);
      socket.write(n === buffer.length ? buffer : buffer.subarray(0, n), writes.add(buffer, n));
      if (wait > 0) {
        watch.holdIdle();
        await watch.guard(sleep(wait));
        watch.resumeIdle();
      }
      if (last) break;
      readSize = Math.min(rateLimit, readCeiling(), readSize * 4);
    }
    await endSocket(socket, watch);
    return position - start;
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
 * Receives from `socket` into `fd` starting at `start`. Whatever arrived is on disk when this
 * settles, success or not, so an upload can resume. Resolves with the bytes written once the
 * peer has closed its side.
 */
export function receiveFile(fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const socketFd = nativeDescriptor(socket, ctl, true);
  return socketFd === undefined ? UploadSink.receive(fd, start, socket, ctl) : receiveNatively(socketFd, fd, start, socket, ctl);
}

/** receiveFile in the addon's thread. */
async function receiveNatively(socketFd: number, fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const received = await runNative('receive', socketFd, fd, start, socket, ctl);
  // The peer has closed its side and Node never saw it (it was not reading): close ours now,
  // as Node does by itself for a socket it reads. Some senders (proftpd) linger until then
  // before they send the 226.
  socket.destroy();
  return received;
}
