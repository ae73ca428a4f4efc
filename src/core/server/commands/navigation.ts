import { promises as fsp } from 'node:fs';
import type { CommandSpec } from '../command-table';
import { FtpReplyError, Reply } from '../replies';
import { fsErrorToReply } from '../rooted-fs';
import type { Session } from '../session';

/** Quotes a path for a 257 reply: embedded double quotes are doubled (RFC 959 appendix II). */
export function quotePath(virtual: string): string {
  return `"${virtual.replace(/"/g, '""')}"`;
}

async function changeDirectory(session: Session, arg: string): Promise<void> {
  const target = await session.fs!.existing(session.cwd, arg);
  const st = await fsp.stat(target.real).catch((err) => {
    throw fsErrorToReply(err, target.virtual);
  });
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
