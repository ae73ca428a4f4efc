import * as vscode from 'vscode';
import type { RemoteFs } from '../explorer/model/remote-fs';
import type { SiteConfig } from '../explorer/model/site-config';
import { joinPath, parentPath, RemoteLocation } from '../explorer/model/site-uri';
import type { DropSource } from './model/drop-plan';
import { formatBytes } from '../../core/format-bytes';

/** A quick pick row of the folder browser: choose the current folder, or go to another, or pick a file. */
interface BrowseItem extends vscode.QuickPickItem {
  choose?: true;
  go?: RemoteLocation;
  file?: DropSource;
}

/** What browsing is for: a folder to copy into, or a file or folder to copy. */
export type BrowsePurpose = 'target' | 'source';

/** Folders deep enough for any real tree; the bound keeps a scripted Enter loop finite. */
const MAX_STEPS = 1000;

/** What the pickers need of the explorer. */
export interface RemotePickerDeps {
  sites(): SiteConfig[];
  fs: RemoteFs;
  rootOf(siteId: string): Promise<RemoteLocation>;
}

/**
 * Quick picks over saved sites and their folders: the keyboard and screen-reader way to name
 * what a drag and drop names with the mouse. Each folder is one quick pick (Enter goes into a
 * folder, ".." goes up, the first row chooses), so every step reads as a plain list.
 */
export class RemotePicker {
  constructor(private readonly deps: RemotePickerDeps) {}

  /** One saved site, or undefined when dismissed. */
  async site(title: string): Promise<SiteConfig | undefined> {
    const sites = this.deps.sites();
    if (sites.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no saved sites yet: add one in the Sites view.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      sites.map((site) => ({ label: `$(vm) ${site.name}`, description: `${site.user ? `${site.user}@` : ''}${site.host}${site.port ? `:${site.port}` : ''}`, site })),
      { title, placeHolder: vscode.l10n.t('Choose a site'), matchOnDescription: true, ignoreFocusOut: true },
    );
    return picked?.site;
  }

  /** Browses a site from its top folder; resolves with the chosen folder (or, for a source, file). */
  async browse(site: SiteConfig, purpose: BrowsePurpose, title: string): Promise<DropSource | undefined> {
    let dir = await this.deps.rootOf(site.id);
    for (let step = 0; step < MAX_STEPS; step++) {
      const picked = await vscode.window.showQuickPick(this.rows(dir, purpose), {
        title: `${title} — ${site.name}:${dir.path}`,
        placeHolder: purpose === 'target' ? vscode.l10n.t('Enter opens a folder; choose "Copy here" for this one') : vscode.l10n.t('Choose a file, or a folder with "Copy this folder"'),
        ignoreFocusOut: true,
      });
      if (!picked) return undefined;
      if (picked.choose) return { location: dir, folder: true };
      if (picked.file) return picked.file;
      if (picked.go) dir = picked.go;
    }
    return undefined;
  }

  private async rows(dir: RemoteLocation, purpose: BrowsePurpose): Promise<BrowseItem[]> {
    const choose: BrowseItem =
      purpose === 'target'
        ? { label: `$(check) ${vscode.l10n.t('Copy here')}`, description: dir.path, choose: true }
        : { label: `$(check) ${vscode.l10n.t('Copy this folder')}`, description: dir.path, choose: true };
    const up: BrowseItem[] = dir.path === '/' ? [] : [{ label: '$(arrow-up) ..', description: parentPath(dir.path), go: { siteId: dir.siteId, path: parentPath(dir.path) } }];
    let entries;
    try {
      entries = await this.deps.fs.list(dir);
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
      return [choose, ...up];
    }
    const folders = entries.filter((e) => e.type === 'directory' || e.linkToDirectory === true).sort((a, b) => a.name.localeCompare(b.name));
    const files = purpose === 'source' ? entries.filter((e) => e.type === 'file').sort((a, b) => a.name.localeCompare(b.name)) : [];
    return [
      choose,
      ...up,
      ...folders.map((e) => ({ label: `$(folder) ${e.name}`, go: { siteId: dir.siteId, path: joinPath(dir.path, e.name) } })),
      ...files.map((e) => ({ label: `$(file) ${e.name}`, description: formatBytes(e.size), file: { location: { siteId: dir.siteId, path: joinPath(dir.path, e.name) }, folder: false, size: e.size } })),
    ];
  }
}
