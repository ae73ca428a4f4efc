import * as vscode from 'vscode';
import { FOCUS_QUEUE_COMMAND } from './show-queue';
import { formatBytes } from '../../core/format-bytes';
import type { QueueController } from './queue-controller';

/** Progress events come many times a second per job; the item is redrawn at most this often. */
const REDRAW_MS = 500;

/**
 * The status bar item while FXP jobs run: `$(arrow-swap) 3 FXP · 120 MiB/s` (the jobs running
 * and their summed rate); a click shows the FXP Queue panel. Hidden when nothing runs.
 */
export function createFxpStatusBar(controller: QueueController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('ferry.fxp', vscode.StatusBarAlignment.Left, 9);
  item.name = vscode.l10n.t('Ferry FXP copies');
  item.command = FOCUS_QUEUE_COMMAND;
  let timer: NodeJS.Timeout | undefined;
  const redraw = () => {
    timer = undefined;
    const { jobs, rate } = controller.activity.running();
    if (jobs === 0) return item.hide();
    item.text = `$(arrow-swap) ${jobs} FXP · ${formatBytes(rate)}/s`;
    item.tooltip = vscode.l10n.t('{0} FXP copies running at {1}/s. Click to show the FXP Queue.', jobs, formatBytes(rate));
    item.accessibilityInformation = { label: vscode.l10n.t('{0} FXP copies running at {1} per second', jobs, formatBytes(rate)) };
    item.show();
  };
  const unsubscribe = controller.onChange(() => (timer ??= setTimeout(redraw, REDRAW_MS)));
  redraw();
  return new vscode.Disposable(() => {
    unsubscribe();
    clearTimeout(timer);
    item.dispose();
  });
}
