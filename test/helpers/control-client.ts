import * as net from 'node:net';
import * as tls from 'node:tls';

/** One complete FTP reply. */
export interface FtpReply {
  code: number;
  /** All lines joined with \n, codes included. */
  text: string;
  lines: string[];
}

/**
 * A raw control-connection client for tests that must see exact reply codes and texts,
 * including replies no library would let through (multi-line, out-of-order, malformed input).
 */
export class ControlClient {
  private buffer = '';
  private replies: FtpReply[] = [];
  private waiters: ((r: FtpReply) => void)[] = [];
  private current: string[] = [];
  closed = false;

  private constructor(public socket: net.Socket | tls.TLSSocket) {
    this.listen(socket);
  }

  /** `localAddress`: connect from another loopback address (127.0.0.2 is "another client" to per-address limits). */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<{ client: ControlClient; greeting: FtpReply }> {
    const socket = net.connect({ host, port, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new ControlClient(socket);
    return { client, greeting: await client.read() };
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.current.push(line);
      const first = this.current[0];
      const code = first.slice(0, 3);
      // A reply ends on "ddd " (or a single-line "ddd"), matching the first line's code.
      if (/^\d{3}( |$)/.test(line) && line.startsWith(code) && (this.current.length === 1 ? first[3] !== '-' : true)) {
        const reply = { code: Number(code), text: this.current.join('\n'), lines: this.current };
        this.current = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply, failing after `timeoutMs`. */
  read(timeoutMs = 10_000): Promise<FtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(wrapped), 1);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const wrapped = (r: FtpReply) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push(wrapped);
    });
  }

  /** Sends raw bytes (no CRLF added). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line and returns its reply. */
  async send(line: string, timeoutMs?: number): Promise<FtpReply> {
    this.socket.write(line + '\r\n');
    return this.read(timeoutMs);
  }

  async login(user: string, password: string): Promise<FtpReply> {
    const r = await this.send(`USER ${user}`);
    if (r.code !== 331) return r;
    return this.send(`PASS ${password}`);
  }

  /** AUTH TLS and upgrade this connection (self-signed certificates accepted; `options` add to tls.connect's). */
  async startTls(options: tls.ConnectionOptions = {}): Promise<FtpReply> {
    const r = await this.send('AUTH TLS');
    if (r.code === 234) await this.handshake(options);
    return r;
  }

  /** The TLS handshake on this connection, once the server said 234. */
  async handshake(options: tls.ConnectionOptions = {}): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ ...options, socket: this.socket as net.Socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  /** EPSV, then a connected data socket (plain). */
  async passiveData(): Promise<net.Socket> {
    const r = await this.send('EPSV');
    const m = /\(\|\|\|(\d+)\|\)/.exec(r.text);
    if (r.code !== 229 || !m) throw new Error(`EPSV failed: ${r.text}`);
    const socket = net.connect({ host: '127.0.0.1', port: Number(m[1]) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Collects everything a socket sends until it closes. */
export function readAll(socket: net.Socket | tls.TLSSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}
