/**
 * A minimal raw-socket FTP control client for the login-latency and idle-session
 * measurements: no library in between, so the numbers are the server's.
 */
import * as net from 'node:net';

export class RawFtp {
  private buffer = '';
  private lines: string[] = [];
  private waiter?: { resolve: (reply: string) => void; reject: (err: Error) => void };
  private failure?: Error;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.deliver();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.deliver();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Connects and reads the 220 greeting (multi-line greetings included). */
  static async connect(port: number, host = '127.0.0.1', timeoutMs = 20_000): Promise<RawFtp> {
    const socket = net.connect({ port, host });
    const client = new RawFtp(socket);
    const greeting = await client.reply(timeoutMs);
    if (!greeting.startsWith('220')) {
      socket.destroy();
      throw new Error(`unexpected greeting: ${greeting}`);
    }
    return client;
  }

  /** Takes one complete reply (last line of a multi-line reply) from what has arrived. */
  private takeReply(): string | undefined {
    if (this.lines.length === 0) return undefined;
    const first = this.lines[0];
    if (/^\d{3}-/.test(first)) {
      const end = this.lines.findIndex((l, i) => i > 0 && l.startsWith(first.slice(0, 3) + ' '));
      if (end < 0) return undefined;
      const last = this.lines[end];
      this.lines.splice(0, end + 1);
      return last;
    }
    return this.lines.shift();
  }

  private deliver(): void {
    if (!this.waiter) return;
    const reply = this.takeReply();
    if (reply !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(reply);
    } else if (this.failure) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(this.failure);
    }
  }

  reply(timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error('reply timeout'));
      }, timeoutMs);
      this.waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.deliver();
    });
  }

  async command(line: string, expect?: string): Promise<string> {
    this.socket.write(line + '\r\n');
    const reply = await this.reply();
    if (expect && !reply.startsWith(expect)) throw new Error(`${line.split(' ')[0]}: expected ${expect}, got "${reply}"`);
    return reply;
  }

  async login(user: string, pass: string): Promise<void> {
    await this.command(`USER ${user}`, '331');
    await this.command(`PASS ${pass}`, '230');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Resolves once something on `port` answers with a 220 greeting, or rejects after `timeoutMs`. */
export async function waitForGreeting(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await RawFtp.connect(port, host, 2000);
      c.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no 220 on port ${port} within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
