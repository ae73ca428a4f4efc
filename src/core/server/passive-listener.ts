import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { plainAddress } from '../net/address';
import { nativeIo } from '../native/native-io';
import { peerClosedQuietly } from '../data/native-transfer';
import { FtpReplyError, Reply } from '../protocol/replies';
import { closeConnection, DataChannelPolicy, DataConnection, RawConnection } from './data-connection';

let ephemeralRange: [number, number] | undefined | null = null;

/**
 * The system's ephemeral port range (Linux), where "any port" passive listeners pick a random
 * port themselves instead of binding port 0.
 *
 * Why: libuv sets SO_REUSEADDR on every listening socket, and for such a socket Linux's bind(0)
 * searches only the lower half of the range, counting a port that a connection in TIME-WAIT
 * still holds as taken. Every passive download leaves one there for a minute (the server
 * closes the data connection first), so after a few thousand small downloads bind(0) scanned
 * thousands of ports per PASV (pyftpdlib, without SO_REUSEADDR, searches the whole range).
 * An explicit port with SO_REUSEADDR may reuse one in TIME-WAIT, so a random port of the whole
 * range binds at the first try.
 */
function ephemeralPorts(): [number, number] | undefined {
  if (ephemeralRange === null) {
    try {
      const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
      ephemeralRange = low > 1023 && high >= low && high <= 65535 ? [low, high] : undefined;
    } catch {
      ephemeralRange = undefined;
    }
  }
  return ephemeralRange;
}

/** The ports a passive listener may take: `first`, `first + step`, ... (`count` of them; port 0 = any). */
function passivePorts(min: number, max: number): { first: number; step: number; count: number } {
  if (min !== 0) return { first: min, step: 1, count: max - min + 1 };
  const range = ephemeralPorts();
  if (!range) return { first: 0, step: 1, count: 1 };
  // Odd ports, as Linux's own bind(0) prefers: connect() prefers even ones, so listeners (and
  // the TIME-WAIT connections they leave) stay out of the way of outgoing connections.
  const first = range[0] | 1;
  return { first, step: 2, count: Math.floor((range[1] - first) / 2) + 1 };
}

/** A listening socket that reports each connection with the peer's plain address. */
interface Listening {
  readonly port: number;
  close(): void;
}

type OnConnection = (connection: DataConnection, from: string) => void;

/** Pending connections a passive listener queues: it keeps one, the rest are refused. */
const PASSIVE_BACKLOG = 4;

/** The native listener (ferry_listen.c): no net.Server, and connections arrive as descriptors. */
function listenNative(host: string, port: number, onConnection: OnConnection, onError: () => void): Listening {
  const io = nativeIo!;
  const listening = io.listen(host, port, PASSIVE_BACKLOG);
  const watcher = io.watchAccept(listening.fd, (fd, from) => (fd < 0 ? onError() : onConnection(new RawConnection(fd), plainAddress(from))));
  // unwatchAccept is idempotent: a second close is harmless.
  return { port: listening.port, close: () => io.unwatchAccept(watcher) };
}

/** A net.Server listener: without the addon, or for an address the addon does not parse (an IPv6 zone). */
async function listenNet(host: string, port: number, onConnection: OnConnection, onError: () => void): Promise<Listening> {
  const server = net.createServer({ pauseOnConnect: nativeIo !== undefined });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: PASSIVE_BACKLOG, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server.close();
    throw err;
  }
  server.on('connection', (socket) => onConnection(socket, plainAddress(socket.remoteAddress)));
  server.on('error', onError);
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/**
 * A passive data listener (PASV/EPSV). It accepts at most one connection, from the client's
 * own address unless FXP is allowed (RFC 2577: a foreign connection could steal the data),
 * and keeps it until the transfer command asks for it. With the addon the connection stays a
 * bare descriptor (RawConnection); otherwise it is a socket.
 */
export class PassiveListener {
  private listening!: Listening;
  private pending?: DataConnection;
  private pendingGone = false;
  private waiter?: { resolve: (c: DataConnection) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
  private closed = false;

  private constructor(private readonly policy: DataChannelPolicy) {}

  get port(): number {
    return this.listening.port;
  }

  /**
   * Listens on `host` at a port from [min, max] (both 0: an odd port of the system's ephemeral
   * range). Ports are tried from a random start so concurrent sessions rarely collide;
   * EADDRINUSE moves on to the next.
   */
  static async open(host: string, min: number, max: number, policy: DataChannelPolicy): Promise<PassiveListener> {
    const { first, step, count } = passivePorts(min, max);
    const start = Math.floor(Math.random() * count);
    const listener = new PassiveListener(policy);
    const onConnection: OnConnection = (connection, from) => listener.onConnection(connection, from);
    const onError = () => listener.close();
    const native = nativeIo !== undefined && net.isIP(host) !== 0 && !host.includes('%');
    for (let i = 0; i < Math.min(count, 200); i++) {
      const port = first + step * ((start + i) % count);
      try {
        listener.listening = native ? listenNative(host, port, onConnection, onError) : await listenNet(host, port, onConnection, onError);
        return listener;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new FtpReplyError(Reply.CannotOpenData, 'No passive port available, try again later.');
  }

  private onConnection(connection: DataConnection, from: string): void {
    if (this.closed || this.pending || (!this.policy.allowFxp && from !== this.policy.clientAddress)) {
      closeConnection(connection);
      return;
    }
    this.listening.close();
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.resolve(connection);
      this.waiter = undefined;
      return;
    }
    this.pending = connection;
    if (connection instanceof RawConnection) return;
    connection.on('error', () => undefined);
    // A connection that ends before the transfer command has lost its 'end' already: RETR
    // would report 226 for bytes nobody read and STOR would wait for it forever. (A paused
    // one reads nothing: accept() peeks at it instead.)
    const gone = () => {
      if (this.pending === connection) this.pendingGone = true;
    };
    connection.once('end', gone);
    connection.once('close', gone);
  }

  /**
   * Claims the connection that has already arrived, if any, checking that its client has not
   * closed it. A connection closed before the transfer command is refused with 425 when data
   * was to go out (nobody would read it); for an upload it is an empty upload (curl closes at
   * once when it has nothing to send). Undefined when none has arrived yet.
   */
  claimPending(forUpload: boolean): Promise<DataConnection> | undefined {
    const connection = this.pending;
    if (!connection) return undefined;
    this.pending = undefined;
    const gone = connection instanceof RawConnection ? connection.peerClosed() : this.pendingGone || peerClosedQuietly(connection);
    if (!forUpload && gone) {
      closeConnection(connection);
      return Promise.reject(new FtpReplyError(Reply.CannotOpenData, 'The data connection was closed before the transfer command.'));
    }
    return Promise.resolve(connection);
  }

  /** The connection: one that is already there (see claimPending), or the next within `timeoutMs` (accept_timeout). */
  accept(timeoutMs: number, forUpload = false): Promise<DataConnection> {
    const claimed = this.claimPending(forUpload);
    if (claimed) return claimed;
    if (this.closed) return Promise.reject(new FtpReplyError(Reply.CannotOpenData, 'Data connection was closed.'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.close();
        reject(new FtpReplyError(Reply.CannotOpenData, `No data connection within ${Math.round(timeoutMs / 1000)} s (accept_timeout).`));
      }, timeoutMs || 2 ** 31 - 1);
      this.waiter = { resolve, reject, timer };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listening.close();
    if (this.pending) closeConnection(this.pending);
    this.pending = undefined;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.reject(new FtpReplyError(Reply.CannotOpenData, 'Data connection was closed.'));
      this.waiter = undefined;
    }
  }
}
