import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { baseName, joinPath, parentPath, RemoteLocation } from './model/site-uri';
import { TransferItem, withLocalSizes } from './model/transfer-job';
import { Target, Targets } from './targets';
import { conflictAnswers, InterruptedTransfer, Transfers } from './transfers';

/** No questions for scripts: they pass their destination or sources and mean to replace what is there. */
const OVERWRITE_ALL = { all: 'overwrite', byPath: {} } as const;

function titleFor(direction: 'download' | 'upload', items: TransferItem[]): string {
  const name = path.basename(direction === 'download' ? items[0].remote : items[0].local);
  if (direction === 'download') return items.length === 1 ? vscode.l10n.t('Downloading {0}', name) : vscode.l10n.t('Downloading {0} items', items.length);
  return items.length === 1 ? vscode.l10n.t('Uploading {0}', name) : vscode.l10n.t('Uploading {0} items', items.length);
}

/** Download, upload and resume: the transfer commands of the tree, the explorer and drag and drop. */
export class TransferCommands {
  constructor(
    private readonly targets: Targets,
    private readonly transfers: Transfers,
  ) {}

  /**
   * Downloads the targets (files or folders) into a local folder: `destination` when given
   * (scripts, replacing what is there), else one the user picks: then each file that exists
   * there is asked about (overwrite, resume, skip, skip identical, rename; or all the rest).
   * Resolves true when everything arrived or was skipped.
   */
  async download(arg?: unknown, all?: unknown, destination?: vscode.Uri): Promise<boolean> {
    const targets = await this.targets.resolve(arg, all);
    if (targets.length === 0) return false;
    const folder = destination ?? (await this.pickFolder());
    if (!folder) return false;
    const items = targets.map((t) => ({ local: path.join(folder.fsPath, baseName(t.location.path)), remote: t.location.path, folder: t.folder, size: t.folder ? undefined : t.size }));
    const results = [];
    for (const [siteId, group] of groupBySite(targets, items)) {
      const job = { direction: 'download' as const, siteId, items: group };
      results.push(await this.transfers.run(job, titleFor('download', group), false, conflictAnswers(job, destination ? OVERWRITE_ALL : undefined)));
    }
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
   * asking about each remote file that exists when `confirm` (else replacing it).
   */
  async upload(target: Target, localPaths: string[], confirm: boolean): Promise<boolean> {
    const dir: RemoteLocation = target.folder ? target.location : { siteId: target.location.siteId, path: parentPath(target.location.path) };
    const items = await withLocalSizes(
      await Promise.all(localPaths.map(async (local) => ({ local, remote: joinPath(dir.path, path.basename(local)), folder: (await fsp.stat(local)).isDirectory() }))),
    );
    if (items.length === 0) return false;
    const job = { direction: 'upload' as const, siteId: dir.siteId, items };
    return this.transfers.run(job, titleFor('upload', items), false, conflictAnswers(job, confirm ? undefined : OVERWRITE_ALL));
  }

  /**
   * Resumes interrupted transfers: all of them with "all" (scripts), else those the user ticks
   * (all are ticked to start with). Accepting with none ticked says so rather than doing nothing.
   */
  async resume(which?: unknown): Promise<boolean> {
    const pending = [...this.transfers.pending()];
    if (pending.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No interrupted transfers.'));
      return false;
    }
    const chosen = which === 'all' ? pending : await this.pickInterrupted(pending);
    if (!chosen) return false;
    if (chosen.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing was ticked: no transfer resumed. The interrupted transfers stay listed.'));
      return false;
    }
    const results = [];
    for (const transfer of chosen) results.push(await this.transfers.resume(transfer));
    return results.every(Boolean);
  }

  /**
   * Forgets interrupted transfers without resuming them: all with "all" (scripts), else those the
   * user ticks (none to start with: forgetting is the exception). Their files stay as they are —
   * a download's ".part" files are visibly partial, and nothing on a server is deleted — only the
   * Resume picker and the Sites view's partial-upload mark forget them. Resolves how many went.
   */
  async discard(which?: unknown): Promise<number> {
    const pending = [...this.transfers.pending()];
    if (pending.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No interrupted transfers.'));
      return 0;
    }
    const chosen =
      which === 'all'
        ? pending
        : (
            await vscode.window.showQuickPick(
              pending.map((p) => ({ label: p.title, description: new Date(p.at).toLocaleString(), detail: p.reason, transfer: p })),
              { canPickMany: true, title: vscode.l10n.t('Discard interrupted transfers'), placeHolder: vscode.l10n.t('Tick the transfers to forget; their partial files stay where they are') },
            )
          )?.map((p) => p.transfer);
    for (const transfer of chosen ?? []) await this.transfers.interrupted.remove(transfer.id);
    return chosen?.length ?? 0;
  }

  /** The Resume picker: every interrupted transfer, ticked; undefined when dismissed. */
  private async pickInterrupted(pending: InterruptedTransfer[]): Promise<InterruptedTransfer[] | undefined> {
    const items = pending.map((p) => ({
      label: p.title,
      description: new Date(p.at).toLocaleString(),
      detail: p.reason,
      picked: true,
      transfer: p,
    }));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('Resume transfers'), placeHolder: vscode.l10n.t('Untick what should wait; Enter resumes the ticked transfers') });
    return picked?.map((p) => p.transfer);
  }
}

/** Items grouped by the site of their target (a multi-selection may span sites). */
function groupBySite(targets: Target[], items: TransferItem[]): Map<string, TransferItem[]> {
  const groups = new Map<string, TransferItem[]>();
  targets.forEach((t, i) => groups.set(t.location.siteId, [...(groups.get(t.location.siteId) ?? []), items[i]]));
  return groups;
}
