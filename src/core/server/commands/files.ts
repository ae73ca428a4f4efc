import { promises as fsp } from 'node:fs';
import type { CommandSpec } from '../command-table';
import { formatTimeVal, parseTimeVal } from '../listing';
import { FtpReplyError, Reply } from '../replies';
import { fsErrorToReply } from '../rooted-fs';
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
      const target = await session.fs!.creatable(session.cwd, arg);
      await onDisk(target.virtual, async () => {
        await fsp.mkdir(target.real);
        // chmod explicitly: mkdir's mode is filtered by the process umask, not local_umask.
        await fsp.chmod(target.real, 0o777 & ~session.umask);
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
      const target = await session.fs!.existing(session.cwd, arg);
      if (target.virtual === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot remove the root directory.');
      await onDisk(target.virtual, () => fsp.rmdir(target.real));
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
      const target = await session.fs!.existing(session.cwd, arg);
      const st = await onDisk(target.virtual, () => fsp.lstat(target.real));
      if (st.isDirectory()) throw new FtpReplyError(Reply.FileUnavailable, `${target.virtual}: Is a directory (use RMD).`);
      await onDisk(target.virtual, () => fsp.unlink(target.real));
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
      const source = await session.fs!.existing(session.cwd, arg);
      if (source.virtual === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot rename the root directory.');
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
      const target = await session.fs!.creatable(session.cwd, arg);
      if (target.virtual === source.virtual || target.virtual.startsWith(source.virtual + '/')) {
        throw new FtpReplyError(Reply.FileNameNotAllowed, `${target.virtual}: Cannot move a directory into itself.`);
      }
      await onDisk(target.virtual, () => fsp.rename(source.real, target.real));
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
      const { target } = await regularFile(session, arg.slice(space + 1));
      await onDisk(target.virtual, () => fsp.utimes(target.real, when, when));
      session.reply(Reply.FileStatus, `Modify=${formatTimeVal(when)}; ${target.virtual}`);
    },
  },
];
