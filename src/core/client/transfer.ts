import { FTPError, FTPResponse } from 'basic-ftp';
import * as net from 'node:net';
import { ACTIVE_STRATEGIES, DataChannel, DataStrategy, openDataChannel, PASSIVE_STRATEGIES } from './data-channel';
import type { FtpConnection } from './connection';
import { COMMAND_NOT_ACCEPTED, Reply } from '../protocol/replies';

/** Moves the bytes of one transfer over the connected data socket; resolves when done. */
export type DataWork = (socket: net.Socket) => Promise<void>;

/**
 * The data strategy that last worked, per site (host:port): `auto` starts with it, so a host
 * behind a firewall that only allows active mode pays the failed attempts once.
 */
const workingStrategy = new Map<string, DataStrategy>();

/** The strategy the last successful data command used, per site, in any data mode. */
const lastUsedStrategy = new Map<string, DataStrategy>();

/** Which data strategy last worked for a site (`siteLabel`), e.g. to report it after a test connection. */
export function lastDataStrategy(label: string): DataStrategy | undefined {
  return lastUsedStrategy.get(label);
}

/** Forgets what was learned (tests, or after the user changes a site's settings). */
export function forgetDataStrategies(): void {
  workingStrategy.clear();
}

function strategiesFor(conn: FtpConnection): DataStrategy[] {
  const mode = conn.settings.dataMode ?? 'auto';
  if (mode === 'passive') return PASSIVE_STRATEGIES;
  if (mode === 'active') return ACTIVE_STRATEGIES;
  const known = workingStrategy.get(conn.label);
  const all = [...PASSIVE_STRATEGIES, ...ACTIVE_STRATEGIES];
  return known ? [known, ...all.filter((s) => s !== known)] : all;
}

/** Errors after which another data strategy may succeed: the server refused the setup or the data connection failed to form. */
function worthAnotherStrategy(err: unknown): boolean {
  if (err instanceof FTPError) return err.code === Reply.CannotOpenData || err.code === Reply.UnsupportedNetworkProtocol || COMMAND_NOT_ACCEPTED.includes(err.code);
  return /data connection|cannot listen|PORT cannot/i.test((err as Error)?.message ?? '');
}

/**
 * Runs a command that uses a data connection (RETR, STOR, APPE, LIST, MLSD, NLST), trying the
 * data strategies in order until one forms a connection, and reports the choice in the log.
 * The data work starts at most once; after it has started, failures are final.
 */
export async function runDataCommand(conn: FtpConnection, command: string, work: DataWork): Promise<FTPResponse> {
  const tried: string[] = [];
  for (const strategy of strategiesFor(conn)) {
    let channel: DataChannel | undefined;
    let started = false;
    try {
      channel = await openDataChannel(conn, strategy);
      const reply = await transferOnce(conn, channel, command, work, () => (started = true));
      if (workingStrategy.get(conn.label) !== strategy) conn.log(`data connections: ${strategy} works`);
      lastUsedStrategy.set(conn.label, strategy);
      // Only auto mode learns: an explicit mode says nothing about what auto should try first.
      if ((conn.settings.dataMode ?? 'auto') === 'auto') workingStrategy.set(conn.label, strategy);
      return reply;
    } catch (err) {
      channel?.close();
      if (started || conn.closed || !worthAnotherStrategy(err)) throw err;
      tried.push(`${strategy}: ${(err as Error).message}`);
      conn.log(`data connection via ${strategy} failed (${(err as Error).message}), trying the next mode`);
    }
  }
  throw new Error(`no data connection mode worked (${tried.join('; ')})`);
}

/**
 * One attempt: send the command, start the data work on 150/125 (or on a final reply that
 * came without one), and resolve when both the data work and the final reply are done, in
 * whichever order they arrive. basic-ftp's control timeout would run during the whole task,
 * so it is off while data flows: the data work has its own stall watchdog.
 */
function transferOnce(conn: FtpConnection, channel: DataChannel, command: string, work: DataWork, onStart: () => void): Promise<FTPResponse> {
  const ftp = conn.client.ftp;
  let started = false;
  let dataDone = false;
  let final: FTPResponse | undefined;
  return ftp.handle(command, (res, task) => {
    const fail = (err: Error) => {
      channel.close();
      task.reject(err);
    };
    const tryResolve = () => {
      if (dataDone && final) task.resolve(final);
    };
    const startData = () => {
      if (started) return;
      started = true;
      onStart();
      ftp.socket.setTimeout(0);
      channel
        .socket()
        .then(work)
        .then(() => {
          dataDone = true;
          ftp.socket.setTimeout(conn.timeoutMs);
          tryResolve();
        }, fail);
    };
    if (res instanceof Error) return fail(res);
    if (res.code === Reply.OpeningData || res.code === Reply.DataAlreadyOpen) return startData();
    if (res.code >= 200 && res.code < 300) {
      final = res;
      // Some servers answer 226/250 without a 150 (an empty listing): the data may still be there.
      if (!started) startData();
      return tryResolve();
    }
    if (res.code >= 300 && res.code < 400) fail(new Error(`unexpected reply to ${command.split(' ')[0]}: ${res.message}`));
  });
}
