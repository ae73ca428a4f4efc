import * as fs from 'node:fs';
import { promises as fsp, Stats } from 'node:fs';
import type { CommandSpec } from '../command-table';
import { receiveFile, sendFile, sendNow } from '../../data/file-socket';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';
import { requireDataSetup, runTransfer } from '../transfer-runner';
import { fsErrorToReply } from '../fs-errors';
import type { ResolvedPath } from '../rooted-fs';
import { lockForWriting } from '../write-locks';
import { usingHeld } from './files';

/**
 * The opened file must be a regular file that reaches the REST offset; otherwise it is closed
 * again (`close`) and the client gets 550 or 554.
 */
function checkOpened(st: Stats, virtual: string, offset: number, close: () => void): Stats {
  if (st.isFile() && offset <= st.size) return st;
  close();
  if (!st.isFile()) throw new FtpReplyError(Reply.FileUnavailable, `${virtual}: Not a regular file.`);
  throw new FtpReplyError(Reply.InvalidRestartPosition, `REST offset ${offset} is beyond the end of ${virtual} (${st.size} bytes).`);
}

function takeRestOffset(session: Session): number {
  const offset = session.restOffset;
  session.restOffset = 0;
  return offset;
}

async function retrieve(session: Session, arg: string): Promise<void> {
  requireDataSetup(session);
  const offset = takeRestOffset(session);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (it is refused below).
  const { fd, ...target } = await session.fs!.open(session.cwd, arg, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  // Closing a file that was only read never waits for a disk: no thread-pool trip for it.
  const st = checkOpened(fs.fstatSync(fd), target.virtual, offset, () => fs.closeSync(fd));
  await runTransfer(session, {
    command: 'RETR',
    path: target.virtual,
    direction: 'download',
    openingText: `Opening BINARY mode data connection for ${target.virtual} (${st.size - offset} bytes${offset ? ` from offset ${offset}` : ''}).`,
    sendNow: (socketFd, ctl) => sendNow(fd, offset, socketFd, ctl, st.size),
    run: (socket, ctl, alreadySent) => sendFile(fd, offset + alreadySent, socket, ctl, st.size),
    cleanup: async () => fs.closeSync(fd),
  });
}

/**
 * Opens the upload target without truncating it: truncating a large file first costs time
 * and would destroy it if the upload then failed; the file is trimmed to what was written when
 * the transfer ends instead. New files get 0666 & ~umask, set explicitly because open()'s mode
 * is filtered by the process umask, not local_umask. A REST offset needs the file to exist:
 * resuming into nothing is an error (554), and must not leave an empty file behind. APPE opens
 * with O_APPEND, so what it writes lands at the end even if another process appends meanwhile.
 */
async function openForUpload(session: Session, arg: string, offset: number, append: boolean) {
  const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NONBLOCK } = fs.constants;
  // O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of holding a thread-pool thread.
  const existing = O_WRONLY | O_NONBLOCK | (append ? O_APPEND : 0);
  if (offset > 0) return { ...(await session.fs!.open(session.cwd, arg, existing)), created: false };
  let opened: ResolvedPath & { fd: number };
  try {
    opened = await session.fs!.open(session.cwd, arg, O_WRONLY | O_CREAT | O_EXCL | (append ? O_APPEND : 0), 0o600);
  } catch (err) {
    if ((err as FtpReplyError).errno !== 'EEXIST') throw err;
    return { ...(await session.fs!.open(session.cwd, arg, existing)), created: false };
  }
  try {
    await new Promise<void>((resolve, reject) => fs.fchmod(opened.fd, 0o666 & ~session.umask, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    fs.closeSync(opened.fd);
    throw fsErrorToReply(err, opened.virtual);
  }
  return { ...opened, created: true };
}

async function store(session: Session, arg: string, append: boolean): Promise<void> {
  requireDataSetup(session);
  const offset = takeRestOffset(session);
  if (append && offset > 0) throw new FtpReplyError(Reply.BadSequence, 'APPE cannot follow REST: use REST with STOR to resume.');
  const { fd, virtual, created } = await openForUpload(session, arg, offset, append).catch((err: FtpReplyError) =>
    Promise.reject(offset > 0 && err.errno === 'ENOENT' ? restBeyondEnd(arg, offset) : err),
  );
  const close = () => fs.close(fd, () => undefined);
  // fstat of an open descriptor reads the in-memory inode: no thread-pool trip needed.
  const st = checkOpened(fs.fstatSync(fd), virtual, offset, close);
  const unlock = lockForWriting(st);
  if (!unlock) {
    close();
    throw new FtpReplyError(Reply.FileBusy, `${virtual}: Another upload to this file is in progress; try again when it ends.`);
  }
  const start = append ? st.size : offset;
  await runTransfer(session, {
    command: append ? 'APPE' : 'STOR',
    path: virtual,
    direction: 'upload',
    openingText: `Ok to send data for ${virtual}${start ? ` from offset ${start}` : ''}.`,
    run: (socket, ctl) => receiveFile(fd, start, socket, ctl),
    cleanup: async (info, connected) => {
      try {
        // Keep exactly what arrived (even after a dropped connection, so the client can resume).
        // An append has no stale tail to trim, and other appenders' data may follow its own.
        if (connected && !append) await new Promise<void>((resolve, reject) => fs.ftruncate(fd, start + info.bytes, (err) => (err ? reject(err) : resolve())));
      } finally {
        unlock();
        close();
      }
      if (!connected && created) await usingHeld(session.fs!.holdEntry('/', virtual), (entry) => fsp.unlink(entry.at)).catch(() => undefined);
    },
  });
}

function restBeyondEnd(arg: string, offset: number): FtpReplyError {
  return new FtpReplyError(Reply.InvalidRestartPosition, `REST offset ${offset} is beyond the end of ${arg} (it does not exist).`);
}

export const transferCommands: CommandSpec[] = [
  { name: 'RETR', needsAuth: true, needsArg: true, perm: 'r', help: 'RETR <path>', handler: retrieve },
  { name: 'STOR', needsAuth: true, needsArg: true, perm: 'w', help: 'STOR <path>', handler: (s, arg) => store(s, arg, false) },
  { name: 'APPE', needsAuth: true, needsArg: true, perm: 'a', help: 'APPE <path>', handler: (s, arg) => store(s, arg, true) },
  {
    name: 'REST',
    needsAuth: true,
    needsArg: true,
    help: 'REST <offset> (before RETR or STOR)',
    handler: (session, arg) => {
      const text = arg.trim();
      if (!/^\d{1,15}$/.test(text)) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'REST needs a byte offset (a whole number).');
      session.restOffset = Number(text);
      session.reply(Reply.PendingFurtherInfo, `Restarting at ${session.restOffset}. Send RETR or STOR to continue.`);
    },
  },
  {
    name: 'ABOR',
    needsAuth: true,
    needsArg: false,
    help: 'ABOR',
    handler: async (session) => {
      const transfer = session.transfer;
      if (!transfer) {
        session.clearDataSetup();
        return session.reply(Reply.TransferComplete, 'No transfer to abort.');
      }
      // The transfer command answers 426 first; ABOR's 226 must follow it (RFC 959 §4.1.3).
      transfer.abort.abort();
      await transfer.done;
      session.reply(Reply.TransferComplete, 'ABOR successful.');
    },
  },
];
