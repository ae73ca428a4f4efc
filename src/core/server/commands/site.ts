import { promises as fsp } from 'node:fs';
import type { CommandSpec } from '../command-table';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';
import { usingHeld } from './files';

const OCTAL_MODE = /^[0-7]{3,4}$/;

async function chmod(session: Session, rest: string): Promise<void> {
  if (!session.user!.perms.includes('M')) throw new FtpReplyError(Reply.FileUnavailable, 'Permission denied.');
  const match = /^(\S+)\s+(.+)$/.exec(rest);
  if (!match || !OCTAL_MODE.test(match[1])) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: SITE CHMOD <octal mode> <path>');
  const mode = parseInt(match[1], 8);
  // setuid/setgid/sticky on an uploaded file is never what an FTP user should be able to do.
  if (mode > 0o777) throw new FtpReplyError(Reply.FileUnavailable, 'Setting setuid, setgid or sticky bits is not allowed.');
  const target = await usingHeld(session.fs!.hold(session.cwd, match[2]), async (file) => {
    await fsp.chmod(file.at, mode);
    return file;
  });
  session.reply(Reply.Ok, `SITE CHMOD command ok: ${target.virtual} is now ${match[1].padStart(4, '0')}.`);
}

function umask(session: Session, rest: string): void {
  const text = rest.trim();
  if (text === '') return session.reply(Reply.Ok, `Your current UMASK is 0${session.umask.toString(8).padStart(3, '0')}.`);
  if (!/^0?[0-7]{1,3}$/.test(text)) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: SITE UMASK <octal mask>');
  session.umask = parseInt(text, 8);
  session.reply(Reply.Ok, `UMASK set to 0${session.umask.toString(8).padStart(3, '0')}.`);
}

export const siteCommands: CommandSpec[] = [
  {
    name: 'SITE',
    needsAuth: true,
    needsArg: true,
    help: 'SITE CHMOD <mode> <path> | SITE UMASK [mask] | SITE HELP',
    handler: async (session, arg) => {
      const space = arg.indexOf(' ');
      const sub = (space < 0 ? arg : arg.slice(0, space)).toUpperCase();
      const rest = space < 0 ? '' : arg.slice(space + 1);
      switch (sub) {
        case 'CHMOD':
          return chmod(session, rest);
        case 'UMASK':
          return umask(session, rest);
        case 'HELP':
          return session.reply(Reply.Help, ['SITE commands:', ' CHMOD <octal mode> <path>', ' UMASK [octal mask]', ' HELP', 'End']);
        default:
          throw new FtpReplyError(Reply.NotImplemented, `SITE ${sub} is not understood (try SITE HELP).`);
      }
    },
  },
];
