import { commandNames, COMMANDS, splitCommand } from '../command-table';
import type { CommandSpec } from '../command-table';
import { MLST_FACTS, MlstFact } from '../list-format';
import { hashFeature, optsHash } from './hash';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';

/** FEAT lines (RFC 2389): each starts with a space. AUTH TLS only when TLS is on. */
function features(session: Session): string[] {
  const mlst = MLST_FACTS.map((f) => `${f}${session.mlstFacts.has(f) ? '*' : ''};`).join('');
  const lines = [' EPRT', ' EPSV', hashFeature(session.hashAlgorithm), ' MDTM', ' MFMT', ` MLST ${mlst}`, ' PASV', ' REST STREAM', ' SIZE', ' TVFS', ' UTF8'];
  if (session.server.tlsContext) lines.unshift(' AUTH TLS', ' CPSV', ' PBSZ', ' PROT', ' SSCN');
  return lines.sort();
}

/** The STAT (no argument) text: who, how, and the running transfer if any. */
export function serverStatus(session: Session): string[] {
  const t = session.server.tunables;
  const lines = [
    'Ferry FTP server status:',
    ` Connected from ${session.remoteAddress}`,
    session.user ? ` Logged in as ${session.user.name}` : ' Not logged in',
    ' TYPE: BINARY (ASCII is accepted, transfers are never converted), STRUcture: File, MODE: Stream',
    ` Control connection: ${session.secure ? 'TLS' : 'plain'}; data protection: ${session.protectData ? 'private' : 'clear'}`,
    ` Idle timeouts: control ${t.idle_ctrl_timeout} s, data ${t.idle_data_timeout} s`,
  ];
  const transfer = session.transfer?.info;
  if (transfer) lines.push(` ${transfer.command} ${transfer.path}: ${transfer.bytes} bytes transferred`);
  lines.push('End of status');
  return lines;
}

function acceptOnly(name: string, accepted: RegExp, meaning: string): CommandSpec {
  return {
    name,
    needsAuth: false,
    needsArg: true,
    help: `${name} ${meaning}`,
    handler: (session, arg) => {
      if (!accepted.test(arg.trim())) throw new FtpReplyError(Reply.NotImplementedForParameter, `${name} ${arg} is not supported; only ${meaning}.`);
      session.reply(Reply.Ok, `${name} set to ${arg.trim().toUpperCase()}.`);
    },
  };
}

export const infoCommands: CommandSpec[] = [
  {
    name: 'TYPE',
    needsAuth: false,
    needsArg: true,
    help: 'TYPE A|I (ASCII is accepted but transfers stay binary)',
    handler: (session, arg) => {
      const type = arg.trim().toUpperCase();
      if (type === 'I' || type === 'L 8') return session.reply(Reply.Ok, 'Switching to Binary mode.');
      // Line endings are never converted; ASCII is accepted so clients that ask for it still work.
      if (type === 'A' || type === 'A N') return session.reply(Reply.Ok, 'Switching to ASCII mode (transfers stay binary).');
      throw new FtpReplyError(Reply.NotImplementedForParameter, `TYPE ${arg} is not supported.`);
    },
  },
  acceptOnly('MODE', /^S$/i, 'S (stream)'),
  acceptOnly('STRU', /^F$/i, 'F (file)'),
  { name: 'SYST', needsAuth: false, needsArg: false, help: 'SYST', handler: (s) => s.reply(Reply.SystemType, 'UNIX Type: L8') },
  { name: 'NOOP', needsAuth: false, needsArg: false, help: 'NOOP', handler: (s) => s.reply(Reply.Ok, 'NOOP ok.') },
  { name: 'ALLO', needsAuth: true, needsArg: 'optional', help: 'ALLO <bytes>', handler: (s) => s.reply(Reply.Superfluous, 'ALLO not needed.') },
  {
    name: 'FEAT',
    needsAuth: false,
    needsArg: false,
    help: 'FEAT',
    handler: (session) => session.reply(Reply.SystemStatus, ['Features:', ...features(session), 'End']),
  },
  {
    name: 'OPTS',
    needsAuth: false,
    needsArg: true,
    help: 'OPTS UTF8 ON | OPTS MLST fact;fact;... | OPTS HASH [algorithm]',
    handler: (session, arg) => {
      const [option, ...rest] = arg.trim().split(/\s+/);
      const value = rest.join(' ');
      switch (option.toUpperCase()) {
        case 'UTF8':
        case 'UTF-8':
          if (value.toUpperCase() === 'ON' || value === '') return session.reply(Reply.Ok, 'Always in UTF8 mode.');
          throw new FtpReplyError(Reply.NotImplementedForParameter, 'UTF8 cannot be switched off: names are always UTF-8.');
        case 'HASH': {
          const chosen = optsHash(session.hashAlgorithm, value);
          session.hashAlgorithm = chosen.algorithm;
          return session.reply(Reply.Ok, chosen.text);
        }
        case 'MLST': {
          const wanted = value.toLowerCase().split(';').filter(Boolean);
          const known = wanted.filter((f): f is MlstFact => (MLST_FACTS as readonly string[]).includes(f));
          session.mlstFacts = new Set(known);
          return session.reply(Reply.Ok, `MLST OPTS ${known.map((f) => f + ';').join('')}`);
        }
        default:
          throw new FtpReplyError(Reply.ArgumentSyntaxError, `OPTS ${option} is not understood.`);
      }
    },
  },
  {
    name: 'HELP',
    needsAuth: false,
    needsArg: 'optional',
    help: 'HELP [command]',
    handler: (session, arg) => {
      const asked = arg.trim().toUpperCase();
      if (asked) {
        // Aliases (XPWD, XMKD, CHMOD, ...) are listed by HELP, so HELP <alias> must know them too.
        const spec = COMMANDS.get(splitCommand(asked).name);
        if (!spec) throw new FtpReplyError(Reply.NotImplemented, `Unknown command ${asked}.`);
        return session.reply(Reply.Help, `Syntax: ${spec.help}`);
      }
      const names = commandNames();
      const rows: string[] = [];
      for (let i = 0; i < names.length; i += 8) rows.push(' ' + names.slice(i, i + 8).map((n) => n.padEnd(6)).join(' '));
      session.reply(Reply.Help, ['The following commands are recognized:', ...rows, 'Transfers are always binary (TYPE A is accepted, line endings are never converted). Help ok.']);
    },
  },
];
