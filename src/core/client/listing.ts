import { FileInfo, FTPError, parseList } from 'basic-ftp';
import * as net from 'node:net';
import * as path from 'node:path';
import type { FtpConnection } from './connection';
import { formatZone, mdtmOffset, readMdtm, zoneOffset } from './modified-time';
import { parseListDate, RemoteEntry, toRemoteEntry } from './remote-entry';
import { runDataCommand } from './transfer';
import { COMMAND_NOT_ACCEPTED, Reply } from '../protocol/replies';

type ListCommand = 'MLSD' | 'LIST -a' | 'LIST';

/** Reads a data connection to the end as text in the site's encoding. */
function collectText(conn: FtpConnection, into: { text: string }) {
  return (socket: net.Socket) =>
    new Promise<void>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onEnd = () => {
        const decoded = conn.codec.decodeReport(Buffer.concat(chunks));
        conn.noteUndecodable(decoded.undecodable);
        into.text = decoded.text;
        resolve();
      };
      // An empty listing may have ended before this listener existed (see receiveFile).
      if (socket.readableEnded) return onEnd();
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.once('end', onEnd);
      socket.once('error', reject);
      // Data sockets may arrive paused (for the native data path): a 'data' listener alone would not start them.
      socket.resume();
    });
}

/**
 * LIST-family commands get no path argument: many servers mis-parse names with spaces or
 * leading dashes there, so the connection changes into the directory and back instead.
 * MLSD takes the path as its argument, as RFC 3659 defines it.
 */
async function fetchListing(conn: FtpConnection, command: ListCommand, dir: string): Promise<string> {
  const out = { text: '' };
  if (command === 'MLSD') {
    await runDataCommand(conn, dir ? `MLSD ${dir}` : 'MLSD', collectText(conn, out));
    return out.text;
  }
  if (dir) await conn.client.send(`CWD ${dir}`);
  try {
    await runDataCommand(conn, command, collectText(conn, out));
  } finally {
    if (dir) await conn.client.send(`CWD ${conn.home}`);
  }
  return out.text;
}

/**
 * Lists a directory: MLSD when FEAT says so, else `LIST -a` (dot-files), else `LIST`;
 * the command that worked is remembered for the site. `.` and `..` are dropped.
 */
export async function listDirectory(conn: FtpConnection, dir: string): Promise<RemoteEntry[]> {
  const caps = conn.capabilities;
  const candidates: ListCommand[] = caps.listCommand ? [caps.listCommand] : caps.mlsd ? ['MLSD', 'LIST -a', 'LIST'] : ['LIST -a', 'LIST'];
  for (let i = 0; ; i++) {
    const command = candidates[i];
    try {
      const text = await fetchListing(conn, command, dir);
      if (caps.listCommand !== command) conn.log(`listing with ${command}`);
      caps.listCommand = command;
      const infos = parseList(text).filter((info) => info.name !== '.' && info.name !== '..');
      const offset = command === 'MLSD' ? 0 : await listTimeOffset(conn, dir, infos);
      return infos.map((info) => toRemoteEntry(info, dir, offset));
    } catch (err) {
      // Try the next command only when the server rejects this one's syntax, not for a missing directory.
      const rejected = err instanceof FTPError && COMMAND_NOT_ACCEPTED.includes(err.code);
      if (!rejected || i + 1 >= candidates.length) throw err;
    }
  }
}

/**
 * How far the server's LIST dates run ahead of UTC: the site's setting, else detected once per
 * connection as WinSCP does. LIST shows the server's local time (proftpd TimesGMT off, pure-ftpd,
 * vsftpd use_localtime=YES, most Windows servers) while MDTM is UTC (RFC 3659 §3), so one file with
 * a minute-precise LIST date and its MDTM give the zone offset. Where MDTM is local time too
 * (vsftpd), the MDTM zone learned from an upload is added (modified-time.ts). Without such a file
 * (or MDTM) the dates stay as listed, and the next listing tries again.
 */
async function listTimeOffset(conn: FtpConnection, dir: string, infos: FileInfo[]): Promise<number> {
  const caps = conn.capabilities;
  if (conn.settings.listTimeOffsetMinutes !== undefined) return conn.settings.listTimeOffsetMinutes * 60_000;
  if (caps.listAheadOfMdtmMs === undefined && caps.mdtm) await compareListWithMdtm(conn, dir, infos);
  return (caps.listAheadOfMdtmMs ?? 0) + mdtmOffset(conn);
}

async function compareListWithMdtm(conn: FtpConnection, dir: string, infos: FileInfo[]): Promise<void> {
  const sample = infos.find((info) => info.isFile && !info.modifiedAt && /\d:\d\d/.test(info.rawModifiedAt));
  const listed = sample && parseListDate(sample.rawModifiedAt);
  if (!sample || !listed) return;
  const samplePath = toRemoteEntry(sample, dir).path;
  const exact = await conn.client.lastMod(samplePath).catch((err) => {
    if (err instanceof FTPError) return undefined;
    throw err;
  });
  // LIST drops the seconds: the listed minute is at most 59 s before the exact time.
  const ahead = exact && zoneOffset(listed.getTime() - exact.getTime(), 60_000);
  if (ahead === undefined) return;
  conn.capabilities.listAheadOfMdtmMs = ahead;
  if (ahead !== 0) conn.log(`LIST dates are the server's local time, ${formatZone(ahead)} (LIST and MDTM of ${samplePath})`);
}

/** Parses an MLST reply (RFC 3659 §7.2): the facts line is the one that starts with a space. */
function parseMlst(message: string, target: string): RemoteEntry | undefined {
  const line = message.split('\n').find((l) => l.startsWith(' '))?.trim();
  const space = line?.indexOf(' ') ?? -1;
  if (!line || space < 0) return undefined;
  // MLST names the full path; basic-ftp's parser drops names containing "/", so give it the base name.
  const [info] = parseList(`${line.slice(0, space)} ${path.posix.basename(target) || '.'}`);
  if (!info) return undefined;
  const entry = toRemoteEntry(info, path.posix.dirname(target));
  return { ...entry, name: path.posix.basename(target), path: target };
}

/**
 * What is at `target`: MLST when offered, else SIZE+MDTM for a file (CWD tells a directory),
 * else the parent's listing. Resolves undefined when nothing is there.
 */
export async function statPath(conn: FtpConnection, target: string): Promise<RemoteEntry | undefined> {
  const missing = (err: unknown) => err instanceof FTPError && (err.code === Reply.FileUnavailable || err.code === Reply.FileBusy);
  if (conn.capabilities.mlsd) {
    try {
      const entry = parseMlst((await conn.client.send(`MLST ${target}`)).message, target);
      if (entry) return entry;
    } catch (err) {
      if (missing(err)) return undefined;
      if (!(err instanceof FTPError)) throw err;
    }
  }
  const name = path.posix.basename(target);
  const parent = path.posix.dirname(target);
  if (conn.capabilities.size) {
    try {
      const size = await conn.client.size(target);
      const modifiedAt = conn.capabilities.mdtm ? await readMdtm(conn, target) : undefined;
      // Modes are only in listings; fetch the parent's only when nothing else is known.
      return { name, path: target, type: 'file', size, modifiedAt };
    } catch (err) {
      if (!(err instanceof FTPError)) throw err;
    }
  }
  if (name === '' || target === '/' || target === conn.home) return { name, path: target, type: 'directory', size: 0 };
  const entries = await listDirectory(conn, parent === '.' ? '' : parent).catch((err) => {
    if (missing(err)) return [];
    throw err;
  });
  return entries.find((e) => e.name === name);
}
