import { ActiveTarget, connectActive } from './active-target';
import { closeConnection, DataConnection, RawConnection } from './data-connection';
import type { PassiveListener } from './passive-listener';
import { plainAddress } from '../net/address';
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

/** The data setup PASV/EPSV/PORT/EPRT (and CPSV) made, taken from the session: each serves one transfer. */
interface DataSetup {
  passive?: PassiveListener;
  active?: ActiveTarget;
  cpsv: boolean;
}

function takeDataSetup(session: Session): DataSetup {
  const setup = { passive: session.passive, active: session.active, cpsv: session.cpsvPending };
  session.passive = undefined;
  session.active = undefined;
  session.cpsvPending = false;
  return setup;
}

/** What a transfer holds open and how far it got, for the cleanup after it. */
interface TransferState {
  connection?: DataConnection;
  socket?: DataSocket;
  /** Whether the data connection was ever established (see moveData). */
  established: boolean;
}

/** Sends the 150, then resolves with the data connection (passive: accepted, active: connected). */
function openData(session: Session, job: TransferSpec, setup: DataSetup): Promise<DataConnection> {
  const { tunables } = session.server;
  const upload = job.direction === 'upload';
  // A passive connection that is already there is claimed before the 150 goes out: a client
  // that drops it as soon as it reads the 150 has aborted a started transfer (426), it did
  // not close it "before the transfer command" (425). Waiting for one that is not there yet
  // starts after the 150, whose write restarts the idle timer first: when accept_timeout and
  // idle_ctrl_timeout fall due in the same pass, the idle one then fires while the transfer
  // still holds it off, instead of right after the 425.
  const claimed = setup.passive?.claimPending(upload);
  session.reply(Reply.OpeningData, job.openingText);
  if (claimed) return claimed;
  if (setup.passive) return setup.passive.accept(tunables.accept_timeout * 1000, upload);
  return connectActive(setup.active!, plainAddress(session.socket.localAddress), tunables.connect_timeout * 1000);
}

/** PROT P: the TLS handshake on the data socket, as TLS client after SSCN ON or CPSV (server-to-server), else as TLS server. */
function secureData(session: Session, socket: DataSocket, setup: DataSetup): Promise<DataSocket> {
  const timeoutMs = session.server.tunables.connect_timeout * 1000;
  if (session.sscnClient || (setup.passive !== undefined && setup.cpsv)) {
    return clientDataSocket(socket as never, timeoutMs, (line: string) => session.server.emit('log', `[${session.id}] ${line}`));
  }
  return secureDataSocket(socket as never, dataTls(session), timeoutMs);
}

/** Opens the data connection and moves the bytes; resolves with their count. */
async function moveData(session: Session, job: TransferSpec, setup: DataSetup, info: TransferInfo, signal: AbortSignal, state: TransferState): Promise<number> {
  const connection = await abortable(openData(session, job, setup), signal);
  state.connection = connection;
  // With TLS the data connection is there only after its handshake: one refused there (no
  // TLS, not the control connection's session) has moved no byte, and an upload's cleanup
  // must neither trim the file nor keep one it created.
  state.established = !session.protectData;
  const ctl: TransferControl = {
    signal,
    buckets: session.buckets(job.direction === 'upload' ? 'upload' : 'download'),
    idleTimeoutMs: session.server.tunables.idle_data_timeout * 1000,
    onProgress: (bytes) => (info.bytes = bytes),
  };
  const now = connection instanceof RawConnection && !session.protectData ? job.sendNow?.(connection.fd, ctl) : undefined;
  const alreadySent = now?.bytes ?? 0;
  if (now?.complete) return alreadySent;
  state.socket = connection instanceof RawConnection ? connection.toSocket() : connection;
  if (session.protectData) {
    state.socket = await abortable(secureData(session, state.socket, setup), signal);
    state.established = true;
  }
  const rest = alreadySent ? { ...ctl, onProgress: (more: number) => ctl.onProgress(alreadySent + more) } : ctl;
  return alreadySent + (await job.run(state.socket, rest, alreadySent));
}

/**
 * Runs a transfer command from the 150 to the final reply. The 150 goes out before the
 * data connection is awaited: clients that connect only after seeing it would otherwise
 * deadlock (ftp-srv #366). The data setup is consumed: each PASV/PORT serves one transfer.
 */
export async function runTransfer(session: Session, job: TransferSpec): Promise<void> {
  const setup = takeDataSetup(session);
  const abort = new AbortController();
  const info: TransferInfo = { sessionId: session.id, user: session.user?.name ?? '', command: job.command, path: job.path, direction: job.direction, startedAt: new Date(), bytes: 0 };
  let settle!: () => void;
  session.transfer = { info, abort, done: new Promise<void>((resolve) => (settle = resolve)) };
  session.server.emit('transfer-start', info);
  const state: TransferState = { established: false };
  // A plain reply for success: an Error would capture a stack trace per transfer for nothing.
  let final: { code: number; message: string };
  try {
    const bytes = await moveData(session, job, setup, info, abort.signal, state);
    info.ok = true;
    final = { code: Reply.TransferComplete, message: `Transfer complete (${bytes} bytes).` };
  } catch (err) {
    final = err instanceof FtpReplyError ? err : fsErrorToReply(err, job.path);
    info.ok = false;
    info.error = final.message;
  }
  setup.passive?.close();
  state.socket?.destroy();
  if (state.connection) closeConnection(state.connection);
  // Cleanup (closing and trimming the file) happens before the final reply, so a client
  // that checks the size right after 226 sees the finished file.
  await job.cleanup?.(info, state.established).catch((err: Error) => session.server.emit('log', `[${session.id}] cleanup of ${job.path} failed: ${err.message}`));
  session.reply(final.code, final.message);
  session.transfer = undefined;
  session.server.emit('transfer-end', info);
  settle();
}
