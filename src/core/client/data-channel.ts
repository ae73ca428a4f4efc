import * as net from 'node:net';
import * as tls from 'node:tls';
import { isUnroutableIPv4, plainAddress } from '../net/address';
import { ConnectFailure, connectWithTimeout } from '../net/connect';
import { nativeIo } from '../native/native-io';

/** The four ways to set up a data connection, in the order `auto` tries them. */
export type DataStrategy = 'EPSV' | 'PASV' | 'EPRT' | 'PORT';
export const PASSIVE_STRATEGIES: DataStrategy[] = ['EPSV', 'PASV'];
export const ACTIVE_STRATEGIES: DataStrategy[] = ['EPRT', 'PORT'];

/** What a data strategy needs from the control connection. */
export interface ControlLink {
  /** Sends a command; resolves with a positive reply, rejects with basic-ftp's FTPError otherwise. */
  request(command: string): Promise<{ code: number; message: string }>;
  readonly controlSocket: net.Socket | tls.TLSSocket;
  /** TLS options for data connections when PROT P is on; undefined for clear data. */
  dataTlsOptions(): tls.ConnectionOptions | undefined;
  /** Stores the newest TLS session so the next data connection can resume it (TLS 1.3 tickets are single-use). */
  rememberTlsSession(session: Buffer): void;
  readonly activeAddress?: string;
  readonly activePortRange?: [number, number];
  readonly timeoutMs: number;
  log(line: string): void;
}

/** A data connection in the making: passive ones are connected already, active ones wait for the server. */
export interface DataChannel {
  readonly strategy: DataStrategy;
  /** The connected, TLS-wrapped if needed, data socket. */
  socket(): Promise<net.Socket>;
  close(): void;
}

async function connect(host: string, port: number, localAddress: string | undefined, timeoutMs: number): Promise<net.Socket> {
  try {
    // Paused: see connectWithTimeout. Readers in JavaScript resume the socket themselves.
    return await connectWithTimeout(host, port, localAddress, timeoutMs, nativeIo !== undefined);
  } catch (err) {
    const failure = err as ConnectFailure;
    throw new Error(failure.timedOut ? `timed out connecting the data connection to ${host}:${port}` : `cannot open the data connection to ${host}:${port}: ${failure.message}`);
  }
}

/**
 * Wraps a data socket in TLS as the client (RFC 4217: the client is the TLS client on data
 * connections in both modes), resuming the control connection's session: many servers
 * (vsftpd's require_ssl_reuse) refuse data connections that do not.
 */
function secure(link: ControlLink, raw: net.Socket): net.Socket {
  const options = link.dataTlsOptions();
  if (!options) return raw;
  const socket = tls.connect({ ...options, socket: raw });
  socket.on('session', (session: Buffer) => link.rememberTlsSession(session));
  return socket;
}

/** Parses "229 Entering Extended Passive Mode (|||6446|)"; some servers use "!" (IBM i). */
export function parseEpsvPort(message: string): number | undefined {
  const m = /\(([|!])\1\1(\d{1,5})\1\)/.exec(message);
  const port = m ? Number(m[2]) : NaN;
  return port > 0 && port < 65536 ? port : undefined;
}

/** Parses "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)", with or without parentheses. */
export function parsePasvTarget(message: string): { host: string; port: number } | undefined {
  const m = /(?<![\d,])(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})(?![\d,])/.exec(message);
  if (!m) return undefined;
  const n = m.slice(1).map(Number);
  if (n.some((v) => v > 255)) return undefined;
  return { host: n.slice(0, 4).join('.'), port: n[4] * 256 + n[5] };
}

async function openPassive(link: ControlLink, strategy: 'EPSV' | 'PASV'): Promise<DataChannel> {
  const controlHost = plainAddress(link.controlSocket.remoteAddress);
  let host = controlHost;
  let port: number | undefined;
  const reply = await link.request(strategy);
  if (strategy === 'EPSV') {
    port = parseEpsvPort(reply.message);
  } else {
    const target = parsePasvTarget(reply.message);
    port = target?.port;
    // A server behind NAT advertises its private address: use the control host instead.
    if (target && !(isUnroutableIPv4(target.host) && target.host !== controlHost)) host = target.host;
    else if (target) link.log(`PASV offered unroutable ${target.host}, connecting to ${controlHost} instead`);
  }
  if (!port) throw new Error(`cannot parse the ${strategy} reply: ${reply.message}`);
  // Leave from the control connection's address: servers refuse data from another one (RFC 2577).
  const socket = secure(link, await connect(host, port, plainAddress(link.controlSocket.localAddress) || undefined, link.timeoutMs));
  socket.on('error', () => undefined);
  return { strategy, socket: () => Promise.resolve(socket), close: () => socket.destroy() };
}

function listen(host: string, range: [number, number] | undefined): Promise<net.Server> {
  const [min, max] = range ?? [0, 0];
  const span = min === 0 ? 1 : max - min + 1;
  const start = Math.floor(Math.random() * span);
  const attempt = (i: number): Promise<net.Server> =>
    new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: nativeIo !== undefined });
      const port = min === 0 ? 0 : min + ((start + i) % span);
      server.once('error', (err: NodeJS.ErrnoException) => {
        server.close();
        if (err.code === 'EADDRINUSE' && i + 1 < Math.min(span, 100)) resolve(attempt(i + 1));
        else reject(new Error(`cannot listen for an active data connection on ${host}: ${err.message}`));
      });
      server.listen({ host, port, backlog: 2, exclusive: true }, () => resolve(server));
    });
  return attempt(0);
}

/**
 * Active mode: listen locally, tell the server where (EPRT/PORT), and accept one connection,
 * only from the server's own address: anyone else connecting first could inject or steal data.
 */
async function openActive(link: ControlLink, strategy: 'EPRT' | 'PORT'): Promise<DataChannel> {
  const local = plainAddress(link.controlSocket.localAddress);
  const serverAddress = plainAddress(link.controlSocket.remoteAddress);
  const advertised = link.activeAddress || local;
  const family = net.isIP(advertised);
  if (strategy === 'PORT' && family !== 4) throw new Error(`PORT cannot express ${advertised}; use EPRT`);
  const server = await listen(local, link.activePortRange);
  const port = (server.address() as net.AddressInfo).port;
  let accepted: net.Socket | undefined;
  let waiter: ((s: net.Socket) => void) | undefined;
  server.on('connection', (socket) => {
    if (accepted || plainAddress(socket.remoteAddress) !== serverAddress) {
      link.log(`refused a data connection from ${socket.remoteAddress} (expected ${serverAddress})`);
      socket.destroy();
      return;
    }
    server.close();
    accepted = secure(link, socket);
    accepted.on('error', () => undefined);
    waiter?.(accepted);
  });
  const close = () => {
    server.close();
    accepted?.destroy();
  };
  try {
    const command = strategy === 'EPRT' ? `EPRT |${family === 6 ? 2 : 1}|${advertised}|${port}|` : `PORT ${advertised.split('.').join(',')},${port >> 8},${port & 255}`;
    await link.request(command);
  } catch (err) {
    close();
    throw err;
  }
  return {
    strategy,
    close,
    socket: () =>
      accepted
        ? Promise.resolve(accepted)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              close();
              reject(new Error(`the server did not open the active data connection within ${Math.round(link.timeoutMs / 1000)} s (firewall or NAT in the way? try passive mode)`));
            }, link.timeoutMs);
            waiter = (s) => {
              clearTimeout(timer);
              resolve(s);
            };
          }),
  };
}

/** Sets up a data connection with one strategy. */
export function openDataChannel(link: ControlLink, strategy: DataStrategy): Promise<DataChannel> {
  return strategy === 'EPSV' || strategy === 'PASV' ? openPassive(link, strategy) : openActive(link, strategy);
}
