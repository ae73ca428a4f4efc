import * as vscode from 'vscode';
import { uriOf } from './file-system-provider';
import { toFsProblem } from './model/fs-problem';
import { RemoteFs } from './model/remote-fs';
import type { SiteConfig } from './model/site-config';
import { parentPath, RemoteLocation, resolveRemotePath } from './model/site-uri';
import { isContainer, Node } from './nodes';
import { SiteStore } from './site-store';

/** The site a tree node belongs to. */
function siteOfNode(node: Node | undefined): string | undefined {
  if (node?.kind === 'site') return node.site.id;
  return node?.kind === 'entry' ? node.location.siteId : undefined;
}

/**
 * What commands run from the Command Palette ask for, since the palette passes nothing: a saved
 * site, and a remote folder on it. The tree's selection is offered first, so Enter keeps it.
 */
export class Pickers {
  constructor(
    private readonly store: SiteStore,
    private readonly fs: RemoteFs,
    private readonly rootOf: (siteId: string) => Promise<RemoteLocation>,
    private readonly selection: () => readonly Node[],
  ) {}

  /** Asks which saved site; undefined when there is none or the pick was dismissed. */
  async site(placeholder: string): Promise<SiteConfig | undefined> {
    const sites = this.store.sites();
    if (sites.length === 0) {
      const add = vscode.l10n.t('Add Site…');
      if ((await vscode.window.showInformationMessage(vscode.l10n.t('There are no FTP sites yet.'), add)) === add) await vscode.commands.executeCommand('ferry.addSite');
      return undefined;
    }
    const selected = siteOfNode(this.selection()[0]);
    const items = sites.map((site) => ({ label: site.name, description: `${site.user ? `${site.user}@` : ''}${site.host}${site.port ? `:${site.port}` : ''}`, site }));
    const pick = vscode.window.createQuickPick<(typeof items)[number]>();
    pick.placeholder = placeholder;
    pick.items = items;
    const active = items.find((item) => item.site.id === selected);
    if (active) pick.activeItems = [active];
    return new Promise((resolve) => {
      let chosen: SiteConfig | undefined;
      pick.onDidAccept(() => {
        chosen = pick.selectedItems[0]?.site;
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(chosen);
        pick.dispose();
      });
      pick.show();
    });
  }

  /** The folder of the tree's selection on `siteId`, else the site's start folder. */
  private async startFolder(siteId: string): Promise<string> {
    const node = this.selection()[0];
    const root = (await this.rootOf(siteId)).path;
    if (node?.kind !== 'entry' || node.location.siteId !== siteId) return root;
    const { path } = node.location;
    return isContainer(node) ? path : parentPath(path);
  }

  /**
   * Asks which site, then which remote folder on it (typed, starting at the selection's folder or
   * the site's start folder; checked to be a folder). Resolves its `ferry:` URI.
   */
  async folder(placeholder: string): Promise<vscode.Uri | undefined> {
    const site = await this.site(placeholder);
    if (!site) return undefined;
    const start = await this.startFolder(site.id);
    const box = vscode.window.createInputBox();
    box.title = placeholder;
    box.prompt = vscode.l10n.t('Remote folder on {0}', site.name);
    box.value = start;
    box.ignoreFocusOut = true;
    return new Promise((resolve) => {
      let chosen: vscode.Uri | undefined;
      box.onDidChangeValue(() => (box.validationMessage = undefined));
      box.onDidAccept(async () => {
        const location = { siteId: site.id, path: resolveRemotePath(start, box.value.trim()) };
        box.busy = true;
        const problem = await this.folderProblem(location);
        box.busy = false;
        if (problem) return void (box.validationMessage = problem);
        chosen = uriOf(location);
        box.hide();
      });
      box.onDidHide(() => {
        resolve(chosen);
        box.dispose();
      });
      box.show();
    });
  }

  /** Why `location` cannot take new entries, or undefined when it is a folder. */
  private async folderProblem(location: RemoteLocation): Promise<string | undefined> {
    try {
      const entry = await this.fs.existing(location);
      return entry.type === 'directory' || entry.linkToDirectory ? undefined : vscode.l10n.t('{0} is not a folder', location.path);
    } catch (err) {
      return toFsProblem(err).message;
    }
  }

}
