import * as net from 'node:net';
import * as tls from 'node:tls';
import { getSystemErrorMap } from 'node:util';
import { NativeDone, nativeIo } from '../native/native-io';
import { nodeInternals } from '../node-internals';
import { abortedError, DataConnectionError, DataSocket, stalledError, TransferControl, writeFailure } from './transfer-control';
import { FtpReplyError, Reply } from '../protocol/replies';

/*
 * The native side of a data transfer (native/ferry_io.c via src/core/native): which transfers
 * it may carry, and running one in the addon's thread with abort, idle limit and progress.
 */

/** "EPIPE" -> "EPIPE (broken pipe)", as Node words the same errors. */
export function describeErrno(code: string | undefined): string {
  for (const [name, text] of getSystemErrorMap().values()) if (name === code) return `${code} (${text})`;
  return code ?? 'unknown error';
}

/** Downloads up to this size stay on the JavaScript path (one read, one write). */
const NATIVE_MIN_SEND = 1 << 20;

/** Buffer of a send by copy (TransferControl.sendByCopy): larger ones gained nothing (bench/README.md). */
const COPY_SEND_BUFFER = 256 * 1024;

/** Progress reports of a native transfer, which runs without callbacks per chunk. */
const NATIVE_PROGRESS_MS = 250;

/** The socket's own descriptor (node-internals.ts); undefined for TLS and wrapped streams. */
export function plainSocketDescriptor(socket: DataSocket): number | undefined {
  if (!nativeIo || !(socket instanceof net.Socket) || socket instanceof tls.TLSSocket) return undefined;
  return nodeInternals.socketFd(socket);
}

/**
 * The descriptor when the native path can carry this transfer: a plain TCP socket (TLS runs in
 * JavaScript), no rate limit (the token buckets live here), nothing buffered in Node yet, and
 * for an upload a socket Node is not reading (it would take bytes away from the thread). Data
 * sockets are created paused for that (see PassiveListener and connectWithTimeout).
 */
export function nativeDescriptor(socket: DataSocket, ctl: TransferControl, receiving: boolean, bytesToSend?: number): number | undefined {
  // A small file goes out in one read and one write: cheaper than starting a thread.
  if (bytesToSend !== undefined && bytesToSend <= NATIVE_MIN_SEND) return undefined;
  const fd = plainSocketDescriptor(socket);
  if (fd === undefined || ctl.buckets.some((bucket) => bucket !== undefined && bucket.rate > 0)) return undefined;
  if (socket.writableLength > 0 || socket.readableLength > 0 || socket.readableEnded) return undefined;
  return receiving && nodeInternals.handleReading(socket as net.Socket) ? undefined : fd;
}

/** True when a paused data socket's peer has closed without sending anything (nothing is consumed). */
export function peerClosedQuietly(socket: net.Socket): boolean {
  const fd = plainSocketDescriptor(socket);
  return fd !== undefined && nativeIo!.peerClosed(fd);
}

/**
 * Runs one transfer in the addon's thread. Abort (ABOR) cancels it at once; the thread itself
 * enforces idle_data_timeout; progress is sampled. Resolves with the bytes moved; whatever was
 * received is in the file when this settles, and the thread holds no descriptor any more.
 */
export function runNative(direction: 'send' | 'receive', socketFd: number, fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
  const io = nativeIo!;
  return new Promise((resolve, reject) => {
    // Node may still be reading a download's socket and see the peer reset it: the thread
    // reports that failure itself, so the event must not go unhandled meanwhile.
    const ignore = () => undefined;
    socket.on('error', ignore);
    // The thread reports on a later turn of the event loop, after `timer` and `onAbort` exist.
    const done: NativeDone = (outcome, code, bytes, call) => {
      clearInterval(timer);
      ctl.signal.removeEventListener('abort', onAbort);
      socket.off('error', ignore);
      ctl.onProgress(bytes);
      if (outcome === 'ok') return resolve(bytes);
      if (outcome === 'cancelled') return reject(abortedError());
      if (outcome === 'idle') return reject(stalledError(ctl));
      if (call === 'write') return reject(writeFailure(code, bytes, describeErrno(code)));
      if (call === 'pread') return reject(new FtpReplyError(Reply.LocalError, `Reading the file failed after ${bytes} bytes: ${describeErrno(code)}.`));
      reject(new DataConnectionError(`Data connection failed: ${call} ${describeErrno(code)}.`));
    };
    const handle = direction === 'send' ? io.send(socketFd, fd, start, ctl.idleTimeoutMs, done, ctl.sendByCopy ? COPY_SEND_BUFFER : 0) : io.receive(socketFd, fd, start, ctl.idleTimeoutMs, done);
    const onAbort = () => io.cancel(handle);
    const timer = setInterval(() => ctl.onProgress(io.bytes(handle)), NATIVE_PROGRESS_MS);
    ctl.signal.addEventListener('abort', onAbort);
    if (ctl.signal.aborted) onAbort();
  });
}
