import { Duplex } from 'node:stream';
import { FtpReplyError, Reply } from '../protocol/replies';
import type { TokenBucket } from './throttle';

/**
 * What both data paths (JavaScript in file-socket.ts, native in native-transfer.ts) get from
 * the transfer that runs them, and the replies they end with.
 */
export interface TransferControl {
  signal: AbortSignal;
  /** Per-session and global buckets for this direction. */
  buckets: (TokenBucket | undefined)[];
  /** idle_data_timeout in ms: no progress for this long aborts the transfer (0 = never). */
  idleTimeoutMs: number;
  onProgress(bytes: number): void;
  /**
   * Send by copying through a buffer (pread + send) rather than with sendfile: the client's
   * uploads, which the receiving server takes faster that way on loopback (see native/ferry_io.c).
   */
  sendByCopy?: boolean;
}

/** What a transfer's sendNow moved (the server's TransferSpec, transfer-runner.ts). */
export interface SentNow {
  bytes: number;
  complete: boolean;
}

/** A data connection: a TCP socket, or TLS over one. */
export type DataSocket = Duplex & { setTimeout(ms: number): unknown };

/** Why a data transfer stopped early; the session turns it into a 426. */
export class DataConnectionError extends FtpReplyError {
  constructor(message: string) {
    super(Reply.TransferAborted, message);
  }
}

export const abortedError = () => new DataConnectionError('Transfer aborted.');
export const stalledError = (ctl: TransferControl) => new DataConnectionError(`Data connection stalled for ${Math.round(ctl.idleTimeoutMs / 1000)} s (idle_data_timeout).`);

/** A disk write that failed: 452 when the disk is full (the client may retry later), else 451. */
export function writeFailure(code: string | undefined, written: number, detail: string): FtpReplyError {
  return new FtpReplyError(code === 'ENOSPC' || code === 'EDQUOT' ? Reply.InsufficientStorage : Reply.LocalError, `Write failed after ${written} bytes: ${detail}.`);
}
