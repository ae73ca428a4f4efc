import * as vscode from 'vscode';
import type { SiteSettings } from '../../core/client';
import type { Logger } from './model/log';
import { readSites, SiteConfig, storedForm, toSiteSettings } from './model/site-config';
import { askPassword } from './password-prompt';

const SECTION = 'ferry';
const KEY = 'sites';

function idOf(entry: unknown): unknown {
  return (entry as { id?: unknown } | null)?.id;
}

/** SecretStorage key of a site's password. */
function secretKey(siteId: string): string {
  return `ferry.site.${siteId}.password`;
}

/**
 * Saved sites: everything but passwords in the `ferry.sites` user setting, passwords only in
 * VS Code's SecretStorage (the OS keychain), keyed by site id.
 */
export class SiteStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when `ferry.sites` changes (through Ferry or by hand). */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.Disposable;
  /** Problems already logged, so a broken entry is reported once, not on every read. */
  private reported = '';
  /** Passwords typed this session that have not logged in yet (never written anywhere). */
  private readonly typed = new Map<string, string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
  ) {
    this.watcher = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.${KEY}`) && this.changed.fire());
  }

  private raw(): unknown[] {
    return vscode.workspace.getConfiguration(SECTION).get<unknown[]>(KEY, []);
  }

  private write(entries: unknown[]): Thenable<void> {
    return vscode.workspace.getConfiguration(SECTION).update(KEY, entries, vscode.ConfigurationTarget.Global);
  }

  /** Every usable site, in settings order; unusable entries are logged and left out. */
  sites(): SiteConfig[] {
    const { sites, problems } = readSites(this.raw());
    const report = problems.join('\n');
    if (report !== this.reported) problems.forEach((problem) => this.log.warn(problem));
    this.reported = report;
    return sites;
  }

  get(siteId: string): SiteConfig | undefined {
    return this.sites().find((s) => s.id === siteId);
  }

  /**
   * Adds or replaces a site (by id) in the user settings. `password`: a string is stored,
   * null deletes the stored one, undefined keeps it.
   */
  async save(site: SiteConfig, password?: string | null): Promise<void> {
    const raw = this.raw();
    const stored = storedForm(site);
    const next = raw.some((entry) => idOf(entry) === site.id) ? raw.map((entry) => (idOf(entry) === site.id ? stored : entry)) : [...raw, stored];
    if (typeof password === 'string') await this.secrets.store(secretKey(site.id), password);
    else if (password === null) await this.secrets.delete(secretKey(site.id));
    await this.write(next);
  }

  /** Removes a site and its stored password. */
  async remove(siteId: string): Promise<void> {
    this.typed.delete(siteId);
    await this.write(this.raw().filter((entry) => idOf(entry) !== siteId));
    await this.secrets.delete(secretKey(siteId));
  }

  password(siteId: string): Thenable<string | undefined> {
    return this.secrets.get(secretKey(siteId));
  }

  /** Keeps a password that logged in (only those: a mistyped one must not be offered again). */
  async storePassword(siteId: string, password: string): Promise<void> {
    this.typed.delete(siteId);
    if ((await this.password(siteId)) !== password) await this.secrets.store(secretKey(siteId), password);
  }

  /** Keeps a password typed in the site flow for this session only, until a login with it works (storePassword). */
  rememberTypedPassword(siteId: string, password: string): void {
    this.typed.set(siteId, password);
  }

  /** Forgets a password typed this session that the server refused. */
  forgetTypedPassword(siteId: string): void {
    this.typed.delete(siteId);
  }

  /**
   * The client settings of a saved site. A site with a user but no stored password asks for
   * it; the answer is kept in memory until the server refuses it, and in SecretStorage only
   * once a login with it worked (storePassword).
   */
  async connectionSettings(siteId: string, protocolLog: (line: string) => void): Promise<SiteSettings> {
    const site = this.get(siteId);
    if (!site) throw new Error(vscode.l10n.t('There is no saved site "{0}".', siteId));
    let password = (await this.password(siteId)) ?? this.typed.get(siteId);
    if (site.user && password === undefined) {
      const answer = await askPassword(site);
      if (typeof answer !== 'string') throw new Error(vscode.l10n.t('No password given for {0}.', site.name));
      password = answer;
      this.typed.set(siteId, answer);
    }
    return toSiteSettings(site, password, protocolLog);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
