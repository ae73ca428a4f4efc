import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runConnectionTest } from './connection-test';
import { parseFileZillaSites } from './model/filezilla';
import type { Logger } from './model/log';
import { RemoteFs } from './model/remote-fs';
import { SiteClients } from './model/site-clients';
import { ImportResult, readSite, SiteConfig, uniqueSiteId } from './model/site-config';
import { parseSftpJson } from './model/sftp-json';
import { failureKind } from './model/connect-failure';
import { isNode } from './nodes';
import { Pickers } from './pickers';
import { offerPlainFtp } from './site-access';
import type { SiteDraft } from './model/site-steps';
import { pickEditPage, siteFlow } from './site-flow';
import { SiteStore } from './site-store';

/** The site a command is about: a site id (scripts) or a tree node (its site). */
function siteIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!isNode(arg)) return undefined;
  if (arg.kind === 'site') return arg.site.id;
  return arg.kind === 'entry' ? arg.location.siteId : undefined;
}

/** Site fields a script passed to Add Site; not a tree node, which VS Code passes to a view's title buttons. */
function siteFields(arg: unknown): Record<string, unknown> | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg) || isNode(arg) || arg instanceof vscode.Uri) return undefined;
  return arg as Record<string, unknown>;
}

/** Add, edit, duplicate, remove, test, connect, disconnect and import sites. */
export class SiteCommands {
  constructor(
    private readonly store: SiteStore,
    private readonly clients: SiteClients,
    private readonly fs: RemoteFs,
    private readonly log: Logger,
    private readonly pickers: Pickers,
  ) {}

  /** The site of a command's argument; without one (the Command Palette), the one the user picks. */
  private async site(arg: unknown, placeholder: string): Promise<SiteConfig | undefined> {
    if (arg === undefined) return this.pickers.site(placeholder);
    const id = siteIdOf(arg);
    return id === undefined ? undefined : this.store.get(id);
  }

  /**
   * Adds a site through the guided flow. Scripts may pass the site's fields (and `password`)
   * instead: the site is saved as given. Resolves the new site's id.
   */
  async add(arg?: unknown): Promise<string | undefined> {
    const taken = this.store.sites().map((s) => s.id);
    const fields = siteFields(arg);
    if (fields) {
      const { password, ...rest } = fields;
      const site = readSite({ ...rest, id: uniqueSiteId(String(rest.name ?? rest.host ?? ''), taken) });
      if (typeof site === 'string') throw new Error(site);
      await this.store.save(site, typeof password === 'string' ? password : undefined);
      return site.id;
    }
    const fresh: SiteDraft = { site: { name: '', host: '', tls: 'explicit', dataMode: 'auto' } };
    const draft = await siteFlow(vscode.l10n.t('Add FTP site'), fresh, { kind: 'add', advanced: false });
    if (!draft) return undefined;
    const id = uniqueSiteId(draft.site.name || draft.site.host, taken);
    await this.saveDraft(id, draft);
    this.log.info(`site added: ${id}`);
    return id;
  }

  /** Edits a site: the user picks the page to open, then the same flow as Add Site from there, pre-filled. */
  async edit(arg?: unknown): Promise<void> {
    const site = await this.site(arg, vscode.l10n.t('Site to edit'));
    if (!site) return;
    const { id, ...fields } = site;
    const title = vscode.l10n.t('Edit {0}', site.name);
    const start = await pickEditPage(title, { site: fields });
    if (!start) return;
    // An anonymous site's user is '' (answered), so its edit shows no password page.
    const draft = await siteFlow(title, { site: { ...fields, user: fields.user ?? '' } }, { kind: 'edit', page: start }, () => Promise.resolve(this.store.password(id)));
    if (!draft) return;
    await this.saveDraft(id, draft);
    this.clients.disconnect(id);
    this.fs.forget(id);
  }

  /**
   * Saves a finished flow. A typed password goes into SecretStorage only when the flow's last
   * test logged in with it; otherwise it is kept for this session and stored once a connection
   * logs in with it (as a password asked when connecting). An anonymous site keeps none.
   */
  private async saveDraft(id: string, draft: SiteDraft): Promise<void> {
    const typed = draft.site.user ? draft.password : undefined;
    const password = !draft.site.user ? null : typed === undefined ? undefined : draft.loggedIn ? typed : null;
    await this.store.save({ ...draft.site, name: draft.site.name || draft.site.host, id }, password);
    if (typed !== undefined && !draft.loggedIn) this.store.rememberTypedPassword(id, typed);
  }

  async duplicate(arg?: unknown): Promise<string | undefined> {
    const site = await this.site(arg, vscode.l10n.t('Site to duplicate'));
    if (!site) return undefined;
    const name = vscode.l10n.t('{0} (copy)', site.name);
    const copy = { ...site, name, id: uniqueSiteId(name, this.store.sites().map((s) => s.id)) };
    await this.store.save(copy, (await this.store.password(site.id)) ?? null);
    return copy.id;
  }

  /** Removes a site and its password; asks first unless a script passed the site id. */
  async remove(arg?: unknown): Promise<boolean> {
    const site = await this.site(arg, vscode.l10n.t('Site to remove'));
    if (!site) return false;
    if (typeof arg !== 'string') {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Remove the site "{0}" and its stored password?', site.name), { modal: true }, remove);
      if (answer !== remove) return false;
    }
    this.clients.disconnect(site.id);
    this.fs.forget(site.id);
    await this.store.remove(site.id);
    return true;
  }

  /** Tests a saved site on a connection of its own; resolves the findings (undefined when it failed). */
  async test(arg?: unknown): Promise<string[] | undefined> {
    const site = await this.site(arg, vscode.l10n.t('Site to test'));
    if (!site) return undefined;
    const settings = await this.store.connectionSettings(site.id, (line) => this.log.debug(`[ftp ${site.id}] ${line}`));
    const lines = await runConnectionTest(site.name, settings, (err) => offerPlainFtp(this.store, site.id, err));
    // A password typed for the test is kept once it has logged in, and forgotten when the test failed.
    if (lines && settings.password !== undefined && site.user) await this.store.storePassword(site.id, settings.password);
    if (!lines) this.store.forgetTypedPassword(site.id);
    return lines;
  }

  /**
   * Connects a site, trying again even after a failure (the user asked). A refused login or
   * TLS has already been put to the user (password asked again, plain FTP offered): only
   * other failures are thrown for the command to show.
   */
  async connect(arg?: unknown): Promise<boolean> {
    const site = await this.site(arg, vscode.l10n.t('Site to connect to'));
    if (!site) return false;
    this.clients.retry(site.id);
    try {
      await this.clients.connected(site.id);
      return true;
    } catch (err) {
      if (failureKind(err) === 'login' || failureKind(err) === 'tls-refused') return false;
      throw err;
    }
  }

  async disconnect(arg?: unknown): Promise<void> {
    const site = await this.site(arg, vscode.l10n.t('Site to disconnect'));
    if (!site) return;
    this.clients.disconnect(site.id);
    this.fs.forget(site.id);
  }

  /** Imports FileZilla's sitemanager.xml: `file` (scripts), else the default location or a picked file. */
  async importFileZilla(arg?: unknown): Promise<string[]> {
    // A Uri from scripts; from the view's title bar VS Code passes the focused tree node instead.
    const file = arg instanceof vscode.Uri ? arg : undefined;
    const fallback = [path.join(os.homedir(), '.config', 'filezilla', 'sitemanager.xml'), path.join(process.env.APPDATA ?? '', 'FileZilla', 'sitemanager.xml')].find(existsSync);
    const source = file ?? (await this.pickFile(vscode.l10n.t('FileZilla site manager'), ['xml'], fallback));
    if (!source) return [];
    return this.importSites(parseFileZillaSites(await fsp.readFile(source.fsPath, 'utf8')), file === undefined);
  }

  /** Imports FTP entries of the SFTP extension's .vscode/sftp.json: `file` (scripts), else the workspace's or a picked one. */
  async importSftpJson(arg?: unknown): Promise<string[]> {
    const file = arg instanceof vscode.Uri ? arg : undefined;
    const found = file ? [] : await vscode.workspace.findFiles('.vscode/sftp.json', undefined, 1);
    const source = file ?? found[0] ?? (await this.pickFile('sftp.json', ['json']));
    if (!source) return [];
    const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
    return this.importSites(parseSftpJson(text, path.basename(path.dirname(path.dirname(source.fsPath)))), file === undefined);
  }

  private async pickFile(label: string, extensions: string[], defaultPath?: string): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [label]: extensions }, defaultUri: defaultPath ? vscode.Uri.file(defaultPath) : undefined });
    return picked?.[0];
  }

  /** Saves imported sites (the user picks which when `ask`), passwords into SecretStorage; resolves the new ids. */
  private async importSites(result: ImportResult, ask: boolean): Promise<string[]> {
    for (const skipped of result.skipped) this.log.info(`import: skipped ${skipped.name}: ${skipped.reason}`);
    let chosen = result.sites;
    if (ask && chosen.length > 0) {
      const items = chosen.map((s) => ({ label: s.site.name, description: `${s.site.user ? `${s.site.user}@` : ''}${s.site.host}`, picked: true, imported: s }));
      chosen = ((await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('Sites to import') })) ?? []).map((i) => i.imported);
    }
    const ids: string[] = [];
    for (const { site, password } of chosen) {
      const id = uniqueSiteId(site.name, [...this.store.sites().map((s) => s.id), ...ids]);
      await this.store.save({ ...site, id }, password);
      ids.push(id);
    }
    const skipped = result.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n');
    void vscode.window.showInformationMessage(vscode.l10n.t('Imported {0} of {1} sites.', ids.length, result.sites.length + result.skipped.length), { detail: skipped || undefined });
    return ids;
  }
}
