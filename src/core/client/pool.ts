import { Capabilities } from './capabilities';
import { FtpConnection } from './connection';
import { CancelledError, ConnectionError, ErrorContext } from './errors';
import { DEFAULTS, SiteSettings, siteLabel } from './settings';

export interface TaskOptions {
  /** Safe to run again on a fresh connection if the first one dropped (listings, stat, downloads). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** For error messages. */
  context: Omit<ErrorContext, 'host'>;
}

interface IdleConnection {
  conn: FtpConnection;
  keepalive?: NodeJS.Timeout;
  /** A NOOP in flight: the next task must wait for it (one task per connection). */
  ping?: Promise<unknown>;
}

/**
 * Control connections to one site. basic-ftp allows one task per connection (a second
 * concurrent task closes it), and VS Code calls stat/readFile in parallel, so every task
 * borrows a connection here and callers queue when all are busy. Idle connections are kept
 * alive with NOOP; a dropped one is replaced; cancelling a task closes its connection.
 */
export class ConnectionPool {
  private readonly idle: IdleConnection[] = [];
  private readonly waiting: ((conn: FtpConnection | undefined) => void)[] = [];
  private count = 0;
  private closed = false;
  /** Capabilities learned on the first connection, shared by all. */
  capabilities?: Capabilities;

  constructor(readonly settings: SiteSettings) {}

  get label(): string {
    return siteLabel(this.settings);
  }

  private get max(): number {
    return Math.max(1, this.settings.maxConnections ?? DEFAULTS.maxConnections);
  }

  /** Connections open now: busy ones, and idle ones the server has not closed (an idle one it closed is only noticed here). */
  get openConnections(): number {
    return this.count - this.idle.filter((entry) => entry.conn.closed).length;
  }

  /** Runs `task` on a connection of its own; see TaskOptions for retry and cancellation. */
  async run<T>(task: (conn: FtpConnection) => Promise<T>, options: TaskOptions): Promise<T> {
    const context: ErrorContext = { ...options.context, host: this.label };
    for (let attempt = 0; ; attempt++) {
      if (options.signal?.aborted) throw new CancelledError(context);
      const conn = await this.acquire(context, options.signal);
      const onAbort = () => conn.close();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await task(conn);
        return result;
      } catch (err) {
        if (options.signal?.aborted) throw new CancelledError(context);
        const wrapped = conn.wrapError(err, context);
        // A dropped connection is replaced; an idempotent task gets one more try on the new one.
        if (wrapped instanceof ConnectionError && options.idempotent && attempt === 0) {
          conn.log(`connection lost during ${context.operation} (${wrapped.message}), retrying once`);
          continue;
        }
        throw wrapped;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.release(conn);
      }
    }
  }

  private async acquire(context: ErrorContext, signal?: AbortSignal): Promise<FtpConnection> {
    if (this.closed) throw new ConnectionError('the connection pool is closed', context);
    while (this.idle.length > 0) {
      const { conn, keepalive, ping } = this.idle.pop()!;
      clearInterval(keepalive);
      await ping;
      if (!conn.closed) return conn;
      this.count--;
    }
    if (this.count < this.max) {
      this.count++;
      try {
        const conn = await FtpConnection.open(this.settings, signal);
        this.capabilities ??= conn.capabilities;
        if (this.capabilities !== conn.capabilities) conn.capabilities = this.capabilities;
        return conn;
      } catch (err) {
        this.count--;
        this.wakeOne();
        throw err;
      }
    }
    const conn = await new Promise<FtpConnection | undefined>((resolve) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(resolve);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push((c) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      });
    });
    if (signal?.aborted) {
      if (conn) this.release(conn);
      throw new CancelledError(context);
    }
    return conn ?? this.acquire(context, signal);
  }

  private release(conn: FtpConnection): void {
    if (conn.closed || this.closed) {
      if (this.closed) conn.close();
      this.count--;
      this.wakeOne();
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(conn);
    const entry: IdleConnection = { conn };
    const interval = this.settings.keepaliveMs ?? DEFAULTS.keepaliveMs;
    if (interval > 0) {
      entry.keepalive = setInterval(() => {
        // Only an idle connection is pinged, so this never races a task.
        entry.ping = conn.client.send('NOOP').catch(() => conn.close());
      }, interval);
      entry.keepalive.unref();
    }
    this.idle.push(entry);
  }

  /** A slot was freed by a closed connection: a waiter may now open a new one. */
  private wakeOne(): void {
    const next = this.waiting.shift();
    next?.(undefined);
  }

  /** Closes every connection; queued callers fail. */
  close(): void {
    this.closed = true;
    for (const { conn, keepalive } of this.idle.splice(0)) {
      clearInterval(keepalive);
      conn.close();
    }
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
