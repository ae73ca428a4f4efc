import * as vscode from 'vscode';

/**
 * Entry point of the extension. It only wires parts together; the features arrive with the
 * remote explorer, the serve command and the FXP panel.
 */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.window.createOutputChannel('Ferry', { log: true }));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
