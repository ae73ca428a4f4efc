import * as vscode from 'vscode';
import type { CopyJob } from '../../core/fxp';
import type { Logger } from '../explorer/model/log';
import type { RemoteFs } from '../explorer/model/remote-fs';
import type { SiteConfig } from '../explorer/model/site-config';
import { baseName, RemoteLocation } from '../explorer/model/site-uri';
import type { RemoteDropHandler } from '../explorer/tree-drag-drop';
import { askConflictRule } from './conflict-prompt';
import { copySpecs, CopySpecs, DropPlan, DropSource, dropFolder, PlannedItem, planDrop, SameSiteMode } from './model/drop-plan';
import { siteRefOf } from './model/site-ref';
import type { QueueController } from './queue-controller';
import { fxpSettings } from './settings';
import { showQueuePanel } from './show-queue';

/** How long queueing may take before a progress notification says what it is doing. */
const PROGRESS_DELAY_MS = 400;

/** What the FXP feature needs from the explorer. */
export interface FxpDropDeps {
  fs: RemoteFs;
  site(siteId: string): SiteConfig | undefined;
  controller: QueueController;
  log: Logger;
}

/**
 * Remote entries dropped on a folder of the Sites tree (and "Copy to Site…"): entries of
 * another site become FXP jobs (asking once what to do with existing targets), entries of the
 * folder's own site are moved after a confirmation, as VS Code's explorer does.
 */
export class FxpDrop implements RemoteDropHandler {
  constructor(private readonly deps: FxpDropDeps) {}

  /** "Site name:/path", the way prompts name a folder. */
  private folderLabel(folder: RemoteLocation): string {
    return `${this.deps.site(folder.siteId)?.name ?? folder.siteId}:${folder.path}`;
  }

  /** A drop on the tree: copies between sites, a move within one. Failures are shown (a drop has no caller to tell). */
  async dropRemote(sources: DropSource[], destination: DropSource): Promise<void> {
    const folder = dropFolder(destination);
    try {
      const plan = await this.plan(sources, folder, 'move');
      if (plan.moves.length > 0) await this.move(plan.moves, folder);
      if (plan.copies.length > 0) await this.copy(plan.copies, folder);
    } catch (err) {
      this.deps.log.error(`drop onto ${this.folderLabel(folder)}: ${(err as Error).message}`);
      void vscode.window.showErrorMessage((err as Error).message);
    }
  }

  /** Plans a drop onto `folder`, telling the user about items it cannot take. */
  async plan(sources: DropSource[], folder: RemoteLocation, sameSite: SameSiteMode): Promise<DropPlan> {
    const existing = new Set((await this.deps.fs.list(folder)).map((e) => e.name));
    const plan = planDrop(sources, folder, existing, sameSite);
    for (const { source, reason } of plan.refused) {
      const name = baseName(source.location.path);
      if (reason === 'into-itself') void vscode.window.showWarningMessage(vscode.l10n.t('Cannot copy or move "{0}" into itself.', name));
      if (reason === 'duplicate-name') void vscode.window.showWarningMessage(vscode.l10n.t('Two of the items are named "{0}"; only the first one is used.', name));
      // 'same-place': dropping an item on its own folder does nothing, like VS Code's explorer.
    }
    return plan;
  }

  /** Queues planned copies into `folder` and shows the panel; the jobs, or undefined when the user backed out. */
  async copy(items: PlannedItem[], folder: RemoteLocation): Promise<CopyJob[] | undefined> {
    const conflict = await askConflictRule(
      items.filter((i) => i.exists).map((i) => baseName(i.target.path)),
      this.folderLabel(folder),
    );
    if (!conflict) return undefined;
    const siteRef = (siteId: string) => {
      const site = this.deps.site(siteId);
      if (!site) throw new Error(vscode.l10n.t('There is no saved site "{0}".', siteId));
      return siteRefOf(site);
    };
    const specs = copySpecs(items, siteRef, { conflict, allowRelay: fxpSettings().allowRelay });
    this.deps.log.info(`queueing ${specs.files.length} file(s) and ${specs.folders.length} folder(s) into ${this.folderLabel(folder)} (${conflict})`);
    showQueuePanel();
    const jobs = await this.enqueueWithProgress(specs);
    this.deps.log.info(`queued ${jobs.length} job(s)`);
    // The folders now exist on the target (their files follow): the tree shows them at once.
    for (const folder of items.filter((i) => i.source.folder)) this.deps.fs.changedElsewhere(folder.target, 'created');
    return jobs;
  }

  /**
   * Queues the copies; a notification with the files found so far (and Cancel) appears only when
   * that takes a while (a folder walk). A drop of files is queued in milliseconds, and a progress
   * notification that ends that soon after opening sometimes stayed on screen in VS Code 1.139's
   * workbench (seen in the UI test), long after its jobs had run.
   */
  private async enqueueWithProgress(specs: CopySpecs): Promise<CopyJob[]> {
    const abort = new AbortController();
    let found = 0;
    let report: ((files: number) => void) | undefined;
    const queueing = this.deps.controller.enqueue(specs, {
      signal: abort.signal,
      onFound: (files) => {
        found = files;
        report?.(files);
      },
    });
    const settled = queueing.then(
      () => true,
      () => true,
    );
    if (await Promise.race([settled, new Promise<false>((resolve) => setTimeout(() => resolve(false), PROGRESS_DELAY_MS))])) return queueing;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Queueing FXP copies'), cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      report = (files) => progress.report({ message: vscode.l10n.t('{0} files found', files) });
      if (found > 0) report(found);
      return queueing;
    });
  }

  /** Moves within one site (RNFR/RNTO) after the confirmation VS Code's explorer asks for. */
  private async move(items: PlannedItem[], folder: RemoteLocation): Promise<void> {
    const names = items.map((i) => baseName(i.source.location.path));
    const folderName = baseName(folder.path) || folder.path;
    const move = vscode.l10n.t('Move');
    const question =
      names.length === 1
        ? vscode.l10n.t('Are you sure you want to move "{0}" into "{1}"?', names[0], folderName)
        : vscode.l10n.t('Are you sure you want to move the following {0} items into "{1}"?', names.length, folderName);
    const detail = names.length === 1 ? undefined : names.join('\n');
    if ((await vscode.window.showWarningMessage(question, { modal: true, detail }, move)) !== move) return;
    const clashing = items.filter((i) => i.exists);
    const replace = clashing.length === 0 || (await this.confirmReplace(clashing, folderName));
    const failures: string[] = [];
    for (const item of items) {
      if (item.exists && !replace) continue;
      await this.deps.fs.rename(item.source.location, item.target, { overwrite: item.exists }).catch((err: Error) => failures.push(err.message));
    }
    if (failures.length > 0) void vscode.window.showErrorMessage(vscode.l10n.t('Could not move: {0}', failures.join('; ')));
  }

  private async confirmReplace(clashing: PlannedItem[], folderName: string): Promise<boolean> {
    const replace = vscode.l10n.t('Replace');
    const question =
      clashing.length === 1
        ? vscode.l10n.t('"{0}" already exists in "{1}". Replace it?', baseName(clashing[0].target.path), folderName)
        : vscode.l10n.t('{0} of these items already exist in "{1}". Replace them?', clashing.length, folderName);
    return (await vscode.window.showWarningMessage(question, { modal: true }, replace)) === replace;
  }
}
