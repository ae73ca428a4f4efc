import * as vscode from 'vscode';
import { registerExplorer } from './vscode/explorer';
import { registerConfigLanguage } from './vscode/config-language';
import { registerFxp } from './vscode/fxp';
import { registerServerFeatures } from './vscode/server';

/**
 * Entry point of the extension: it only wires parts together. Each feature area registers
 * its commands, views and providers in its own module and pushes every disposable onto
 * context.subscriptions.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Ferry', { log: true });
  context.subscriptions.push(log);
  // Feature registrations (one line each): explorer, FXP (on the explorer's sites), server, config language.
  const explorer = registerExplorer(context, log);
  registerFxp(context, log, explorer);
  registerServerFeatures(context, log);
  registerConfigLanguage(context, log);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
