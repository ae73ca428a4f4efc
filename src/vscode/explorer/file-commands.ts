import * as vscode from 'vscode';
import { uriOf } from './file-system-provider';
import { toFsProblem } from './model/fs-problem';
import { deleteTree, RecursiveOutcome } from './model/recursive';
import { RemoteFs } from './model/remote-fs';
import { remoteUrl } from './model/site-config';
import { baseName, joinPath, locationOf, parentPath, RemoteLocation } from './model/site-uri';
import { isNode } from './nodes';
import { Pickers } from './pickers';
import { overTargets, withRecursiveProgress } from './recursive-progress';
import { SitesTree } from './sites-tree';
import { SiteStore } from './site-store';
import { Target, Targets } from './targets';

/** Validation of a new name typed for a remote entry. */
function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return vscode.l10n.t('Enter a name');
  if (name.includes('/')) return vscode.l10n.t('A name cannot contain "/"');
  return undefined;
}

/** Open, new file/folder, rename, delete, copy URL/path, refresh, and open a site folder as a workspace folder. */
export class FileCommands {
  constructor(
    private readonly targets: Targets,
    private readonly fs: RemoteFs,
    private readonly tree: SitesTree,
    private readonly store: SiteStore,
    private readonly pickers: Pickers,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Opens files in editors. Each is read first, so a refusal shows with the server's words (the
   * editor would only say "unexpected error") and a file gone from the server leaves the tree.
   */
  async open(arg?: unknown, all?: unknown): Promise<void> {
    for (const target of await this.targets.resolve(arg, all)) {
      if (target.folder) continue;
      const name = baseName(target.location.path);
      try {
        await this.fs.readForOpening(target.location);
      } catch (err) {
        const problem = toFsProblem(err);
        if (problem.kind === 'FileNotFound') void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is no longer on the server; its folder was refreshed.', name));
        else void vscode.window.showErrorMessage(vscode.l10n.t('Cannot open "{0}": {1}', name, problem.message));
        continue;
      }
      await vscode.commands.executeCommand('vscode.open', uriOf(target.location));
    }
  }

  /** The folder a new entry goes into: the target folder, or a target file's folder. */
  private async folderOf(arg: unknown): Promise<RemoteLocation | undefined> {
    const [target] = await this.targets.resolve(arg);
    if (!target) return undefined;
    return target.folder ? target.location : { siteId: target.location.siteId, path: parentPath(target.location.path) };
  }

  /** Creates an empty file (named `name`, else asked for) and opens it; resolves its URI. */
  newFile(arg?: unknown, _all?: unknown, name?: string): Promise<vscode.Uri | undefined> {
    return this.create('file', arg, name);
  }

  /** Creates a folder (named `name`, else asked for); resolves its URI. */
  newFolder(arg?: unknown, _all?: unknown, name?: string): Promise<vscode.Uri | undefined> {
    return this.create('folder', arg, name);
  }

  private async create(kind: 'file' | 'folder', arg: unknown, name: string | undefined): Promise<vscode.Uri | undefined> {
    // From the Command Palette (no argument): ask for the site and folder.
    const where = arg ?? (await this.pickers.folder(kind === 'file' ? vscode.l10n.t('New remote file in…') : vscode.l10n.t('New remote folder in…')));
    if (where === undefined) return undefined;
    const folder = await this.folderOf(where);
    if (!folder) return undefined;
    const title = kind === 'file' ? vscode.l10n.t('New file in {0}', folder.path) : vscode.l10n.t('New folder in {0}', folder.path);
    const chosen = name ?? (await vscode.window.showInputBox({ title, validateInput: nameProblem }));
    if (!chosen) return undefined;
    const location = { siteId: folder.siteId, path: joinPath(folder.path, chosen) };
    if (kind === 'folder') await this.fs.createDirectory(location);
    else {
      await this.fs.writeFile(location, new Uint8Array(), { create: true, overwrite: false });
      await vscode.window.showTextDocument(uriOf(location));
    }
    return uriOf(location);
  }

  async rename(arg?: unknown, _all?: unknown, newName?: string): Promise<vscode.Uri | undefined> {
    const [target] = await this.targets.resolve(arg);
    if (!target) return undefined;
    const old = baseName(target.location.path);
    const dot = old.lastIndexOf('.');
    const chosen =
      newName ??
      (await vscode.window.showInputBox({ title: vscode.l10n.t('Rename {0}', old), value: old, valueSelection: [0, dot > 0 ? dot : old.length], validateInput: nameProblem }));
    if (!chosen || chosen === old) return undefined;
    const to = { siteId: target.location.siteId, path: joinPath(parentPath(target.location.path), chosen) };
    await this.fs.rename(target.location, to, { overwrite: false });
    return uriOf(to);
  }

  /** Deletes the targets after a confirmation (folders with everything in them). */
  async delete(arg?: unknown, all?: unknown): Promise<boolean> {
    const targets = await this.targets.resolve(arg, all);
    if (targets.length === 0) return false;
    const remove = vscode.l10n.t('Delete');
    const question = targets.length === 1 ? vscode.l10n.t('Delete "{0}" on the server?', baseName(targets[0].location.path)) : vscode.l10n.t('Delete {0} items on the server?', targets.length);
    const detail = targets.some((t) => t.folder) ? vscode.l10n.t('Folders are deleted with everything in them. This cannot be undone.') : vscode.l10n.t('This cannot be undone.');
    if ((await vscode.window.showWarningMessage(question, { modal: true, detail }, remove)) !== remove) return false;
    if (!targets.some((t) => t.folder)) {
      for (const target of targets) await this.fs.delete(target.location, { recursive: false });
      return true;
    }
    const outcome = await this.deleteRecursively(targets);
    return !outcome.cancelled && outcome.failures.length === 0;
  }

  /**
   * Deletes folders item by item (children first) with a count and Cancel; an item that fails is
   * reported at the end and the rest go on. The tree learns of the change once, at the end.
   */
  private async deleteRecursively(targets: Target[]): Promise<RecursiveOutcome> {
    const words = { title: vscode.l10n.t('Deleting on the server'), summary: (done: number, total: number) => vscode.l10n.t('Deleted {0} of {1} items.', done, total) };
    let outcome: RecursiveOutcome | undefined;
    try {
      outcome = await withRecursiveProgress(words, this.log, (hooks) =>
        overTargets(this.fs, targets, hooks, (entries) => deleteTree(entries, (e) => this.fs.removeEntry({ siteId: e.siteId, path: e.path }), hooks)),
      );
      return outcome;
    } finally {
      for (const { location } of targets) {
        const kept = !outcome || outcome.cancelled || outcome.failures.some((f) => f.path === location.path);
        this.fs.changedElsewhere(location, kept ? 'changed' : 'deleted');
      }
    }
  }

  /** Copies the targets' ftp(es|s):// URLs (never with the password), one per line; resolves the text. */
  async copyUrl(arg?: unknown, all?: unknown): Promise<string> {
    return this.copy(await this.targets.resolve(arg, all), (t) => {
      const site = this.store.get(t.location.siteId);
      return site ? remoteUrl(site, t.location.path) : uriOf(t.location).toString();
    });
  }

  /** Copies the targets' remote paths, one per line; resolves the text. */
  async copyPath(arg?: unknown, all?: unknown): Promise<string> {
    return this.copy(await this.targets.resolve(arg, all), (t) => t.location.path);
  }

  private async copy(targets: Target[], text: (t: Target) => string): Promise<string> {
    const joined = targets.map(text).join('\n');
    if (joined) await vscode.env.clipboard.writeText(joined);
    return joined;
  }

  /** Adds the target folder (a site: its start folder) to the workspace; VS Code may reload the window. */
  async openAsWorkspaceFolder(arg?: unknown): Promise<boolean> {
    const folder = await this.folderOf(arg);
    if (!folder) return false;
    const site = this.store.get(folder.siteId);
    const name = folder.path === '/' ? site?.name : `${site?.name ?? folder.siteId}: ${baseName(folder.path)}`;
    const start = vscode.workspace.workspaceFolders?.length ?? 0;
    return vscode.workspace.updateWorkspaceFolders(start, 0, { uri: uriOf(folder), name });
  }

  /**
   * Re-lists a site, or a folder and the folder holding it (no stat: the cache may be what is
   * stale); without a target, every site. A site that failed to connect is tried again.
   */
  refresh(arg?: unknown): void {
    if (arg === undefined) return this.store.sites().forEach((site) => this.tree.refreshSite(site.id));
    if (isNode(arg) && arg.kind === 'site') return this.tree.refreshSite(arg.site.id);
    const location = arg instanceof vscode.Uri ? locationOf(arg) : isNode(arg) && arg.kind === 'entry' ? arg.location : undefined;
    if (!location) return;
    this.tree.retry(location.siteId);
    this.tree.refreshFolder(location);
    this.tree.refreshFolder({ siteId: location.siteId, path: parentPath(location.path) });
  }
}
