import * as fs from 'node:fs';
import { Duplex } from 'node:stream';
import { FtpReplyError, Reply } from './replies';
import { takeFromAll, throttledChunkSize, TokenBucket } from './throttle';

/**
 * Moving bytes between a file and a data socket: constant memory for any file size,
 * large reads and batched writes (a syscall per megabyte, not per TCP segment), rate
 * limits, an idle watchdog and cancellation. Both directions resolve to the byte count.
 */
export interface TransferControl {
  signal: AbortSignal;
  /** Per-session and global buckets for this direction. */
  buckets: (TokenBucket | undefined)[];
  /** idle_data_timeout in ms: no progress for this long aborts the transfer (0 = never). */
  idleTimeoutMs: number;
  onProgress(bytes: number): void;
}

const READ_CHUNK = 1 << 20;
const WRITE_BATCH = 1 << 20;
const MAX_BUFFERED_UPLOAD = 8 << 20;

/** Why a data transfer stopped early; the session turns it into a 426. */
export class DataConnectionError extends FtpReplyError {
  constructor(message: string) {
    super(Reply.TransferAborted, message);
  }
}

function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafeSlow(length);
    fs.read(fd, buffer, 0, length, position, (err, n) => (err ? reject(err) : resolve(n === length ? buffer : buffer.subarray(0, n))));
  });
}

function writevAt(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * Watches a data socket for the things that end a transfer from outside: abort (ABOR),
 * an idle data connection, the peer closing or erroring. Returns a promise that rejects
 * when any happens, and a disposer.
 */
function watchSocket(socket: Duplex & { setTimeout(ms: number): unknown }, ctl: TransferControl): { failed: Promise<never>; dispose(): void } {
  let dispose = () => undefined as void;
  const failed = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new DataConnectionError('Transfer aborted.'));
    const onTimeout = () => reject(new DataConnectionError(`Data connection stalled for ${Math.round(ctl.idleTimeoutMs / 1000)} s (idle_data_timeout).`));
    const onError = (err: Error) => reject(new DataConnectionError(`Data connection failed: ${err.message}.`));
    const onClose = () => reject(new DataConnectionError('Data connection closed before the transfer finished.'));
    if (ctl.signal.aborted) onAbort();
    ctl.signal.addEventListener('abort', onAbort);
    if (ctl.idleTimeoutMs > 0) socket.setTimeout(ctl.idleTimeoutMs);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('close', onClose);
    dispose = () => {
      ctl.signal.removeEventListener('abort', onAbort);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
  });
  failed.catch(() => undefined);
  return { failed, dispose: () => dispose() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends `fd` from `start` to the end of file over `socket`, then half-closes it. The next
 * chunk is read while the current one is being written, so disk and network overlap.
 */
export async function sendFile(fd: number, start: number, socket: Duplex & { setTimeout(ms: number): unknown }, ctl: TransferControl): Promise<number> {
  const watch = watchSocket(socket, ctl);
  const chunk = throttledChunkSize(ctl.buckets.map((b) => b?.rate ?? 0), READ_CHUNK);
  let position = start;
  let sent = 0;
  try {
    let next = readAt(fd, chunk, position);
    for (;;) {
      const buffer = await Promise.race([next, watch.failed]);
      if (buffer.length === 0) break;
      position += buffer.length;
      next = readAt(fd, chunk, position);
      next.catch(() => undefined);
      const wait = takeFromAll(ctl.buckets, buffer.length);
      const flushed = socket.write(buffer);
      sent += buffer.length;
      ctl.onProgress(sent);
      if (!flushed) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), watch.failed]);
      if (wait > 0) await Promise.race([sleep(wait), watch.failed]);
    }
    await Promise.race([new Promise<void>((resolve) => socket.end(resolve)), watch.failed]);
    return sent;
  } finally {
    watch.dispose();
  }
}

/** Sends an in-memory listing over `socket`, then half-closes it. */
export async function sendText(text: string, socket: Duplex & { setTimeout(ms: number): unknown }, ctl: TransferControl): Promise<number> {
  const watch = watchSocket(socket, ctl);
  try {
    const buffer = Buffer.from(text, 'utf8');
    await Promise.race([new Promise<void>((resolve) => socket.end(buffer, resolve)), watch.failed]);
    ctl.onProgress(buffer.length);
    return buffer.length;
  } finally {
    watch.dispose();
  }
}

/**
 * Receives from `socket` into `fd` starting at `start`, batching chunks into large
 * positional writev calls and pausing the socket while the disk catches up. Whatever
 * arrived is on disk when this settles, success or not, so an upload can resume.
 * Resolves with the bytes written once the peer has closed its side.
 */
export function receiveFile(fd: number, start: number, socket: Duplex & { setTimeout(ms: number): unknown }, ctl: TransferControl): Promise<number> {
  return new Promise((resolve, reject) => {
    const watch = watchSocket(socket, ctl);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = start;
    let writing = false;
    let ended = false;
    let failure: Error | undefined;
    let throttled = false;

    const finish = () => {
      if (writing || (pendingBytes > 0 && !failure)) return;
      watch.dispose();
      if (failure) reject(failure);
      else if (ended) resolve(position - start);
    };
    const flush = () => {
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
          if (!throttled && !failure) socket.resume();
          if (ended || failure || pendingBytes >= WRITE_BATCH) flush();
        },
        (err: Error) => {
          writing = false;
          pending = [];
          pendingBytes = 0;
          failure = new FtpReplyError(
            (err as NodeJS.ErrnoException).code === 'ENOSPC' ? Reply.InsufficientStorage : Reply.LocalError,
            `Write failed after ${position - start} bytes: ${err.message}.`,
          );
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
        socket.pause();
        setTimeout(() => {
          throttled = false;
          if (!failure && pendingBytes < MAX_BUFFERED_UPLOAD) socket.resume();
        }, wait);
      }
      if (pendingBytes >= MAX_BUFFERED_UPLOAD) socket.pause();
      if (pendingBytes >= WRITE_BATCH) flush();
    });
    const onEnd = () => {
      ended = true;
      flush();
    };
    // An empty stream can have ended before anyone listened: Node emits 'end' on a paused
    // socket that has nothing buffered (an empty file or listing sent with 125+226 at once).
    if (socket.readableEnded) onEnd();
    else socket.once('end', onEnd);
    watch.failed.catch((err: Error) => {
      if (ended) return;
      failure ??= err;
      socket.destroy();
      flush();
    });
    socket.resume();
  });
}
