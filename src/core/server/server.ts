import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Authorizer, UserAccount } from './authorizer';
import { confinementUnavailable } from './beneath';
import { ConfigError, tunableProblems } from './config';
import { bannedText, LoginGuard } from './login-guard';
import { plainAddress } from '../net/address';
import { Reply } from '../protocol/replies';
import { ServerContext, SessionInfo, TransferInfo } from './server-context';
import { Session } from './session';
import { TokenBucket } from '../data/throttle';
import { createServerContext, loadCertificate } from './tls-material';
import { defaultTunables, Tunables } from './tunables';

export interface ServerOptions {
  /** Directory served to users without a root of their own (and to anonymous users unless anon_root is set). */
  root: string;
  /** Tunables; missing keys take the table's defaults. */
  tunables?: Partial<Tunables>;
  users?: UserAccount[];
  /** Where a generated self-signed certificate is kept (default ~/.config/ferry). */
  stateDir?: string;
}

/** Events of a running server; all payloads are plain snapshots. */
export interface ServerEvents {
  session: [SessionInfo];
  login: [SessionInfo];
  'session-close': [SessionInfo];
  'transfer-start': [TransferInfo];
  'transfer-end': [TransferInfo];
  log: [string];
}

export interface ServerHandle extends EventEmitter<ServerEvents> {
  readonly address: { host: string; port: number };
  /** ftp://host:port/ of the control listener. */
  readonly url: string;
  /** True when the certificate was generated on this start. */
  readonly generatedCertificate: boolean;
  /**
   * Why the kernel does not confine paths to the root here (see RootedFs), so a local process
   * renaming entries in the served tree could redirect commands outside it; undefined when it does.
   */
  readonly unconfined: string | undefined;
  sessions(): SessionInfo[];
  /** Disconnects one session (the editor's "Disconnect" action). */
  disconnect(sessionId: number): boolean;
  /** Stops listening, closes every session, resolves when the listener is closed. */
  close(): Promise<void>;
}

/** Default state directory for generated certificates. */
export function defaultStateDir(): string {
  return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'ferry');
}

class FtpServer extends EventEmitter<ServerEvents> implements ServerHandle, ServerContext {
  address = { host: '', port: 0 };
  generatedCertificate = false;
  unconfined: string | undefined;
  readonly sessionsById = new Map<number, Session>();
  private readonly perIp = new Map<string, number>();
  private readonly listener: net.Server;
  private nextId = 1;
  readonly globalUpload?: TokenBucket;
  readonly globalDownload?: TokenBucket;
  readonly loginGuard: LoginGuard;
  tlsContext?: ServerContext['tlsContext'];

  constructor(
    readonly tunables: Tunables,
    readonly authorizer: Authorizer,
  ) {
    super();
    if (tunables.global_upload_rate > 0) this.globalUpload = new TokenBucket(tunables.global_upload_rate);
    if (tunables.global_download_rate > 0) this.globalDownload = new TokenBucket(tunables.global_download_rate);
    this.loginGuard = new LoginGuard(tunables);
    this.listener = net.createServer((socket) => this.onConnection(socket));
  }

  get url(): string {
    const host = net.isIP(this.address.host) === 6 ? `[${this.address.host}]` : this.address.host;
    return `ftp://${host}:${this.address.port}/`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen({ host: this.tunables.listen_address, port: this.tunables.listen_port, backlog: 511 }, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    const a = this.listener.address() as net.AddressInfo;
    this.address = { host: a.address, port: a.port };
  }

  /** maximum_clients, max_conns_per_ip and login bans are checked before any session state exists. */
  private onConnection(socket: net.Socket): void {
    const ip = plainAddress(socket.remoteAddress);
    const { maximum_clients, max_conns_per_ip } = this.tunables;
    const refuse = (text: string) => {
      socket.on('error', () => undefined);
      socket.end(`${Reply.ServiceUnavailable} ${text}\r\n`);
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    if (maximum_clients > 0 && this.sessionsById.size >= maximum_clients) return refuse(`Too many users (maximum_clients = ${maximum_clients}), try again later.`);
    const fromIp = this.perIp.get(ip) ?? 0;
    if (max_conns_per_ip > 0 && fromIp >= max_conns_per_ip) return refuse(`Too many connections from your address (max_conns_per_ip = ${max_conns_per_ip}).`);
    const banned = this.loginGuard.banSecondsLeft(ip);
    if (banned > 0) return refuse(bannedText(banned));
    this.perIp.set(ip, fromIp + 1);
    const session = new Session(this.nextId++, socket, this, (s) => this.onSessionClosed(s, ip));
    this.sessionsById.set(session.id, session);
    this.emit('session', session.info());
  }

  private onSessionClosed(session: Session, ip: string): void {
    this.sessionsById.delete(session.id);
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
    this.emit('session-close', session.info());
  }

  sessions(): SessionInfo[] {
    return [...this.sessionsById.values()].map((s) => s.info());
  }

  disconnect(sessionId: number): boolean {
    const session = this.sessionsById.get(sessionId);
    if (!session) return false;
    session.reply(Reply.ServiceUnavailable, 'Disconnected by the server operator.');
    session.close();
    return true;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const session of [...this.sessionsById.values()]) {
      session.reply(Reply.ServiceUnavailable, 'Server shutting down.');
      session.close();
    }
    return closed;
  }
}

/**
 * Starts the mini FTP server. Resolves once it listens; rejects with a clear message when the
 * port is taken, the root is missing or the settings contradict each other.
 */
export async function startServer(options: ServerOptions): Promise<ServerHandle> {
  const tunables: Tunables = { ...defaultTunables(), ...options.tunables };
  const problems = tunableProblems(tunables);
  if (problems.length > 0) throw new ConfigError('options', problems.map((message) => ({ line: 0, message })));
  const root = path.resolve(tunables.local_root || options.root);
  const authorizer = new Authorizer({
    users: options.users ?? [],
    defaultRoot: root,
    anonymous: tunables.anonymous_enable ? { root: path.resolve(tunables.anon_root || root), perms: tunables.anon_perms } : undefined,
  });
  const server = new FtpServer(tunables, authorizer);
  if (tunables.ssl_enable || tunables.force_tls) {
    const material = await loadCertificate({
      certFile: tunables.rsa_cert_file,
      keyFile: tunables.rsa_private_key_file,
      stateDir: options.stateDir ?? defaultStateDir(),
    });
    server.tlsContext = createServerContext(material);
    server.generatedCertificate = material.generated;
  }
  try {
    await server.listen();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const where = `${tunables.listen_address}:${tunables.listen_port}`;
    // The errno code and syscall stay on the error so callers (the editor) can phrase their own fix.
    const fail = (text: string) => Object.assign(new Error(text), { code: e.code, syscall: 'listen' });
    if (e.code === 'EADDRINUSE') throw fail(`Cannot listen on ${where}: the port is already in use. Choose another with listen_port / --port.`);
    if (e.code === 'EACCES') throw fail(`Cannot listen on ${where}: permission denied (ports below 1024 need privileges). Use a port above 1023.`);
    if (e.code === 'EADDRNOTAVAIL') throw fail(`Cannot listen on ${where}: no such local address. Check listen_address.`);
    throw err;
  }
  server.unconfined = await confinementUnavailable();
  return server;
}
