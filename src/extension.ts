import * as vscode from 'vscode';
import { onNativeUnavailable } from './core/native/native-io';
import { registerExplorer } from './vscode/explorer';
import { registerConfigLanguage } from './vscode/config-language';
import { registerFxp } from './vscode/fxp';
import { registerServerFeatures } from './vscode/server';
import { registerCliShim } from './vscode/terminal/cli-shim';

/**
 * Entry point of the extension: it only wires parts together. Each feature area registers
 * its commands, views and providers in its own module and pushes every disposable onto
 * context.subscriptions.
 */
export function activate(context: vscode.ExtensionContext): { activationMs: number; activationCpuMs: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Ferry', { log: true });
  context.subscriptions.push(log);
  onNativeUnavailable((why) => log.warn(`[native] transfers use the JavaScript data path: ${why}`));
  // Feature registrations (one line each): explorer, FXP (on the explorer's sites), server, config language, the terminal's `ferry` command.
  const explorer = registerExplorer(context, log);
  registerFxp(context, log, explorer);
  registerServerFeatures(context, log);
  registerConfigLanguage(context, log);
  registerCliShim(context, log);
  // What bench/activation-bench.ts reports (through the suite activation-measure.exthost.ts).
  const used = process.cpuUsage(cpu);
  return { activationMs: performance.now() - started, activationCpuMs: (used.user + used.system) / 1000 };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
