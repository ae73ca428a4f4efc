import * as net from 'node:net';
import * as tls from 'node:tls';
import { nativeIo } from '../native/native-io';
import { AuthorizedUser } from './authorizer';
import { dispatchCommand, runsDuringTransfer } from './command-table';
import type { HashAlgorithm } from './commands/hash';
import { ControlParser } from './control-parser';
import { ActiveTarget, PassiveListener, plainAddress } from './data-channel';
import { MLST_FACTS, MlstFact } from './listing';
import { plainSocketDescriptor } from './native-transfer';
import { ResolvedPath, RootedFs } from './rooted-fs';
import { ServerContext, SessionInfo, TransferInfo } from './server-context';
import { TokenBucket } from './throttle';

const ALL_MLST_FACTS: ReadonlySet<MlstFact> = new Set(MLST_FACTS);

/** A running data transfer: how to stop it and when its final reply has been sent. */
export interface ActiveTransfer {
  info: TransferInfo;
  abort: AbortController;
  /** Settles after the transfer command has sent its final (226/426/...) reply. */
  done: Promise<void>;
}

/**
 * One control connection: its state (login, working directory, pending REST/RNFR, data
 * channel setup, TLS), its command queue and its replies. Commands run one at a time in
 * arrival order; while a transfer runs only ABOR and STAT bypass the queue (RFC 959 §4.1.3).
 */
export class Session {
  socket: net.Socket | tls.TLSSocket;
  readonly remoteAddress: string;
  readonly connectedAt = new Date();
  user?: AuthorizedUser;
  fs?: RootedFs;
  cwd = '/';
  /** Name sent with USER, waiting for PASS. */
  pendingUser?: string;
  loginFailures = 0;
  restOffset = 0;
  renameFrom?: ResolvedPath;
  passive?: PassiveListener;
  active?: ActiveTarget;
  /** After EPSV ALL only EPSV may set up data connections (RFC 2428 §4). */
  epsvAll = false;
  secure = false;
  pbszDone = false;
  protectData = false;
  /** SSCN ON: this server plays the TLS client on data connections (server-to-server TLS FXP). */
  sscnClient = false;
  /** CPSV: the next passive data connection only, as TLS client. */
  cpsvPending = false;
  umask: number;
  mlstFacts: ReadonlySet<MlstFact> = ALL_MLST_FACTS;
  hashAlgorithm: HashAlgorithm = 'SHA-256';
  transfer?: ActiveTransfer;
  lastCommand?: string;
  private uploadBucket?: TokenBucket;
  private downloadBucket?: TokenBucket;
  private parser = new ControlParser();
  private queue: string[] = [];
  private busy = false;
  private closed = false;

  constructor(
    readonly id: number,
    socket: net.Socket,
    readonly server: ServerContext,
    private readonly onClose: (session: Session) => void,
  ) {
    this.socket = socket;
    this.remoteAddress = plainAddress(socket.remoteAddress);
    this.umask = server.tunables.local_umask;
    this.attach(socket);
    this.reply(220, server.tunables.ftpd_banner);
  }

  /** Per-session rate buckets, created on first use so idle sessions stay small. */
  buckets(direction: 'upload' | 'download'): (TokenBucket | undefined)[] {
    const t = this.server.tunables;
    if (direction === 'upload') {
      if (t.max_upload_rate > 0) this.uploadBucket ??= new TokenBucket(t.max_upload_rate);
      return [this.uploadBucket, this.server.globalUpload];
    }
    if (t.max_download_rate > 0) this.downloadBucket ??= new TokenBucket(t.max_download_rate);
    return [this.downloadBucket, this.server.globalDownload];
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    const idle = this.server.tunables.idle_ctrl_timeout;
    if (idle > 0) {
      socket.setTimeout(idle * 1000);
      socket.on('timeout', () => {
        // Never time out a client that is waiting for its own transfer or command to finish.
        if (this.transfer || this.busy) return;
        this.reply(421, `Timeout: no command for ${idle} s (idle_ctrl_timeout), closing control connection.`);
        this.close();
      });
    }
  }

  /**
   * Replaces the plain control socket with TLS after "234" (AUTH TLS). Bytes already
   * buffered on the plain socket would belong to the handshake, so the parser restarts, and
   * command lines that arrived in clear text behind AUTH are dropped: run after the handshake
   * they would pass for commands sent over TLS (STARTTLS injection, CVE-2011-0411).
   */
  upgradeToTls(context: tls.SecureContext): void {
    this.queue.length = 0;
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.setTimeout(0);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.socket = secure;
    this.parser = new ControlParser();
    this.secure = true;
    this.attach(secure);
  }

  private onData(chunk: Buffer): void {
    for (const item of this.parser.push(chunk)) {
      if ('tooLong' in item) {
        this.reply(500, 'Command line too long.');
        continue;
      }
      if (this.transfer && runsDuringTransfer(item.line)) {
        void dispatchCommand(this, item.line);
        continue;
      }
      this.queue.push(item.line);
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let line = this.queue.shift(); line !== undefined && !this.closed; line = this.queue.shift()) {
        await dispatchCommand(this, line);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Sends a reply; a multi-line text becomes an RFC 959 multi-line reply. */
  reply(code: number, text: string | string[]): void {
    if (this.closed || this.socket.destroyed) return;
    if (typeof text === 'string' && !/[\r\n]/.test(text)) return this.write(`${code} ${text}\r\n`);
    // A CR or LF inside a line (a file name in a STAT listing) would end the reply early and
    // let the rest pass for another reply: each line must stay one line.
    const lines = (Array.isArray(text) ? text : text.split('\n')).map((l) => l.replace(/[\r\n]/g, ' '));
    let out = '';
    // Continuation lines start with a space so none can look like "ddd " (RFC 959 §4.2);
    // lines that already start with one (FEAT, MLST entries, STAT listings) get no second.
    for (let i = 0; i < lines.length - 1; i++) out += (i === 0 ? `${code}-` : lines[i].startsWith(' ') ? '' : ' ') + lines[i] + '\r\n';
    out += `${code} ${lines[lines.length - 1]}\r\n`;
    this.write(out);
  }

  /**
   * Writes to the control connection. On a plain socket with nothing queued the addon sends it
   * at once (one send(2)): Node's stream write costs another third of the system call on top,
   * and every download is four replies (bench/). What the kernel does not take at once, and any
   * error, goes through the socket, which reports failures the usual way.
   */
  private write(out: string): void {
    const fd = this.socket.writableLength === 0 ? plainSocketDescriptor(this.socket) : undefined;
    if (fd === undefined) {
      this.socket.write(out);
      return;
    }
    const bytes = Buffer.from(out);
    let written = -1;
    try {
      written = nativeIo!.writeNow(fd, bytes, bytes.length);
    } catch {
      // EPIPE or a reset: the socket write below meets the same error and closes the session.
    }
    if (written < bytes.length) this.socket.write(written > 0 ? bytes.subarray(written) : bytes);
    // As the socket's own write does: a reply restarts the idle timer, so idle_ctrl_timeout
    // counts from the end of a transfer (the timer fired, ignored, while it ran).
    else (this.socket as unknown as { _unrefTimer?(): void })._unrefTimer?.();
  }

  /** Closes the data setup (PASV listener or PORT target) after use or on a new setup. */
  clearDataSetup(): void {
    this.cpsvPending = false;
    this.passive?.close();
    this.passive = undefined;
    this.active = undefined;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      connectedAt: this.connectedAt,
      user: this.user?.name,
      secure: this.secure,
      lastCommand: this.lastCommand,
      transfer: this.transfer ? { ...this.transfer.info } : undefined,
    };
  }

  /** Ends the session: one path for QUIT, timeouts, errors and server shutdown. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transfer?.abort.abort();
    this.clearDataSetup();
    this.queue.length = 0;
    const socket = this.socket;
    if (!socket.destroyed) {
      socket.end();
      setTimeout(() => socket.destroy(), 2000).unref();
    }
    this.onClose(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
