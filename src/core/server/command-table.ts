import { Permission } from './permissions';
import { FtpReplyError, Reply } from '../protocol/replies';
import type { Session } from './session';
import { authCommands } from './commands/auth';
import { dataSetupCommands } from './commands/data-setup';
import { fileCommands } from './commands/files';
import { hashCommands } from './commands/hash';
import { infoCommands } from './commands/info';
import { listingCommands } from './commands/listings';
import { navigationCommands } from './commands/navigation';
import { siteCommands } from './commands/site';
import { tlsCommands } from './commands/tls';
import { transferCommands } from './commands/transfers';

/**
 * One row of the command table. The dispatcher checks everything a row declares before the
 * handler runs, so handlers contain only the command's own logic (pyftpdlib's design).
 */
export interface CommandSpec {
  name: string;
  /** 530 before login. */
  needsAuth: boolean;
  /** true: 501 without an argument; false: 501 with one; 'optional': either. */
  needsArg: boolean | 'optional';
  /** 550 unless the user has this permission letter. */
  perm?: Permission;
  /** 503 unless the session is in the state this command must follow (PASS after USER, RNTO after RNFR, ...). */
  after?: { check: (s: Session) => boolean; text: string };
  /** One-line syntax shown by HELP. */
  help: string;
  handler: (session: Session, arg: string) => void | Promise<void>;
}

const ALIASES: Record<string, string> = { XPWD: 'PWD', XCWD: 'CWD', XCUP: 'CDUP', XMKD: 'MKD', XRMD: 'RMD', CHMOD: 'SITE CHMOD' };

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [...authCommands, ...navigationCommands, ...fileCommands, ...hashCommands, ...transferCommands, ...listingCommands, ...dataSetupCommands, ...infoCommands, ...tlsCommands, ...siteCommands].map(
    (spec) => [spec.name, spec],
  ),
);

/** Command names for HELP, aliases included. */
export function commandNames(): string[] {
  return [...COMMANDS.keys(), ...Object.keys(ALIASES)].filter((n) => !n.includes(' ')).sort();
}

/** Splits "CMD arg" into the upper-cased name (stray Telnet bytes dropped) and the raw argument. */
export function splitCommand(line: string): { name: string; arg: string } {
  const space = line.indexOf(' ');
  const word = space < 0 ? line : line.slice(0, space);
  const arg = space < 0 ? '' : line.slice(space + 1);
  let name = word.replace(/^[^A-Za-z]+/, '').toUpperCase();
  const alias = ALIASES[name];
  if (alias === 'SITE CHMOD') return { name: 'SITE', arg: `CHMOD ${arg}` };
  if (alias) name = alias;
  return { name, arg };
}

/** Commands that act at once while a transfer runs, instead of waiting in the queue. */
export function runsDuringTransfer(line: string): boolean {
  const { name, arg } = splitCommand(line);
  return name === 'ABOR' || (name === 'STAT' && arg.trim() === '');
}

/** Runs one command line with the central checks; every error ends as a reply. */
export async function dispatchCommand(session: Session, line: string): Promise<void> {
  const { name, arg } = splitCommand(line);
  const spec = COMMANDS.get(name);
  session.server.emit('log', `[${session.id}] > ${name === 'PASS' ? 'PASS ****' : line}`);
  if (!spec) return session.reply(Reply.SyntaxError, `Unknown command "${name.slice(0, 32)}".`);
  session.lastCommand = name;
  const keepRename = name === 'RNFR';
  try {
    if (spec.needsAuth && !session.user) throw new FtpReplyError(Reply.NotLoggedIn, 'Please log in with USER and PASS first.');
    if (spec.needsArg === true && arg.trim() === '') throw new FtpReplyError(Reply.ArgumentSyntaxError, `${name} needs an argument.`);
    if (spec.needsArg === false && arg.trim() !== '') throw new FtpReplyError(Reply.ArgumentSyntaxError, `${name} takes no argument.`);
    if (spec.perm && !session.user?.perms.includes(spec.perm)) throw new FtpReplyError(Reply.FileUnavailable, 'Permission denied.');
    if (spec.after && !spec.after.check(session)) throw new FtpReplyError(Reply.BadSequence, spec.after.text);
    await spec.handler(session, arg);
  } catch (err) {
    if (err instanceof FtpReplyError) {
      session.reply(err.code, err.message);
    } else {
      session.server.emit('log', `[${session.id}] internal error in ${name}: ${(err as Error)?.stack ?? err}`);
      session.reply(Reply.LocalError, 'Local error in processing; the server log has the details.');
    }
  } finally {
    if (!keepRename) session.renameFrom = undefined;
  }
}
