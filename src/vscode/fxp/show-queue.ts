import * as vscode from 'vscode';
import { FxpQueueViewProvider } from './queue-view';

/** The command VS Code creates for the FXP Queue webview view ("<view id>.focus"). */
export const FOCUS_QUEUE_COMMAND = `${FxpQueueViewProvider.viewId}.focus`;

/** Shows the FXP Queue panel; quietly nothing when the panel cannot be shown. */
export function showQueuePanel(): void {
  void vscode.commands.executeCommand(FOCUS_QUEUE_COMMAND).then(undefined, () => undefined);
}
