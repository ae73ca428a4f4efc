import * as net from 'node:net';
import * as tls from 'node:tls';
import { nativeIo } from '../native/native-io';
import { AuthorizedUser } from './authorizer';
import { dispatchCommand, runsDuringTransfer } from './command-table';
import type { HashAlgorithm } from './commands/hash';
import { ControlParser, ParsedLine } from './control-parser';
import { ActiveTarget } from './active-target';
import { PassiveListener } from './passive-listener';
import { plainAddress } from '../net/address';
import { MLST_FACTS, MlstFact } from './list-format';
import { encodeName } from './name-bytes';
import { plainSocketDescriptor } from '../data/native-transfer';
import type { HeldPath, RootedFs } from './rooted-fs';
import { ServerContext, SessionInfo, TransferInfo } from './server-context';
import { TokenBucket } from '../data/throttle';
import { Reply } from '../protocol/replies';

/**
 * Reply bytes a session may have waiting on its control socket (not yet taken by the kernel)
 * before it stops running commands and reading the client's: a client that pipelines commands
 * and never reads would otherwise grow the server by ~100 bytes of replies per byte it sends.
 * Checked before each command, so one reply (a long STAT listing) may go past it.
 */
export const MAX_REPLY_BACKLOG = 64 * 1024;
/** Parsed lines waiting for their turn; what comes after them stays unparsed, then unread. */
const MAX_QUEUED_LINES = 32;

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
  cwd = '/';
  /** Name sent with USER, waiting for PASS. */
  pendingUser?: string;
  loginFailures = 0;
  restOffset = 0;
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
  private rootedFs?: RootedFs;
  private renameSource?: HeldPath;
  private queue: ParsedLine[] = [];
  /** The queue is being worked through (possibly waiting for a command). */
  private busy = false;
  /** A command is running: the idle timer waits for it. */
  private running = false;
  private awaitingDrain = false;
  private idleTimer?: NodeJS.Timeout;
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
    this.startIdleTimer();
    this.reply(Reply.ServiceReady, server.tunables.ftpd_banner);
  }

  /** The logged-in user's files; replacing or dropping them closes the root's descriptor. */
  get fs(): RootedFs | undefined {
    return this.rootedFs;
  }

  set fs(value: RootedFs | undefined) {
    if (value !== this.rootedFs) this.rootedFs?.close();
    this.rootedFs = value;
  }

  /** What RNFR resolved, its folder held until RNTO uses it or another command drops it. */
  get renameFrom(): HeldPath | undefined {
    return this.renameSource;
  }

  set renameFrom(value: HeldPath | undefined) {
    if (value !== this.renameSource) this.renameSource?.release();
    this.renameSource = value;
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
    // ABOR and STAT may come as TCP urgent data; see the addon's oobInline and ControlParser.
    const fd = plainSocketDescriptor(socket);
    if (fd !== undefined) nativeIo!.oobInline(fd);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /**
   * idle_ctrl_timeout counts from the last complete command line or the end of the last
   * command, as vsftpd's idle_session_timeout does: not from any traffic (the socket's own
   * timeout), or a line trickled a byte at a time would keep a session forever, and neither
   * from replies, which a client that stopped reading does not even take.
   */
  private startIdleTimer(): void {
    const idle = this.server.tunables.idle_ctrl_timeout;
    if (idle <= 0) return;
    this.idleTimer = setTimeout(() => {
      // Never time out a client that is waiting for its own transfer or command to finish.
      if (this.transfer || this.running) return void this.idleTimer?.refresh();
      this.reply(Reply.ServiceUnavailable, `Timeout: no command for ${idle} s (idle_ctrl_timeout), closing control connection.`);
      this.close();
    }, idle * 1000).unref();
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
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.socket = secure;
    this.parser = new ControlParser();
    this.secure = true;
    this.attach(secure);
  }

  private onData(chunk: Buffer): void {
    this.parser.push(chunk);
    this.takeLines();
    void this.pump();
  }

  /**
   * Moves complete lines from the parser to the queue while it has room and the reply backlog
   * is under its bound; during a transfer ABOR and STAT run at once instead (RFC 959 §4.1.3).
   * Lines left in the parser stop the reading: the client's further commands wait in the
   * kernel, and TCP flow control slows the client down.
   */
  private takeLines(): void {
    while (this.queue.length < MAX_QUEUED_LINES && !this.replyBacklogFull()) {
      const item = this.parser.next();
      if (!item) {
        if (this.socket.isPaused()) this.socket.resume();
        return;
      }
      if ('line' in item) {
        this.idleTimer?.refresh();
        if (this.transfer && runsDuringTransfer(item.line)) {
          void dispatchCommand(this, item.line);
          continue;
        }
      }
      this.queue.push(item);
    }
    this.socket.pause();
  }

  /** True while the reply backlog is over its bound; reading and commands go on at its 'drain'. */
  private replyBacklogFull(): boolean {
    if (this.socket.writableLength <= MAX_REPLY_BACKLOG) return false;
    if (!this.awaitingDrain) {
      this.awaitingDrain = true;
      // A write returned false on the way past the bound (it is above the high-water mark),
      // so the socket emits 'drain' once it has written everything.
      this.socket.once('drain', () => {
        this.awaitingDrain = false;
        this.takeLines();
        void this.pump();
      });
    }
    return true;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed && !this.replyBacklogFull()) {
        const item = this.queue.shift();
        if (item === undefined) break;
        this.running = true;
        if ('tooLong' in item) this.reply(Reply.SyntaxError, 'Command line too long.');
        else await dispatchCommand(this, item.line);
        this.running = false;
        this.idleTimer?.refresh();
        this.takeLines();
      }
    } finally {
      this.busy = false;
      this.running = false;
      if (this.closed) this.releaseFiles();
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
    // Names that are not valid UTF-8 go out as the bytes they are on disk (see name-bytes.ts).
    const bytes = encodeName(out);
    const fd = this.socket.writableLength === 0 ? plainSocketDescriptor(this.socket) : undefined;
    if (fd === undefined) {
      this.socket.write(bytes);
      return;
    }
    let written = -1;
    try {
      written = nativeIo!.writeNow(fd, bytes, bytes.length);
    } catch {
      // EPIPE or a reset: the socket write below meets the same error and closes the session.
    }
    if (written < bytes.length) this.socket.write(written > 0 ? bytes.subarray(written) : bytes);
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
    clearTimeout(this.idleTimer);
    this.transfer?.abort.abort();
    this.clearDataSetup();
    this.queue.length = 0;
    // A running command may still use them: it lets go when it ends (pump).
    if (!this.busy) this.releaseFiles();
    const socket = this.socket;
    if (!socket.destroyed) {
      socket.end();
      setTimeout(() => socket.destroy(), 2000).unref();
    }
    this.onClose(this);
  }

  private releaseFiles(): void {
    this.renameFrom = undefined;
    this.fs = undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
