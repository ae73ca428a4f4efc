import { FTPError } from 'basic-ftp';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { receiveFile, sendFile } from '../data/file-socket';
import { TransferControl } from '../data/transfer-control';
import type { FtpConnection } from './connection';
import { VerificationError } from './errors';
import { statPath } from './listing';
import { learnMdtmZone, remoteModifiedTime, setModifiedTime } from './modified-time';
import { ProgressListener, ProgressMeter } from './transfer-progress';
import { DEFAULTS } from './settings';
import { runDataCommand } from './transfer';
import { ConflictHook, downloadTarget, uploadTarget } from './transfer-targets';
import { localHash, remoteHash } from './verify';

export interface TransferOptions {
  /** Continue from what is already there (local file for downloads, remote file for uploads). */
  resume?: boolean;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Compare a hash after the transfer when the server offers one (sizes are always compared). */
  verifyHash?: boolean;
  /**
   * Give the copy the original's modification time (default true): an upload sets the remote
   * time (MFMT, MDTM or SITE UTIME, see modified-time.ts), a download the local file's.
   * A server that cannot is logged, not an error: the bytes are right.
   */
  preserveTime?: boolean;
  /** The remote file's modification time when a listing already told it (saves an MDTM). */
  remoteModifiedAt?: Date;
  /**
   * Downloads write `<name><partSuffix>` and rename it into place once complete and verified,
   * so a partial file never looks complete (the explorer uses ".part"); a resume continues it.
   */
  partSuffix?: string;
  /** What to do with a target that exists (see transfer-targets.ts); without it, overwrite (or continue, when resuming). */
  conflict?: ConflictHook;
}

export interface TransferResult {
  /** Bytes moved by this call. */
  bytes: number;
  /** Where it started (the resume offset). */
  offset: number;
  /** Final size. */
  size: number;
  /** The hash compared, if any. */
  hash?: string;
  /** Where the file went (another name after a "rename" conflict rule). */
  path?: string;
  /** Set when the conflict rule left the target alone: what proved it identical, or "none". */
  skipped?: string;
}

function control(conn: FtpConnection, meter: ProgressMeter, signal?: AbortSignal): TransferControl {
  return {
    signal: signal ?? new AbortController().signal,
    buckets: [],
    idleTimeoutMs: conn.settings.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs,
    onProgress: (bytes) => meter.update(bytes),
    sendByCopy: true,
  };
}

/**
 * Waits until the server has closed the data connection after our end. With TLS 1.3 the
 * server may send session tickets late; closing without reading them can make the kernel
 * reset the connection and the server lose the upload's tail (seen with vsftpd).
 */
function untilClosed(socket: net.Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.resume();
  });
}

async function checkSize(conn: FtpConnection, remotePath: string, expected: number, operation: string): Promise<void> {
  if (!conn.capabilities.size) return;
  const size = await conn.client.size(remotePath).catch((err) => {
    if (err instanceof FTPError) return undefined;
    throw err;
  });
  if (size !== undefined && size !== expected) {
    throw new VerificationError(`remote size is ${size} bytes, expected ${expected}`, { operation, host: conn.label, path: remotePath });
  }
}

async function checkHash(conn: FtpConnection, remotePath: string, localPath: string, operation: string): Promise<string | undefined> {
  const remote = await remoteHash(conn, remotePath);
  if (!remote) return undefined;
  const local = await localHash(localPath, remote.algorithm);
  if (local !== remote.hex) {
    throw new VerificationError(`${remote.algorithm} differs: local ${local}, remote ${remote.hex}`, { operation, host: conn.label, path: remotePath });
  }
  return `${remote.algorithm}:${local}`;
}

/**
 * Downloads into a local file. With `resume`, an existing shorter local file (the partial file
 * with `partSuffix`) is continued with REST+RETR; it is never truncated before data arrives,
 * and is trimmed to what arrived at the end, so an interrupted download can always be resumed.
 */
export async function downloadFile(conn: FtpConnection, remotePath: string, localPath: string, options: TransferOptions = {}): Promise<TransferResult> {
  const remoteSize = conn.capabilities.size ? await conn.client.size(remotePath).catch(() => undefined) : undefined;
  const target = await downloadTarget(conn, remotePath, localPath, remoteSize, options);
  if (target.skipped) return { bytes: 0, offset: 0, size: remoteSize ?? 0, path: target.path, skipped: target.proof };
  const { offset, part } = target;
  const handle = await fsp.open(part, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
  let written = 0;
  let receiving: Promise<number> | undefined;
  const meter = new ProgressMeter(options.onProgress, offset, remoteSize);
  try {
    if (remoteSize === undefined || offset < remoteSize) {
      if (offset > 0) await conn.client.send(`REST ${offset}`);
      await runDataCommand(conn, `RETR ${remotePath}`, async (socket) => {
        receiving = receiveFile(handle.fd, offset, socket, control(conn, meter, options.signal));
        written = await receiving;
      });
    }
    meter.finish();
  } finally {
    // A failure on the control connection can end the command while the data side is still
    // flushing: wait for it, then keep exactly what reached the disk (for a later resume).
    await receiving?.catch(() => undefined);
    await handle.truncate(offset + (written || meter.bytes)).catch(() => undefined);
    await handle.close();
  }
  const size = offset + written;
  const context = { operation: 'download', host: conn.label, path: remotePath };
  if (remoteSize !== undefined && size !== remoteSize) throw new VerificationError(`received ${size} bytes, the server reported ${remoteSize}`, context);
  const hash = options.verifyHash ? await checkHash(conn, remotePath, part, 'download') : undefined;
  // Complete and verified: only now does it get its name (rename replaces an existing file atomically).
  if (part !== target.path) await fsp.rename(part, target.path);
  if (options.preserveTime ?? true) await keepRemoteTime(conn, remotePath, target.path, options.remoteModifiedAt);
  return { bytes: written, offset, size, hash, path: target.path };
}

/**
 * Uploads a local file. With `resume`, the remote size decides the offset: REST+STOR when the
 * server offers REST STREAM, else APPE. An overwritten file keeps its previous mode when the
 * server reports modes (some servers reset it to their umask on STOR).
 */
export async function uploadFile(conn: FtpConnection, localPath: string, remotePath: string, options: TransferOptions = {}): Promise<TransferResult> {
  const handle = await fsp.open(localPath, 'r');
  let target = remotePath;
  let offset = 0;
  let sent = 0;
  let sending: Promise<number> | undefined;
  let size: number;
  let localTime: Date;
  let previousMode: number | undefined;
  try {
    ({ size, mtime: localTime } = await handle.stat());
    const existing = await statPath(conn, remotePath);
    const decided = await uploadTarget(conn, localPath, remotePath, { size, modifiedAt: localTime }, existing, options);
    if (decided.skipped) return { bytes: 0, offset: 0, size, path: remotePath, skipped: decided.proof };
    ({ path: target, offset } = decided);
    previousMode = existing?.type === 'file' && target === remotePath ? existing.mode : undefined;
    const meter = new ProgressMeter(options.onProgress, offset, size);
    if (offset < size || size === 0) {
      let command = `STOR ${target}`;
      if (offset > 0 && conn.capabilities.restStream) await conn.client.send(`REST ${offset}`);
      else if (offset > 0) command = `APPE ${target}`;
      await runDataCommand(conn, command, async (socket) => {
        sending = sendFile(handle.fd, offset, socket, control(conn, meter, options.signal));
        sent = await sending;
        await untilClosed(socket, conn.timeoutMs);
      });
    }
    meter.finish();
  } finally {
    // Never close the file under a read still in flight.
    await sending?.catch(() => undefined);
    await handle.close();
  }
  const writtenAt = Date.now();
  await checkSize(conn, target, size, 'upload');
  if (previousMode !== undefined) await restoreMode(conn, target, previousMode);
  await learnMdtmZone(conn, target, writtenAt);
  if (options.preserveTime ?? true) await keepLocalTime(conn, target, localTime);
  const hash = options.verifyHash ? await checkHash(conn, target, localPath, 'upload') : undefined;
  return { bytes: sent, offset, size, hash, path: target };
}

/** Gives an uploaded file the local file's modification time; a server that cannot is logged once per connection (then skipped). */
async function keepLocalTime(conn: FtpConnection, remotePath: string, time: Date): Promise<void> {
  if (conn.capabilities.timeSetter === null) return;
  await setModifiedTime(conn, remotePath, time).catch((err) => {
    if (!(err instanceof FTPError)) throw err;
    conn.log(`could not keep the modification time of ${remotePath}: ${err.message}`);
  });
}

/** Gives a downloaded file the remote file's modification time, when the server tells it. */
async function keepRemoteTime(conn: FtpConnection, remotePath: string, localPath: string, known?: Date): Promise<void> {
  const time = await remoteModifiedTime(conn, remotePath, known);
  if (time) await fsp.utimes(localPath, new Date(), time);
}

async function restoreMode(conn: FtpConnection, remotePath: string, mode: number): Promise<void> {
  const now = await statPath(conn, remotePath);
  if (now?.mode === undefined || now.mode === mode || conn.capabilities.siteChmod === false) return;
  await conn.client
    .send(`SITE CHMOD ${mode.toString(8).padStart(3, '0')} ${remotePath}`)
    .then(() => (conn.capabilities.siteChmod = true))
    .catch((err) => {
      if (!(err instanceof FTPError)) throw err;
      conn.capabilities.siteChmod = false;
      conn.log(`could not restore mode ${mode.toString(8)} of ${remotePath}: ${err.message}`);
    });
}

/** Streams a remote file into any writable (e.g. memory for the editor), from `offset`. */
export async function downloadToStream(conn: FtpConnection, remotePath: string, destination: Writable, options: { offset?: number } & TransferOptions = {}): Promise<number> {
  const meter = new ProgressMeter(options.onProgress, options.offset ?? 0);
  if (options.offset) await conn.client.send(`REST ${options.offset}`);
  await runDataCommand(conn, `RETR ${remotePath}`, async (socket) => {
    socket.on('data', (c: Buffer) => meter.update(meter.bytes + c.length));
    await pipeline(socket, destination, { signal: options.signal });
  });
  meter.finish();
  return meter.bytes;
}

/**
 * Streams any readable into a remote file: overwrite, APPE with `append`, or continue at
 * `offset` (REST+STOR when the server offers REST STREAM, else APPE).
 */
export async function uploadFromStream(conn: FtpConnection, source: Readable, remotePath: string, options: { append?: boolean; offset?: number } & TransferOptions = {}): Promise<number> {
  const meter = new ProgressMeter(options.onProgress, options.offset ?? 0);
  let command = options.append ? 'APPE' : 'STOR';
  if (options.offset && conn.capabilities.restStream) await conn.client.send(`REST ${options.offset}`);
  else if (options.offset) command = 'APPE';
  await runDataCommand(conn, `${command} ${remotePath}`, async (socket) => {
    source.on('data', (c: Buffer) => meter.update(meter.bytes + c.length));
    await pipeline(source, socket, { signal: options.signal, end: true });
    await untilClosed(socket, conn.timeoutMs);
  });
  meter.finish();
  return meter.bytes;
}
