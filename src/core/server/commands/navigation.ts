import type { CommandSpec } from '../command-table';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';

/** Quotes a path for a 257 reply: embedded double quotes are doubled (RFC 959 appendix II). */
export function quotePath(virtual: string): string {
  return `"${virtual.replace(/"/g, '""')}"`;
}

async function changeDirectory(session: Session, arg: string): Promise<void> {
  const { target, st } = await session.fs!.existingWithStats(session.cwd, arg);
  if (!st.isDirectory()) throw new FtpReplyError(Reply.FileUnavailable, `${target.virtual}: Not a directory.`);
  session.cwd = target.virtual;
  session.reply(Reply.FileActionOk, `Directory changed to ${target.virtual}.`);
}

export const navigationCommands: CommandSpec[] = [
  {
    name: 'PWD',
    needsAuth: true,
    needsArg: false,
    help: 'PWD',
    handler: (session) => session.reply(Reply.PathCreated, `${quotePath(session.cwd)} is the current directory.`),
  },
  { name: 'CWD', needsAuth: true, needsArg: true, perm: 'e', help: 'CWD <path>', handler: changeDirectory },
  { name: 'CDUP', needsAuth: true, needsArg: false, perm: 'e', help: 'CDUP', handler: (session) => changeDirectory(session, '..') },
];
