import type { CommandSpec } from '../command-table';
import { stripListOptions, visitPath } from '../directory';
import { sendText } from '../../data/file-socket';
import { formatListLine, formatMlstEntry, mlstFormatter } from '../list-format';
import { encodeName } from '../name-bytes';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';
import { requireDataSetup, runTransfer } from '../transfer-runner';
import { usingHeld } from './files';
import { serverStatus } from './info';

type Format = 'LIST' | 'NLST' | 'MLSD';

/** Lines joined into flat chunks as they come: a long listing never holds one small string tree per line. */
class ListingText {
  private readonly chunks: string[] = [];
  private lines: string[] = [];

  add(line: string): void {
    if (this.lines.push(line) === 256) this.flush();
  }

  text(): string {
    this.flush();
    return this.chunks.join('');
  }

  private flush(): void {
    if (this.lines.length) this.chunks.push(this.lines.join('\r\n') + '\r\n');
    this.lines = [];
  }
}

async function listing(session: Session, arg: string, format: Format) {
  const now = Date.now();
  const formatMlst = mlstFormatter(session.user!.perms, session.mlstFacts);
  const out = new ListingText();
  const { target, isDirectory } = await usingHeld(session.fs!.hold(session.cwd, format === 'MLSD' ? arg : stripListOptions(arg)), async (dir) => ({
    target: dir.virtual,
    isDirectory: await visitPath(session.fs!, dir, (e) => out.add(format === 'LIST' ? formatListLine(e.name, e.stats, now) : format === 'NLST' ? e.name : formatMlst(e.name, e.stats))),
  }));
  if (format === 'MLSD' && !isDirectory) throw new FtpReplyError(Reply.FileUnavailable, `${target}: Not a directory (use MLST).`);
  return { target, text: out.text() };
}

function listingCommand(format: Format): CommandSpec {
  return {
    name: format,
    needsAuth: true,
    needsArg: 'optional',
    perm: 'l',
    help: `${format} [path]`,
    handler: async (session, arg) => {
      requireDataSetup(session);
      const { target, text } = await listing(session, arg, format);
      await runTransfer(session, {
        command: format,
        path: target,
        direction: 'listing',
        openingText: `Here comes the directory listing of ${target}.`,
        // Names that are not valid UTF-8 go out as their bytes on disk (name-bytes.ts).
        run: (socket, ctl) => sendText(encodeName(text), socket, ctl),
      });
    },
  };
}

export const listingCommands: CommandSpec[] = [
  listingCommand('LIST'),
  listingCommand('NLST'),
  listingCommand('MLSD'),
  {
    name: 'MLST',
    needsAuth: true,
    needsArg: 'optional',
    perm: 'l',
    help: 'MLST [path]',
    handler: async (session, arg) => {
      const { target, st: stats } = await session.fs!.existingWithStats(session.cwd, arg || '.');
      session.reply(Reply.FileActionOk, [`Listing ${target.virtual}`, ' ' + formatMlstEntry(target.virtual, stats, session.user!.perms, session.mlstFacts), 'End']);
    },
  },
  {
    name: 'STAT',
    needsAuth: false,
    needsArg: 'optional',
    help: 'STAT [path] (without a path: server and transfer status)',
    handler: async (session, arg) => {
      if (arg.trim() === '') return session.reply(Reply.SystemStatus, serverStatus(session));
      if (!session.user) throw new FtpReplyError(Reply.NotLoggedIn, 'Please log in with USER and PASS first.');
      if (!session.user.perms.includes('l')) throw new FtpReplyError(Reply.FileUnavailable, 'Permission denied.');
      const { target, text } = await listing(session, arg, 'LIST');
      const lines = text.split('\r\n').filter(Boolean).map((l) => ' ' + l);
      session.reply(Reply.FileStatus, [`Status of ${target}:`, ...lines, 'End of status']);
    },
  },
];
