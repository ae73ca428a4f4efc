import { ConnectionError, FtpClient, SiteSettings } from '../../../core/client';
import { toFsProblem } from './fs-problem';

/** Connection state of a site as the tree shows it. */
export type SiteState =
  | { status: 'disconnected' }
  | { status: 'connecting' }
  | { status: 'connected'; home: string; secure: boolean }
  | { status: 'failed'; message: string };

/** A site's client after its first successful connection. */
export interface ConnectedSite {
  client: FtpClient;
  /** The login directory (PWD after login). */
  home: string;
  secure: boolean;
}

/**
 * One FtpClient (with its connection pool) per site, created on first use with the settings
 * `resolve` returns (the password comes from SecretStorage there). The first use connects
 * once to learn the login directory; later failures and successes update the state.
 */
export class SiteClients {
  private readonly entries = new Map<string, Promise<ConnectedSite>>();
  private readonly states = new Map<string, SiteState>();
  private readonly listeners = new Set<(siteId: string) => void>();

  constructor(private readonly resolve: (siteId: string) => Promise<SiteSettings>) {}

  /** Calls `listener` with the site id whenever a site's state changes; returns the unsubscribe. */
  onDidChangeState(listener: (siteId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(siteId: string): SiteState {
    return this.states.get(siteId) ?? { status: 'disconnected' };
  }

  private setState(siteId: string, state: SiteState): void {
    if (JSON.stringify(this.states.get(siteId)) === JSON.stringify(state)) return;
    this.states.set(siteId, state);
    for (const listener of this.listeners) listener(siteId);
  }

  private open(siteId: string): Promise<ConnectedSite> {
    this.setState(siteId, { status: 'connecting' });
    const opening = (async () => {
      const client = new FtpClient(await this.resolve(siteId));
      try {
        const { home, secure } = await client.connect();
        return { client, home, secure };
      } catch (err) {
        client.close();
        throw err;
      }
    })();
    opening.then(
      ({ home, secure }) => this.entries.get(siteId) === opening && this.setState(siteId, { status: 'connected', home, secure }),
      (err) => {
        if (this.entries.get(siteId) !== opening) return;
        this.entries.delete(siteId);
        this.failed(siteId, err);
      },
    );
    return opening;
  }

  /** The site's client, connected at least once; throws what connecting threw. */
  connected(siteId: string): Promise<ConnectedSite> {
    let entry = this.entries.get(siteId);
    if (!entry) {
      entry = this.open(siteId);
      this.entries.set(siteId, entry);
    }
    return entry;
  }

  /** Records the outcome of an operation: a lost connection marks the site failed, a success marks it connected again. */
  observe(siteId: string, err?: unknown): void {
    const entry = this.entries.get(siteId);
    if (err instanceof ConnectionError) this.failed(siteId, err);
    else if (err === undefined && entry && this.state(siteId).status === 'failed') {
      void entry.then(({ home, secure }) => this.setState(siteId, { status: 'connected', home, secure }));
    }
  }

  private failed(siteId: string, err: unknown): void {
    this.setState(siteId, { status: 'failed', message: toFsProblem(err).message });
  }

  /** Closes a site's connections; the next use reconnects with fresh settings. */
  disconnect(siteId: string): void {
    const entry = this.entries.get(siteId);
    this.entries.delete(siteId);
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
    for (const siteId of this.active()) this.disconnect(siteId);
    this.listeners.clear();
  }
}
