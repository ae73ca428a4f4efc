import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import type { CommandSpec } from '../command-table';
import { formatTimeVal, parseTimeVal } from '../list-format';
import { FtpReplyError, Reply } from '../../protocol/replies';
import { fsErrorToReply } from '../fs-errors';
import type { HeldPath } from '../rooted-fs';
import type { Session } from '../session';
import { quotePath } from './navigation';

/** Runs a filesystem call and turns its error into a reply naming the virtual path. */
export async function onDisk<T>(virtual: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw fsErrorToReply(err, virtual);
  }
}

/** Runs `action` on a held path and lets go of it afterwards, whatever happens. */
export async function usingHeld<T>(hold: Promise<HeldPath>, action: (held: HeldPath) => Promise<T>): Promise<T> {
  const target = await hold;
  try {
    return await onDisk(target.virtual, () => action(target));
  } finally {
    target.release();
  }
}

/**
 * Opens `arg` with `flags` and checks on the descriptor that it is a regular file (550
 * otherwise); the caller owns the descriptor.
 */
export async function openRegularFile(session: Session, arg: string, flags: number) {
  const { fd, ...target } = await session.fs!.open(session.cwd, arg, flags);
  const st = fs.fstatSync(fd);
  if (st.isFile()) return { target, st, fd };
  fs.closeSync(fd);
  throw new FtpReplyError(Reply.FileUnavailable, `${target.virtual}: Not a regular file.`);
}

/** Resolves `arg` to an existing regular file (550 otherwise) with its stats. */
export async function regularFile(session: Session, arg: string) {
  const { target, st } = await session.fs!.existingWithStats(session.cwd, arg);
  if (!st.isFile()) throw new FtpReplyError(Reply.FileUnavailable, `${target.virtual}: Not a regular file.`);
  return { target, st };
}

export const fileCommands: CommandSpec[] = [
  {
    name: 'MKD',
    needsAuth: true,
    needsArg: true,
    perm: 'm',
    help: 'MKD <path>',
    handler: async (session, arg) => {
      const target = await usingHeld(session.fs!.holdEntry(session.cwd, arg), async (entry) => {
        await fsp.mkdir(entry.at, 0o700);
        // chmod explicitly: mkdir's mode is filtered by the process umask, not local_umask.
        await fsp.chmod(entry.at, 0o777 & ~session.umask);
        return entry;
      });
      session.reply(Reply.PathCreated, `${quotePath(target.virtual)} created.`);
    },
  },
  {
    name: 'RMD',
    needsAuth: true,
    needsArg: true,
    perm: 'd',
    help: 'RMD <path>',
    handler: async (session, arg) => {
      if (session.fs!.virtualPath(session.cwd, arg) === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot remove the root directory.');
      const target = await usingHeld(session.fs!.holdEntry(session.cwd, arg), async (entry) => {
        await fsp.rmdir(entry.at);
        return entry;
      });
      session.reply(Reply.FileActionOk, `Directory ${target.virtual} removed.`);
    },
  },
  {
    name: 'DELE',
    needsAuth: true,
    needsArg: true,
    perm: 'd',
    help: 'DELE <path>',
    handler: async (session, arg) => {
      const target = await usingHeld(session.fs!.holdEntry(session.cwd, arg), async (entry) => {
        if ((await fsp.lstat(entry.at)).isDirectory()) throw new FtpReplyError(Reply.FileUnavailable, `${entry.virtual}: Is a directory (use RMD).`);
        await fsp.unlink(entry.at);
        return entry;
      });
      session.reply(Reply.FileActionOk, `File ${target.virtual} deleted.`);
    },
  },
  {
    name: 'RNFR',
    needsAuth: true,
    needsArg: true,
    perm: 'f',
    help: 'RNFR <path>',
    handler: async (session, arg) => {
      // A failed RNFR must not leave an earlier one pending for the next RNTO.
      session.renameFrom = undefined;
      if (session.fs!.virtualPath(session.cwd, arg) === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot rename the root directory.');
      const source = await session.fs!.holdEntry(session.cwd, arg);
      // The folder stays held until RNTO: what is renamed is the entry checked now.
      await onDisk(source.virtual, () => fsp.lstat(source.at)).catch((err) => {
        source.release();
        throw err;
      });
      session.renameFrom = source;
      session.reply(Reply.PendingFurtherInfo, 'Ready for RNTO.');
    },
  },
  {
    name: 'RNTO',
    needsAuth: true,
    needsArg: true,
    perm: 'f',
    after: { check: (s) => s.renameFrom !== undefined, text: 'Send RNFR first.' },
    help: 'RNTO <path>',
    handler: async (session, arg) => {
      const source = session.renameFrom!;
      const virtual = session.fs!.virtualPath(session.cwd, arg);
      if (virtual === source.virtual || virtual.startsWith(source.virtual + '/')) {
        throw new FtpReplyError(Reply.FileNameNotAllowed, `${virtual}: Cannot move a directory into itself.`);
      }
      const target = await usingHeld(session.fs!.holdEntry(session.cwd, arg), async (entry) => {
        await fsp.rename(source.at, entry.at);
        return entry;
      });
      session.reply(Reply.FileActionOk, `Renamed ${source.virtual} to ${target.virtual}.`);
    },
  },
  {
    name: 'SIZE',
    needsAuth: true,
    needsArg: true,
    perm: 'l',
    help: 'SIZE <path> (always the binary size: transfers are never converted)',
    handler: async (session, arg) => {
      const { st } = await regularFile(session, arg);
      session.reply(Reply.FileStatus, String(st.size));
    },
  },
  {
    name: 'MDTM',
    needsAuth: true,
    needsArg: true,
    perm: 'l',
    help: 'MDTM <path> (UTC)',
    handler: async (session, arg) => {
      const { st } = await regularFile(session, arg);
      session.reply(Reply.FileStatus, formatTimeVal(st.mtime));
    },
  },
  {
    name: 'MFMT',
    needsAuth: true,
    needsArg: true,
    perm: 'T',
    help: 'MFMT <YYYYMMDDHHMMSS> <path> (UTC)',
    handler: async (session, arg) => {
      const space = arg.indexOf(' ');
      const when = space > 0 ? parseTimeVal(arg.slice(0, space)) : undefined;
      if (!when) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: MFMT YYYYMMDDHHMMSS path');
      const target = await usingHeld(session.fs!.hold(session.cwd, arg.slice(space + 1)), async (file) => {
        if (!(await fsp.stat(file.at)).isFile()) throw new FtpReplyError(Reply.FileUnavailable, `${file.virtual}: Not a regular file.`);
        await fsp.utimes(file.at, when, when);
        return file;
      });
      session.reply(Reply.FileStatus, `Modify=${formatTimeVal(when)}; ${target.virtual}`);
    },
  },
];
