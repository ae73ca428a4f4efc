import { Client, FTPContext, FTPError } from 'basic-ftp';
import { createHash, X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Capabilities, parseFeatures } from './capabilities';
import { ControlLink } from './data-channel';
import { applyNameCodec } from './control-codec';
import { CancelledError, ConnectionError, ErrorContext, FerryClientError, RemoteReplyError, TlsRefusedError } from './errors';
import { guessNameEncoding, NameCodec, NameEncodingError } from './name-codec';
import { DEFAULTS, defaultPort, SiteSettings, siteLabel } from './settings';
import { Reply } from '../protocol/replies';
import { basicFtpInternals } from '../node-internals';

/** SHA-256 fingerprint of a DER certificate as "AB:CD:...". */
export function fingerprint256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function normalizeFingerprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** TLS options for the certificate policy: verify against the system CAs, or not at all (insecure, or pinned and checked after the handshake). */
export function tlsOptionsFor(settings: SiteSettings): tls.ConnectionOptions {
  const policy = settings.certificate ?? 'verify';
  const servername = net.isIP(settings.host) ? undefined : settings.host;
  return policy === 'verify' ? { host: settings.host, servername } : { host: settings.host, servername, rejectUnauthorized: false };
}

/**
 * With a pinned fingerprint the certificate itself is what is trusted, self-signed or not.
 * Node calls checkServerIdentity only when the chain verified, so the pin is checked here,
 * on the control connection, before anything is sent over it.
 */
function checkPinnedCertificate(settings: SiteSettings, socket: net.Socket | tls.TLSSocket): void {
  const policy = settings.certificate;
  if (typeof policy !== 'object') return;
  const cert = (socket as tls.TLSSocket).getPeerCertificate?.();
  const actual = cert?.raw ? new X509Certificate(cert.raw).fingerprint256 : '';
  if (normalizeFingerprint(actual) !== normalizeFingerprint(policy.fingerprint256)) {
    throw new Error(`certificate fingerprint ${actual || '(none)'} does not match the pinned ${policy.fingerprint256}`);
  }
}

/**
 * basic-ftp connects its control socket without a local address; each control socket it makes
 * (node-internals.ts) gets a connect() that leaves from the configured one.
 */
function bindControlSocket(client: Client, localAddress: string): void {
  basicFtpInternals(FTPContext.prototype).onNewControlSocket(client.ftp, (socket) => {
    const connect = socket.connect.bind(socket) as (options: net.TcpNetConnectOpts, listener?: () => void) => net.Socket;
    (socket as unknown as { connect: typeof connect }).connect = (options, listener) => connect({ ...options, localAddress }, listener);
  });
}

/** Masks the password in a logged control line. */
function maskSecrets(line: string): string {
  return line.replace(/^(>?\s*PASS )\S.*$/im, '$1****');
}

/**
 * One logged-in control connection on top of basic-ftp's Client: it owns the socket, reply
 * parsing and TLS upgrade; this class adds settings, capabilities and what data strategies
 * need. Only one task at a time may use it (the pool guarantees that).
 */
export class FtpConnection implements ControlLink {
  readonly client: Client;
  capabilities!: Capabilities;
  readonly timeoutMs: number;
  readonly activeAddress?: string;
  readonly activePortRange?: [number, number];
  /** The login directory (PWD after login): relative paths start here. */
  home = '/';
  /** Names on this connection, both ways: commands sent, replies and listings read. */
  readonly codec: NameCodec;
  private tlsSession?: Buffer;
  private readonly tlsOptions?: tls.ConnectionOptions;

  private constructor(readonly settings: SiteSettings) {
    this.timeoutMs = settings.timeoutMs ?? DEFAULTS.timeoutMs;
    this.activeAddress = settings.activeAddress;
    this.activePortRange = settings.activePortRange;
    this.client = new Client(this.timeoutMs);
    this.codec = new NameCodec(settings.encoding ?? 'auto', siteLabel(settings));
    applyNameCodec(this.client.ftp, this.codec);
    // basic-ftp logs only when verbose; route its log through ours with PASS masked.
    this.client.ftp.verbose = settings.log !== undefined;
    this.client.ftp.log = (message: string) => settings.log?.(`[${siteLabel(settings)}] ${maskSecrets(message)}`);
    if ((settings.tls ?? 'none') !== 'none') this.tlsOptions = tlsOptionsFor(settings);
    if (settings.localAddress) bindControlSocket(this.client, settings.localAddress);
  }

  get label(): string {
    return siteLabel(this.settings);
  }

  log(line: string): void {
    this.settings.log?.(`[${this.label}] ${line}`);
  }

  /** Connects, secures, logs in and learns the server's features. `signal` closes the socket mid-handshake. */
  static async open(settings: SiteSettings, signal?: AbortSignal): Promise<FtpConnection> {
    const conn = new FtpConnection(settings);
    const context = { operation: 'connect to', host: conn.label };
    const onAbort = () => conn.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await conn.handshake();
      return conn;
    } catch (err) {
      conn.close();
      throw signal?.aborted ? new CancelledError(context) : conn.wrapError(err, context);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async handshake(): Promise<void> {
    const { client, settings } = this;
    const port = defaultPort(settings);
    if (settings.tls === 'implicit') await client.connectImplicitTLS(settings.host, port, this.tlsOptions);
    else await client.connect(settings.host, port);
    if (settings.tls === 'explicit') await client.useTLS(this.tlsOptions).catch((err: unknown) => Promise.reject(this.tlsRefused(err)));
    if (this.tlsOptions) checkPinnedCertificate(settings, client.ftp.socket);
    // Before login, so servers that need it accept non-ASCII user names.
    await client.sendIgnoringError('OPTS UTF8 ON');
    await client.login(settings.user ?? 'anonymous', settings.password ?? 'anonymous@');
    const features = new Map<string, string>();
    for (const [name, value] of await client.features()) features.set(name.toUpperCase(), value);
    this.capabilities = parseFeatures(features);
    this.log(`features: ${[...features.keys()].join(' ') || '(none)'}`);
    this.home = await client.pwd().catch(() => '/');
    await client.send('TYPE I');
    if (this.isSecure) {
      await client.send('PBSZ 0');
      await client.send('PROT P');
    }
    if (this.capabilities.mlsd) await client.sendIgnoringError('OPTS MLST type;size;modify;perm;unix.mode;');
  }

  /** A negative reply to AUTH TLS means no TLS on this server, whatever its code (421 still closes the connection). */
  private tlsRefused(err: unknown): unknown {
    if (!(err instanceof FTPError) || err.code === Reply.ServiceUnavailable) return err;
    return new TlsRefusedError(err.code, err.message.replace(/^\d{3}[ -]/, '').trim(), { operation: 'start TLS (AUTH TLS) with', host: this.label });
  }

  get isSecure(): boolean {
    return this.client.ftp.hasTLS;
  }

  get controlSocket(): net.Socket | tls.TLSSocket {
    return this.client.ftp.socket;
  }

  get closed(): boolean {
    return this.client.closed;
  }

  request(command: string): Promise<{ code: number; message: string }> {
    return this.client.send(command);
  }

  dataTlsOptions(): tls.ConnectionOptions | undefined {
    if (!this.isSecure || !this.tlsOptions) return undefined;
    return { ...this.tlsOptions, session: this.tlsSession ?? (this.controlSocket as tls.TLSSocket).getSession() };
  }

  rememberTlsSession(session: Buffer): void {
    this.tlsSession = session;
  }

  /**
   * A suggestion when names in a listing do not decode in the site's encoding but do in
   * another, e.g. "names look like GBK, not UTF-8 — set the site's encoding to gbk". Kept in the site's
   * shared capabilities (so the connection test sees it) and logged once.
   */
  get encodingHint(): string | undefined {
    return this.capabilities?.encodingHint;
  }

  /** Called with the listing lines that did not decode: finds and logs the hint once. */
  noteUndecodable(lines: Buffer[]): void {
    if (lines.length === 0 || this.capabilities.encodingHint !== undefined) return;
    const guess = guessNameEncoding(lines);
    const shown = this.codec.encoding === 'auto' ? 'UTF-8' : this.codec.encoding;
    this.capabilities.encodingHint = guess && guess !== this.codec.charset
      ? `names look like ${guess.toUpperCase()}, not ${shown} — set the site's encoding to ${guess}`
      : `some names are not valid ${shown}: their undecodable bytes are shown as characters U+EF80-U+EFFF`;
    this.log(this.capabilities.encodingHint);
  }

  /** Turns anything thrown by basic-ftp into one of our two tiers, closing the connection for the second. */
  wrapError(err: unknown, context: ErrorContext): Error {
    // The codec refused a name before anything was sent: say for which operation and path.
    if (err instanceof NameEncodingError) return err.withContext(context);
    // Our own errors already say what happened; a failed verification or a cancel says nothing bad about the connection.
    if (err instanceof FerryClientError) return err;
    if (err instanceof FTPError && err.code !== 421) {
      return new RemoteReplyError(err.code, err.message.replace(/^\d{3}[ -]/, '').trim(), context);
    }
    // 421 is the server closing the connection (RFC 959): connection tier, replaced and retried like a drop.
    this.close();
    const message = (err as Error)?.message ?? String(err);
    const hint = /certificate|self[- ]signed|fingerprint/i.test(message)
      ? 'the server\'s certificate is not trusted: pin its fingerprint or allow insecure TLS for this site'
      : /ECONNREFUSED/.test(message)
        ? 'nothing listens on that host and port'
        : /timeout|timed out/i.test(message)
          ? 'the server did not answer in time'
          : undefined;
    return new ConnectionError(message, context, hint);
  }

  close(): void {
    this.client.close();
  }
}
