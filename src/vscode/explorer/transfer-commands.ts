import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RemoteFs } from './model/remote-fs';
import { baseName, joinPath, parentPath, RemoteLocation } from './model/site-uri';
import { TransferItem, withLocalSizes } from './model/transfer-job';
import { Target, Targets } from './targets';
import { Transfers } from './transfers';

/** Asks before replacing `names`; true when there is nothing to replace or the user agreed. */
async function confirmOverwrite(names: string[], where: string): Promise<boolean> {
  if (names.length === 0) return true;
  const overwrite = vscode.l10n.t('Overwrite');
  const choice = await vscode.window.showWarningMessage(
    names.length === 1 ? vscode.l10n.t('"{0}" already exists in {1}. Overwrite it?', names[0], where) : vscode.l10n.t('{0} items already exist in {1}. Overwrite them?', names.length, where),
    { modal: true },
    overwrite,
  );
  return choice === overwrite;
}

function titleFor(direction: 'download' | 'upload', items: TransferItem[]): string {
  const name = path.basename(direction === 'download' ? items[0].remote : items[0].local);
  if (direction === 'download') return items.length === 1 ? vscode.l10n.t('Downloading {0}', name) : vscode.l10n.t('Downloading {0} items', items.length);
  return items.length === 1 ? vscode.l10n.t('Uploading {0}', name) : vscode.l10n.t('Uploading {0} items', items.length);
}

/** Download, upload and resume: the transfer commands of the tree, the explorer and drag and drop. */
export class TransferCommands {
  constructor(
    private readonly targets: Targets,
    private readonly fs: RemoteFs,
    private readonly transfers: Transfers,
  ) {}

  /**
   * Downloads the targets (files or folders) into a local folder: `destination` when given
   * (scripts), else one the user picks. Resolves true when everything arrived.
   */
  async download(arg?: unknown, all?: unknown, destination?: vscode.Uri): Promise<boolean> {
    const targets = await this.targets.resolve(arg, all);
    if (targets.length === 0) return false;
    const folder = destination ?? (await this.pickFolder());
    if (!folder) return false;
    const items = targets.map((t) => ({ local: path.join(folder.fsPath, baseName(t.location.path)), remote: t.location.path, folder: t.folder, size: t.folder ? undefined : t.size }));
    const clashes = items.filter((i) => existsSync(i.local)).map((i) => path.basename(i.local));
    if (!destination && !(await confirmOverwrite(clashes, folder.fsPath))) return false;
    const results = [];
    for (const [siteId, group] of groupBySite(targets, items)) results.push(await this.transfers.run({ direction: 'download', siteId, items: group }, titleFor('download', group)));
    return results.every(Boolean);
  }

  private async pickFolder(): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Download here') });
    return picked?.[0];
  }

  /**
   * Uploads into the target folder: `sources` when given (scripts, no questions asked), else
   * local files (or one folder) the user picks.
   */
  async pickAndUpload(kind: 'files' | 'folder', arg?: unknown, all?: unknown, sources?: vscode.Uri[]): Promise<boolean> {
    const [target] = await this.targets.resolve(arg, all);
    if (!target) return false;
    const picked =
      sources ??
      (await vscode.window.showOpenDialog({
        canSelectFiles: kind === 'files',
        canSelectFolders: kind === 'folder',
        canSelectMany: kind === 'files',
        openLabel: vscode.l10n.t('Upload'),
      }));
    return picked ? this.upload(target, picked.map((u) => u.fsPath), sources === undefined) : false;
  }

  /**
   * Uploads local files and folders into a remote folder (a file target means its folder),
   * asking before replacing remote entries when `confirm`.
   */
  async upload(target: Target, localPaths: string[], confirm: boolean): Promise<boolean> {
    const dir: RemoteLocation = target.folder ? target.location : { siteId: target.location.siteId, path: parentPath(target.location.path) };
    const items = await withLocalSizes(
      await Promise.all(localPaths.map(async (local) => ({ local, remote: joinPath(dir.path, path.basename(local)), folder: (await fsp.stat(local)).isDirectory() }))),
    );
    if (items.length === 0) return false;
    if (confirm) {
      const present = new Set((await this.fs.list(dir)).map((e) => e.name));
      if (!(await confirmOverwrite(items.map((i) => baseName(i.remote)).filter((name) => present.has(name)), dir.path))) return false;
    }
    return this.transfers.run({ direction: 'upload', siteId: dir.siteId, items }, titleFor('upload', items));
  }

  /** Resumes interrupted transfers: all of them with "all" (scripts), else those the user picks. */
  async resume(which?: unknown): Promise<boolean> {
    const pending = [...this.transfers.pending()];
    if (pending.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No interrupted transfers.'));
      return false;
    }
    const chosen =
      which === 'all'
        ? pending
        : ((await vscode.window.showQuickPick(
            pending.map((p) => ({ label: p.title, detail: p.reason, transfer: p })),
            { canPickMany: true, title: vscode.l10n.t('Resume transfers') },
          )) ?? []).map((p) => p.transfer);
    const results = [];
    for (const transfer of chosen) results.push(await this.transfers.resume(transfer));
    return results.length > 0 && results.every(Boolean);
  }
}

/** Items grouped by the site of their target (a multi-selection may span sites). */
function groupBySite(targets: Target[], items: TransferItem[]): Map<string, TransferItem[]> {
  const groups = new Map<string, TransferItem[]>();
  targets.forEach((t, i) => groups.set(t.location.siteId, [...(groups.get(t.location.siteId) ?? []), items[i]]));
  return groups;
}
