import { FTPError, FTPResponse } from 'basic-ftp';
import * as net from 'node:net';
import { parseEpsvPort, parsePasvTarget } from '../client/data-channel';
import type { FtpConnection } from '../client/connection';
import { CancelledError } from '../client/errors';
import { plainAddress } from '../net/address';
import { FxpRefusedError, FxpStalledError } from './fxp-errors';
import { COMMAND_NOT_ACCEPTED, Reply } from '../protocol/replies';

/** How the data channel between the two servers is protected when both control connections use TLS. */
export type FxpDataProtection = 'sscn' | 'cpsv' | 'clear';

export interface FxpCopyOptions {
  /** Which server listens (PASV); the other connects (PORT). */
  passive: 'source' | 'target';
  /** Resume offset: REST on both sides. */
  offset: number;
  /** How the data is protected when both control connections use TLS (see FxpProtectionPlan). */
  protection?: FxpProtectionPlan;
  /** Bytes on the target so far, polled on another connection; undefined when unknown. */
  pollTargetSize?: () => Promise<number | undefined>;
  /** No growth of the target for this long aborts both sides (default 60 s). */
  stallTimeoutMs?: number;
  pollIntervalMs?: number;
  onProgress?: (targetSize: number) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * Sends a transfer command and settles on its final reply, ignoring preliminary ones. The
 * preliminary reply is never awaited: with a passive target, vsftpd, pure-ftpd and proftpd send
 * STOR's 150 only once the source has connected, i.e. after RETR went out.
 */
function untilFinal(conn: FtpConnection, command: string): Promise<FTPResponse> {
  const ftp = conn.client.ftp;
  const done = ftp.handle(command, (res, task) => {
    if (res instanceof Error) return task.reject(res);
    if (res.code >= 200 && res.code < 300) return task.resolve(res);
    if (res.code >= 300 && res.code < 400) task.reject(new Error(`unexpected reply to ${command.split(' ')[0]}: ${res.message}`));
  });
  // basic-ftp's control timeout would run for the whole transfer; the stall watchdog replaces it.
  ftp.socket.setTimeout(0);
  return done;
}

/** Refusal replies that mean "not this way" (a relay or role swap may still work). */
function isRefusal(err: unknown): boolean {
  const refusals: number[] = [...COMMAND_NOT_ACCEPTED, Reply.CannotOpenData, Reply.TransferAborted, Reply.UnsupportedNetworkProtocol, Reply.NotLoggedIn, Reply.PolicyDenied, Reply.FileUnavailable];
  return err instanceof FTPError && refusals.includes(err.code);
}

/**
 * With PROT P on both sides one server has to play the TLS client on the data connection:
 * SSCN ON on that server (proftpd, Serv-U, Ferry), or CPSV instead of PASV on the passive one.
 * Without either, PROT C on both if the user allows clear data. Mixed TLS/plain: the secure
 * side switches to PROT C for this transfer.
 */
export type FxpProtectionPlan = { mode: 'sscn'; side: 'source' | 'target' } | { mode: 'cpsv' } | { mode: 'clear' };

async function applyProtection(src: FtpConnection, dst: FtpConnection, plan: FxpProtectionPlan | undefined): Promise<FxpDataProtection | undefined> {
  if (!plan) {
    if (src.isSecure === dst.isSecure) return undefined;
    await (src.isSecure ? src : dst).request('PROT C');
    return 'clear';
  }
  if (plan.mode === 'sscn') await (plan.side === 'source' ? src : dst).request('SSCN ON');
  if (plan.mode === 'clear') for (const conn of [src, dst]) if (conn.isSecure) await conn.request('PROT C');
  return plan.mode;
}

/** Puts SSCN/PROT back so the pooled connections behave normally afterwards. */
async function restoreProtection(src: FtpConnection, dst: FtpConnection, mode: FxpDataProtection | undefined): Promise<void> {
  for (const conn of [src, dst]) {
    if (conn.closed || !conn.isSecure) continue;
    if (mode === 'sscn' && conn.capabilities.sscn) await conn.request('SSCN OFF').catch(() => undefined);
    // Mixed TLS/plain transfers switched the secure side to PROT C as well.
    if (mode === 'clear') await conn.request('PROT P').catch(() => undefined);
  }
}

/** Asks the passive side for an address the active side can connect to. */
async function passiveAddress(side: FtpConnection, useCpsv: boolean): Promise<{ host: string; port: number }> {
  const controlHost = plainAddress(side.controlSocket.remoteAddress);
  try {
    const reply = await side.request(useCpsv ? 'CPSV' : 'PASV');
    const target = parsePasvTarget(reply.message);
    if (!target) throw new Error(`cannot parse the PASV reply: ${reply.message}`);
    // 0.0.0.0 means "the address you reached me on".
    return target.host === '0.0.0.0' ? { host: controlHost, port: target.port } : target;
  } catch (err) {
    if (useCpsv || !(err instanceof FTPError)) throw err;
    // No PASV (IPv6-only server): EPSV gives a port on the control connection's address.
    const port = parseEpsvPort((await side.request('EPSV')).message);
    if (!port) throw err;
    return { host: controlHost, port };
  }
}

/**
 * Copies one file directly between two servers (FXP): PASV on one, PORT/EPRT on the other,
 * REST on both when resuming, STOR on the target sent before RETR on the source, then both
 * final replies. The client carries no payload. A stalled pair is aborted; on any failure
 * both connections are aborted and closed (their late replies would confuse the next task).
 */
export async function fxpCopy(src: FtpConnection, dst: FtpConnection, srcPath: string, dstPath: string, options: FxpCopyOptions): Promise<{ protection?: FxpDataProtection }> {
  const passiveSide = options.passive === 'source' ? src : dst;
  const activeSide = passiveSide === src ? dst : src;
  const sideName = (c: FtpConnection) => (c === src ? 'source' : 'target');
  const log = options.log ?? (() => undefined);
  let protection: FxpDataProtection | undefined;
  const refused = (side: FtpConnection, err: unknown) =>
    isRefusal(err) ? new FxpRefusedError(sideName(side), (err as Error).message, side.label, side === src ? srcPath : dstPath) : err;
  try {
    protection = await applyProtection(src, dst, options.protection);
    if (passiveSide.capabilities.pret) await passiveSide.request(`PRET ${passiveSide === src ? `RETR ${srcPath}` : `STOR ${dstPath}`}`).catch(() => undefined);
    const address = await passiveAddress(passiveSide, protection === 'cpsv').catch((err) => {
      throw refused(passiveSide, err);
    });
    const portCommand = net.isIP(address.host) === 6 ? `EPRT |2|${address.host}|${address.port}|` : `PORT ${address.host.split('.').join(',')},${address.port >> 8},${address.port & 255}`;
    await activeSide.request(portCommand).catch((err) => {
      throw refused(activeSide, err);
    });
    if (options.offset > 0) {
      await dst.request(`REST ${options.offset}`);
      await src.request(`REST ${options.offset}`);
    }
    log(`FXP ${src.label}:${srcPath} -> ${dst.label}:${dstPath} (${sideName(passiveSide)} passive${protection ? `, data ${protection}` : ''}${options.offset ? `, from ${options.offset}` : ''})`);
    const stored = untilFinal(dst, `STOR ${dstPath}`);
    const retrieved = untilFinal(src, `RETR ${srcPath}`);
    await watch(Promise.all([stored.catch((e) => Promise.reject(refused(dst, e))), retrieved.catch((e) => Promise.reject(refused(src, e)))]), options, dst.label, dstPath);
    await restoreProtection(src, dst, protection);
    return { protection };
  } catch (err) {
    await abortBoth(src, dst);
    throw err;
  }
}

/** Races the transfer against cancellation and the stall watchdog, reporting target size as progress. */
async function watch(transfer: Promise<unknown>, options: FxpCopyOptions, host: string, path: string): Promise<void> {
  const stallMs = options.stallTimeoutMs ?? 60_000;
  const interval = options.pollIntervalMs ?? 1000;
  let lastSize = -1;
  let lastChange = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setInterval(async () => {
      if (polling || !options.pollTargetSize) return;
      polling = true;
      const size = await options.pollTargetSize().catch(() => undefined);
      polling = false;
      if (size !== undefined && size !== lastSize) {
        lastSize = size;
        lastChange = Date.now();
        options.onProgress?.(size);
      } else if (Date.now() - lastChange > stallMs) {
        reject(new FxpStalledError(Math.round(stallMs / 1000), host, path));
      }
    }, interval);
  });
  let onAbort = () => undefined as void;
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CancelledError({ operation: 'FXP copy', host, path }));
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  watchdog.catch(() => undefined);
  cancelled.catch(() => undefined);
  try {
    await Promise.race([transfer, watchdog, cancelled]);
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** ABOR on both sides (RFC 959 §4.1.3), then close them: whatever still answers belongs to no task. */
async function abortBoth(src: FtpConnection, dst: FtpConnection): Promise<void> {
  for (const conn of [src, dst]) {
    if (conn.closed) continue;
    try {
      conn.client.ftp.send('ABOR');
    } catch {
      // Already gone.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  src.close();
  dst.close();
}
