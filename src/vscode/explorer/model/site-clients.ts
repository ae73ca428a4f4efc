import { ConnectionError, FtpClient, RemoteReplyError, SiteSettings } from '../../../core/client';
import { FailureKind, failureKind, nextTryAt, RETRY_DELAYS_MS } from './connect-failure';
import { toFsProblem } from './fs-problem';

/** Connection state of a site as the tree shows it. */
export type SiteState =
  | { status: 'disconnected' }
  | { status: 'connecting' }
  | { status: 'connected'; home: string; secure: boolean }
  /** `kind` and `retryAt` (epoch ms of the next automatic try, if any) when connecting failed; neither when a working connection was lost. */
  | { status: 'failed'; message: string; kind?: FailureKind; retryAt?: number };

/** A site's client after its first successful connection. */
export interface ConnectedSite {
  client: FtpClient;
  /** The login directory (PWD after login). */
  home: string;
  secure: boolean;
}

/** What connecting needs from the editor: settings (with the password) and what to do when the login fails or works. */
export interface SiteAccess {
  /** The client settings of a site; may ask for a password. */
  settings(siteId: string): Promise<SiteSettings>;
  /** The server refused the login (530) made with `tried`: settings to try once more with (a password typed again), or undefined to stop. */
  loginRefused?(siteId: string, err: RemoteReplyError, tried: SiteSettings): Promise<SiteSettings | undefined>;
  /** Logging in with `settings` worked: the moment to keep a password that was typed for it. */
  loggedIn?(siteId: string, settings: SiteSettings): Promise<void> | void;
  /** Connecting failed and will not be tried again by itself (see FailureKind). */
  failed?(siteId: string, err: unknown, kind: FailureKind): void;
}

interface Failure {
  error: unknown;
  kind: FailureKind;
  /** Consecutive failed attempts. */
  count: number;
  retryAt?: number;
  timer?: NodeJS.Timeout;
}

/**
 * One FtpClient (with its connection pool) per site, created on first use with the settings
 * `access` gives (the password comes from SecretStorage there). The first use connects once to
 * learn the login directory; later failures and successes update the state.
 *
 * A failed first connection is held: until the user asks again (`retry`, `disconnect`), every
 * use gets the same error without contacting the server, so a view that redraws on each state
 * change cannot turn into a login loop. Only transient failures are tried again by themselves,
 * after growing delays (RETRY_DELAYS_MS); a refused login never is.
 */
export class SiteClients {
  private readonly access: SiteAccess;
  private readonly entries = new Map<string, Promise<ConnectedSite>>();
  private readonly failures = new Map<string, Failure>();
  private readonly states = new Map<string, SiteState>();
  private readonly listeners = new Set<(siteId: string) => void>();
  /** Per connected site: the timer that notices when its server has closed every connection. */
  private readonly watches = new Map<string, NodeJS.Timeout>();

  /** `watchMs`: how often a connected site's connections are checked (the server may close idle ones). */
  constructor(
    access: SiteAccess | ((siteId: string) => Promise<SiteSettings>),
    private readonly options: { delaysMs?: readonly number[]; now?: () => number; watchMs?: number } = {},
  ) {
    this.access = typeof access === 'function' ? { settings: access } : access;
  }

  /** Calls `listener` with the site id whenever a site's state changes (or a held failure may be tried again); returns the unsubscribe. */
  onDidChangeState(listener: (siteId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(siteId: string): SiteState {
    return this.states.get(siteId) ?? { status: 'disconnected' };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private notify(siteId: string): void {
    for (const listener of this.listeners) listener(siteId);
  }

  private setState(siteId: string, state: SiteState): void {
    if (JSON.stringify(this.states.get(siteId)) === JSON.stringify(state)) return;
    this.states.set(siteId, state);
    this.notify(siteId);
  }

  private open(siteId: string): Promise<ConnectedSite> {
    const opening = this.login(siteId);
    // Known before listeners hear of "connecting": one that asks for the client gets this one.
    this.entries.set(siteId, opening);
    this.setState(siteId, { status: 'connecting' });
    opening.then(
      ({ client, home, secure }) => {
        if (this.entries.get(siteId) !== opening) return;
        this.forgetFailure(siteId);
        this.setState(siteId, { status: 'connected', home, secure });
        this.watch(siteId, client);
      },
      (err) => {
        if (this.entries.get(siteId) !== opening) return;
        this.entries.delete(siteId);
        this.hold(siteId, err);
      },
    );
    return opening;
  }

  /** Connects once; after a refused login, again only with what the user typed for it. */
  private async login(siteId: string): Promise<ConnectedSite> {
    let settings = await this.access.settings(siteId);
    for (;;) {
      const client = new FtpClient(settings);
      let connected: { home: string; secure: boolean };
      try {
        connected = await client.connect();
      } catch (err) {
        client.close();
        if (failureKind(err) !== 'login' || !this.access.loginRefused) throw err;
        const next = await this.access.loginRefused(siteId, err as RemoteReplyError, settings);
        if (!next) throw err;
        settings = next;
        continue;
      }
      // Keeping the password must not undo a login that worked.
      await Promise.resolve(this.access.loggedIn?.(siteId, settings)).catch(() => undefined);
      return { client, ...connected };
    }
  }

  /**
   * Says "disconnected" once the server has closed every connection of a connected site (an idle
   * timeout: vsftpd's idle_session_timeout, 300 s by default), instead of a "connected" that is no
   * longer true; the next use connects again, as after Disconnect.
   */
  private watch(siteId: string, client: FtpClient): void {
    clearInterval(this.watches.get(siteId));
    const timer = setInterval(() => {
      if (client.pool.openConnections > 0 || this.state(siteId).status !== 'connected') return;
      this.disconnect(siteId);
    }, this.options.watchMs ?? 2000).unref();
    this.watches.set(siteId, timer);
  }

  /** Remembers a failed connection; schedules a wake-up when a transient one may be tried again. */
  private hold(siteId: string, err: unknown): void {
    const kind = failureKind(err);
    const previous = this.failures.get(siteId);
    clearTimeout(previous?.timer);
    const count = (previous?.count ?? 0) + 1;
    const now = this.now();
    const retryAt = nextTryAt(kind, count, now, this.options.delaysMs ?? RETRY_DELAYS_MS);
    const failure: Failure = { error: err, kind, count, retryAt };
    // The wake-up only redraws: a site nobody looks at is not reconnected.
    if (retryAt !== undefined) failure.timer = setTimeout(() => this.notify(siteId), retryAt - now).unref();
    this.failures.set(siteId, failure);
    this.setState(siteId, { status: 'failed', message: toFsProblem(err).message, kind, retryAt });
    if (retryAt === undefined) this.access.failed?.(siteId, err, kind);
  }

  private forgetFailure(siteId: string): void {
    clearTimeout(this.failures.get(siteId)?.timer);
    this.failures.delete(siteId);
  }

  /**
   * The site's client, connected at least once; throws what connecting threw. After a failure,
   * the same error again until the user retries (or a transient failure's delay has passed).
   */
  connected(siteId: string): Promise<ConnectedSite> {
    const entry = this.entries.get(siteId);
    if (entry) return entry;
    const held = this.failures.get(siteId);
    if (held && (held.retryAt === undefined || this.now() < held.retryAt)) return Promise.reject(held.error);
    return this.open(siteId);
  }

  /**
   * The user asks to connect again (Connect, Refresh): a held failure, or a connection lost since
   * it worked, is forgotten and the next use connects (a "connection failed" is not left standing).
   */
  retry(siteId: string): void {
    if (this.failures.has(siteId)) {
      this.forgetFailure(siteId);
      this.setState(siteId, { status: 'disconnected' });
    } else if (this.state(siteId).status === 'failed') {
      this.disconnect(siteId);
    }
  }

  /** Records the outcome of an operation: a lost connection marks the site failed, a success marks it connected again. */
  observe(siteId: string, err?: unknown): void {
    const entry = this.entries.get(siteId);
    if (!entry) return;
    if (err instanceof ConnectionError) this.setState(siteId, { status: 'failed', message: toFsProblem(err).message });
    else if (err === undefined && this.state(siteId).status === 'failed') {
      void entry.then(({ home, secure }) => this.setState(siteId, { status: 'connected', home, secure }));
    }
  }

  /** Closes a site's connections and forgets a failure; the next use reconnects with fresh settings. */
  disconnect(siteId: string): void {
    const entry = this.entries.get(siteId);
    this.entries.delete(siteId);
    clearInterval(this.watches.get(siteId));
    this.watches.delete(siteId);
    this.forgetFailure(siteId);
    entry?.then(
      ({ client }) => client.close(),
      () => undefined,
    );
    this.setState(siteId, { status: 'disconnected' });
  }

  /** Sites with a client (connected or connecting). */
  active(): string[] {
    return [...this.entries.keys()];
  }

  /** Closes everything (extension deactivation). */
  dispose(): void {
    // Listeners first: one that redraws on "disconnected" would otherwise connect again.
    this.listeners.clear();
    for (const siteId of new Set([...this.active(), ...this.failures.keys()])) this.disconnect(siteId);
  }
}
