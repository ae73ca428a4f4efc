import * as vscode from 'vscode';
import type { CopyJob } from '../../core/fxp';
import { baseName } from '../explorer/model/site-uri';
import { showQueuePanel } from './show-queue';
import { formatBytes } from '../../core/format-bytes';
import { RunSummary } from './model/queue-activity';
import { siteName } from './model/queue-format';
import type { QueueController } from './queue-controller';

/** Failures this close together make one notification (a dead server fails a whole drop at once). */
const FAILURE_BATCH_MS = 2000;

function failureText(failed: CopyJob[]): string {
  const last = failed[failed.length - 1];
  if (failed.length > 1) return vscode.l10n.t('FXP: {0} copies failed. The last one: {1}', failed.length, last.error ?? '');
  return vscode.l10n.t('FXP: copying "{0}" to {1} failed: {2}', baseName(last.source.path), siteName(last.target.site), last.error ?? '');
}

function summaryText(summary: RunSummary): string {
  const parts = [
    summary.copied === 1 ? vscode.l10n.t('FXP: 1 file copied, {0}', formatBytes(summary.bytes)) : vscode.l10n.t('FXP: {0} files copied, {1}', summary.copied, formatBytes(summary.bytes)),
  ];
  if (summary.skipped > 0) parts.push(vscode.l10n.t('{0} skipped', summary.skipped));
  if (summary.failed > 0) parts.push(vscode.l10n.t('{0} failed', summary.failed));
  return parts.join(' · ');
}

/**
 * The queue's notifications: one when it drains after work ("FXP: 12 files copied, 1.2 GiB"),
 * one per burst of jobs that failed for good (Retry / Show). Never one per file.
 */
export function createFxpNotifications(controller: QueueController): vscode.Disposable {
  let failed: CopyJob[] = [];
  let timer: NodeJS.Timeout | undefined;
  const show = vscode.l10n.t('Show');
  const retry = vscode.l10n.t('Retry');
  const reportFailures = async () => {
    const batch = failed;
    failed = [];
    timer = undefined;
    const choice = await vscode.window.showErrorMessage(failureText(batch), retry, show);
    if (choice === retry) await controller.handle({ action: 'job', verb: 'retry', ids: batch.map((job) => job.id) });
    if (choice === show) showQueuePanel();
  };
  const reportSummary = async (summary: RunSummary) => {
    // Failures were reported as they happened; a run that only failed needs no second word.
    if (summary.copied + summary.skipped === 0) return;
    if ((await vscode.window.showInformationMessage(summaryText(summary), show)) === show) showQueuePanel();
  };
  return vscode.Disposable.from(
    controller.onDidFail((job) => {
      failed.push(job);
      timer ??= setTimeout(() => void reportFailures(), FAILURE_BATCH_MS);
    }),
    controller.onDidDrain((summary) => void reportSummary(summary)),
    new vscode.Disposable(() => clearTimeout(timer)),
  );
}
