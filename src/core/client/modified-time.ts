import { FTPError } from 'basic-ftp';
import type { FtpConnection } from './connection';
import { COMMAND_NOT_ACCEPTED, Reply } from '../protocol/replies';

/** A time-val of RFC 3659 §2.3 without fraction: YYYYMMDDHHMMSS in UTC. */
export function timeVal(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** How a server lets a client set a file's modification time, in the order they are tried. */
export type TimeSetter = 'MFMT' | 'MDTM' | 'SITE UTIME';

/**
 * The command for each way. MFMT: draft-somers-ftp-mfxx (Ferry, proftpd, pure-ftpd, pyftpdlib,
 * FileZilla Server). Two-argument MDTM: vsftpd (mdtm_write, on by default), Serv-U, IIS. SITE UTIME:
 * proftpd's mod_site_misc and pure-ftpd take the five-argument form (path, then access,
 * modification and change times, then UTC).
 */
function setterCommand(setter: TimeSetter, time: string, remotePath: string): string {
  if (setter === 'MFMT') return `MFMT ${time} ${remotePath}`;
  if (setter === 'MDTM') return `MDTM ${time} ${remotePath}`;
  return `SITE UTIME ${remotePath} ${time} ${time} ${time} UTC`;
}

/**
 * True when a refusal means "not this way" rather than a problem with the file: a command the
 * server does not know or parse, or, while untried, a 550 to two-argument MDTM (a server without
 * that form looks for a file named "<time> <path>").
 */
function unsupported(err: FTPError, setter: TimeSetter, known: TimeSetter | null | undefined): boolean {
  return COMMAND_NOT_ACCEPTED.includes(err.code) || (setter === 'MDTM' && err.code === Reply.FileUnavailable && known === undefined);
}

/**
 * Sets a remote file's modification time with the first way the server accepts, remembered for
 * the connection: MFMT when FEAT lists it, else two-argument MDTM, else MFMT all the same, else
 * SITE UTIME. A server that
 * takes none rejects with its last reply (callers that only preserve times log it).
 */
export async function setModifiedTime(conn: FtpConnection, remotePath: string, date: Date): Promise<void> {
  const caps = conn.capabilities;
  // MFMT even when FEAT does not list it, after MDTM: proftpd with FactsAdvertise off still takes it.
  const candidates: TimeSetter[] = caps.timeSetter ? [caps.timeSetter] : caps.mfmt ? ['MFMT', 'MDTM', 'SITE UTIME'] : ['MDTM', 'MFMT', 'SITE UTIME'];
  if (caps.timeSetter === null) throw new FTPError({ code: 502, message: '502 This server offers no way to set modification times (MFMT, MDTM, SITE UTIME).' });
  let last: unknown;
  for (const setter of candidates) {
    try {
      // MFMT and SITE UTIME ... UTC are UTC by definition; MDTM is in whatever zone the server's MDTM speaks.
      const time = timeVal(setter === 'MDTM' ? new Date(date.getTime() + mdtmOffset(conn)) : date);
      const reply = await conn.client.send(setterCommand(setter, time, remotePath));
      // A server without the two-argument form may read "MDTM <time> <path>" as a query for the
      // file named "<time> <path>"; its answer is then a time, not a confirmation.
      if (setter === 'MDTM' && /^213 \d{14}/.test(reply.message)) throw new FTPError({ code: 502, message: '502 MDTM did not set the time.' });
      caps.timeSetter = setter;
      return;
    } catch (err) {
      if (!(err instanceof FTPError) || !unsupported(err, setter, caps.timeSetter)) throw err;
      last = err;
    }
  }
  caps.timeSetter = null;
  throw last;
}

/**
 * How far the server's MDTM runs ahead of UTC: 0 unless learned otherwise. RFC 3659 §3 says
 * UTC, and most servers keep to it; vsftpd with use_localtime=YES answers (and sets) MDTM in
 * its local time as well, which only a time known in UTC can reveal (learnMdtmZone).
 */
export function mdtmOffset(conn: FtpConnection): number {
  return conn.capabilities.mdtmOffsetMs ?? 0;
}

/** MDTM of a file as a UTC date (its zone corrected, see mdtmOffset), or undefined when the server refuses it. */
export async function readMdtm(conn: FtpConnection, remotePath: string): Promise<Date | undefined> {
  const time = await conn.client.lastMod(remotePath).catch((err) => {
    if (err instanceof FTPError) return undefined;
    throw err;
  });
  return time && new Date(time.getTime() - mdtmOffset(conn));
}

/** A remote file's modification time in UTC (a listing's, else MDTM), or undefined when the server tells none. */
export async function remoteModifiedTime(conn: FtpConnection, remotePath: string, knownFromListing?: Date): Promise<Date | undefined> {
  if (knownFromListing) return knownFromListing;
  return conn.capabilities.mdtm ? readMdtm(conn, remotePath) : undefined;
}

/** Clocks of client and server may differ this much and the zone still be read from a fresh file. */
const CLOCK_SKEW_MS = 120_000;
const QUARTER_HOUR_MS = 15 * 60_000;

/** Rounds a difference of clocks to the quarter hour every time zone is a multiple of; undefined when it is not close to one. */
export function zoneOffset(diffMs: number, toleranceMs: number): number | undefined {
  const offset = Math.round(diffMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  return Math.abs(diffMs - offset) < toleranceMs && Math.abs(offset) <= 14 * 3_600_000 ? offset : undefined;
}

/**
 * Learns the zone of the server's MDTM from a file this connection has just written, whose time
 * is "now" in UTC: once per connection, on the first upload (one MDTM). Servers whose MDTM is
 * UTC show 0; vsftpd with use_localtime=YES shows its zone.
 */
export async function learnMdtmZone(conn: FtpConnection, remotePath: string, writtenAt: number): Promise<void> {
  const caps = conn.capabilities;
  if (caps.mdtmOffsetMs !== undefined || !caps.mdtm) return;
  const time = await conn.client.lastMod(remotePath).catch(() => undefined);
  const offset = time && zoneOffset(time.getTime() - writtenAt, CLOCK_SKEW_MS);
  // Tried once per connection: a server whose clock is off (or whose MDTM fails) costs no MDTM per further upload.
  caps.mdtmOffsetMs = offset ?? null;
  if (offset === undefined) return;
  if (offset !== 0) conn.log(`MDTM speaks the server's local time, ${formatZone(offset)} (a file written just now)`);
}

/** "UTC+8:00", "UTC-3:30". */
export function formatZone(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `UTC${offsetMs < 0 ? '-' : '+'}${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}
