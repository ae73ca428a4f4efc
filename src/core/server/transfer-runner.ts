import { closeConnection, connectActive, DataConnection, plainAddress, RawConnection } from './data-channel';
import { clientDataSocket, secureDataSocket } from './data-tls';
import { DataConnectionError, DataSocket, SentNow, TransferControl } from '../data/transfer-control';
import { FtpReplyError, Reply } from '../protocol/replies';
import { dataTls } from './tls-session';
import { fsErrorToReply } from './fs-errors';
import { TransferInfo } from './server-context';
import type { Session } from './session';

/** One data transfer as the transfer commands describe it. */
export interface TransferSpec {
  command: string;
  path: string;
  direction: TransferInfo['direction'];
  /** Text of the 150 reply. */
  openingText: string;
  /**
   * Moves what it can at once over a bare data connection (a passive one from the native
   * listener, without TLS), before any socket exists: the bytes sent and whether that was all
   * of them, or undefined when it cannot. A small download ends here (data/file-socket.ts).
   */
  sendNow?(fd: number, ctl: TransferControl): SentNow | undefined;
  /** Moves the bytes after the `alreadySent` ones sendNow moved; resolves with the count it moved. */
  run(socket: DataSocket, ctl: TransferControl, alreadySent: number): Promise<number>;
  /** Always runs last; `connected` says whether the data connection was ever established. */
  cleanup?(info: TransferInfo, connected: boolean): Promise<void>;
}

/** 425 unless PORT/EPRT/PASV/EPSV came first; 521 when force_tls demands PROT P. Call before opening files. */
export function requireDataSetup(session: Session): void {
  if (!session.passive && !session.active) throw new FtpReplyError(Reply.CannotOpenData, 'Use PORT, EPRT, PASV or EPSV first.');
  if (session.server.tunables.force_tls && !session.protectData) {
    throw new FtpReplyError(Reply.DataMustBeProtected, 'Data connections must be encrypted: send PBSZ 0 and PROT P (force_tls).');
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DataConnectionError('Transfer aborted.'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Runs a transfer command from the 150 to the final reply. The 150 goes out before the
 * data connection is awaited: clients that connect only after seeing it would otherwise
 * deadlock (ftp-srv #366). The data setup is consumed: each PASV/PORT serves one transfer.
 */
export async function runTransfer(session: Session, job: TransferSpec): Promise<void> {
  const { tunables } = session.server;
  const passive = session.passive;
  const active = session.active;
  session.passive = undefined;
  session.active = undefined;
  const cpsv = session.cpsvPending;
  session.cpsvPending = false;
  const abort = new AbortController();
  const info: TransferInfo = { sessionId: session.id, user: session.user?.name ?? '', command: job.command, path: job.path, direction: job.direction, startedAt: new Date(), bytes: 0 };
  let settle!: () => void;
  session.transfer = { info, abort, done: new Promise<void>((resolve) => (settle = resolve)) };
  session.server.emit('transfer-start', info);
  let connection: DataConnection | undefined;
  let established = false;
  let socket: DataSocket | undefined;
  // A plain reply for success: an Error would capture a stack trace per transfer for nothing.
  let final: { code: number; message: string };
  try {
    // A passive connection that is already there is claimed before the 150 goes out: a client
    // that drops it as soon as it reads the 150 has aborted a started transfer (426), it did
    // not close it "before the transfer command" (425). Waiting for one that is not there yet
    // starts after the 150, whose write restarts the idle timer first: when accept_timeout and
    // idle_ctrl_timeout fall due in the same pass, the idle one then fires while the transfer
    // still holds it off, instead of right after the 425.
    const claimed = passive?.claimPending(job.direction === 'upload');
    session.reply(Reply.OpeningData, job.openingText);
    const raw =
      claimed ??
      (passive
        ? passive.accept(tunables.accept_timeout * 1000, job.direction === 'upload')
        : connectActive(active!, plainAddress(session.socket.localAddress), tunables.connect_timeout * 1000));
    connection = await abortable(raw, abort.signal);
    // With TLS the data connection is there only after its handshake: one refused there (no
    // TLS, not the control connection's session) has moved no byte, and an upload's cleanup
    // must neither trim the file nor keep one it created.
    established = !session.protectData;
    const ctl: TransferControl = {
      signal: abort.signal,
      buckets: session.buckets(job.direction === 'upload' ? 'upload' : 'download'),
      idleTimeoutMs: tunables.idle_data_timeout * 1000,
      onProgress: (bytes) => (info.bytes = bytes),
    };
    const now = connection instanceof RawConnection && !session.protectData ? job.sendNow?.(connection.fd, ctl) : undefined;
    const alreadySent = now?.bytes ?? 0;
    let bytes = alreadySent;
    if (!now?.complete) {
      socket = connection instanceof RawConnection ? connection.toSocket() : connection;
      if (session.protectData) {
        const asClient = session.sscnClient || (passive !== undefined && cpsv);
        const log = (line: string) => session.server.emit('log', `[${session.id}] ${line}`);
        const handshake = asClient ? clientDataSocket(socket as never, tunables.connect_timeout * 1000, log) : secureDataSocket(socket as never, dataTls(session), tunables.connect_timeout * 1000);
        socket = await abortable(handshake, abort.signal);
        established = true;
      }
      const rest = alreadySent ? { ...ctl, onProgress: (more: number) => ctl.onProgress(alreadySent + more) } : ctl;
      bytes += await job.run(socket, rest, alreadySent);
    }
    info.ok = true;
    final = { code: Reply.TransferComplete, message: `Transfer complete (${bytes} bytes).` };
  } catch (err) {
    final = err instanceof FtpReplyError ? err : fsErrorToReply(err, job.path);
    info.ok = false;
    info.error = final.message;
  }
  passive?.close();
  socket?.destroy();
  if (connection) closeConnection(connection);
  // Cleanup (closing and trimming the file) happens before the final reply, so a client
  // that checks the size right after 226 sees the finished file.
  await job.cleanup?.(info, established).catch((err: Error) => session.server.emit('log', `[${session.id}] cleanup of ${job.path} failed: ${err.message}`));
  session.reply(final.code, final.message);
  session.transfer = undefined;
  session.server.emit('transfer-end', info);
  settle();
}
