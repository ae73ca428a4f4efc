import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runConnectionTest } from './connection-test';
import { parseFileZillaSites } from './model/filezilla';
import type { Logger } from './model/log';
import { RemoteFs } from './model/remote-fs';
import { SiteClients } from './model/site-clients';
import { ImportResult, readSite, SiteConfig, toSiteSettings, uniqueSiteId } from './model/site-config';
import { parseSftpJson } from './model/sftp-json';
import { Node } from './nodes';
import { askChoice } from './quick-steps';
import { siteFlow, SiteDraft } from './site-flow';
import { SiteStore } from './site-store';

/** The site a command is about: a site node, a site id (scripts), or the tree's selected site. */
function siteIdOf(arg: unknown, selection: readonly Node[]): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = (arg as Node | undefined) ?? selection[0];
  if (node?.kind === 'site') return node.site.id;
  return node?.kind === 'entry' ? node.location.siteId : undefined;
}

/** Add, edit, duplicate, remove, test, connect, disconnect and import sites. */
export class SiteCommands {
  constructor(
    private readonly store: SiteStore,
    private readonly clients: SiteClients,
    private readonly fs: RemoteFs,
    private readonly log: Logger,
    private readonly selection: () => readonly Node[],
  ) {}

  private site(arg: unknown): SiteConfig | undefined {
    const id = siteIdOf(arg, this.selection());
    return id === undefined ? undefined : this.store.get(id);
  }

  /**
   * Adds a site through the guided flow. Scripts may pass the site's fields (and `password`)
   * instead: the site is saved as given. Resolves the new site's id.
   */
  async add(fields?: Record<string, unknown>): Promise<string | undefined> {
    const taken = this.store.sites().map((s) => s.id);
    if (fields) {
      const { password, ...rest } = fields;
      const site = readSite({ ...rest, id: uniqueSiteId(String(rest.name ?? rest.host ?? ''), taken) });
      if (typeof site === 'string') throw new Error(site);
      await this.store.save(site, typeof password === 'string' ? password : undefined);
      return site.id;
    }
    const draft = await this.completeFlow(vscode.l10n.t('Add FTP site'));
    if (!draft) return undefined;
    const id = uniqueSiteId(draft.site.name, taken);
    await this.store.save({ ...draft.site, id }, draft.password);
    this.log.info(`site added: ${id}`);
    return id;
  }

  async edit(arg?: unknown): Promise<void> {
    const site = this.site(arg);
    if (!site) return;
    const draft = await this.completeFlow(vscode.l10n.t('Edit {0}', site.name), { site }, site.id);
    if (!draft) return;
    await this.store.save({ ...draft.site, id: site.id }, draft.password);
    this.clients.disconnect(site.id);
    this.fs.forget(site.id);
  }

  /**
   * The flow, then "test and save" or "save"; a failed test goes back into the flow. `siteId`
   * names the stored password to test with when none was typed (editing).
   */
  private async completeFlow(title: string, initial?: SiteDraft, siteId?: string): Promise<SiteDraft | undefined> {
    let draft = await siteFlow(title, initial);
    while (draft) {
      const choice = await askChoice(
        { title, step: 1, total: 1 },
        {
          placeholder: vscode.l10n.t('Save the site'),
          items: [
            { label: `$(plug) ${vscode.l10n.t('Test connection, then save')}`, value: 'test' as const },
            { label: `$(save) ${vscode.l10n.t('Save without testing')}`, value: 'save' as const },
            { label: `$(arrow-left) ${vscode.l10n.t('Back to the settings')}`, value: 'edit' as const },
          ],
        },
      );
      if (choice === undefined) return undefined;
      if (choice === 'save') return draft;
      if (choice === 'test') {
        const password = draft.password ?? (siteId ? await this.store.password(siteId) : undefined);
        if (await runConnectionTest(draft.site.name, toSiteSettings({ ...draft.site, id: siteId ?? '' }, password))) return draft;
      }
      draft = await siteFlow(title, draft);
    }
    return undefined;
  }

  async duplicate(arg?: unknown): Promise<string | undefined> {
    const site = this.site(arg);
    if (!site) return undefined;
    const name = vscode.l10n.t('{0} (copy)', site.name);
    const copy = { ...site, name, id: uniqueSiteId(name, this.store.sites().map((s) => s.id)) };
    await this.store.save(copy, (await this.store.password(site.id)) ?? null);
    return copy.id;
  }

  /** Removes a site and its password; asks first unless a script passed the site id. */
  async remove(arg?: unknown): Promise<boolean> {
    const site = this.site(arg);
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
    const site = this.site(arg);
    if (!site) return undefined;
    const settings = await this.store.connectionSettings(site.id, (line) => this.log.debug(`[ftp ${site.id}] ${line}`));
    return runConnectionTest(site.name, settings);
  }

  async connect(arg?: unknown): Promise<void> {
    const id = siteIdOf(arg, this.selection());
    if (id) await this.clients.connected(id);
  }

  disconnect(arg?: unknown): void {
    const id = siteIdOf(arg, this.selection());
    if (!id) return;
    this.clients.disconnect(id);
    this.fs.forget(id);
  }

  /** Imports FileZilla's sitemanager.xml: `file` (scripts), else the default location or a picked file. */
  async importFileZilla(file?: vscode.Uri): Promise<string[]> {
    const fallback = [path.join(os.homedir(), '.config', 'filezilla', 'sitemanager.xml'), path.join(process.env.APPDATA ?? '', 'FileZilla', 'sitemanager.xml')].find(existsSync);
    const source = file ?? (await this.pickFile(vscode.l10n.t('FileZilla site manager'), ['xml'], fallback));
    if (!source) return [];
    return this.importSites(parseFileZillaSites(await fsp.readFile(source.fsPath, 'utf8')), file === undefined);
  }

  /** Imports FTP entries of the SFTP extension's .vscode/sftp.json: `file` (scripts), else the workspace's or a picked one. */
  async importSftpJson(file?: vscode.Uri): Promise<string[]> {
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
