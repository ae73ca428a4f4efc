import * as vscode from 'vscode';
import type { ConflictRule } from '../../core/fxp';
import type { QueueLimits } from './model/queue-protocol';

const SECTION = 'ferry.fxp';

/** The answer to "the target exists" that `ferry.fxp.conflict` may hold; 'ask' asks once per drop. */
export type ConflictSetting = ConflictRule | 'ask';

const CONFLICT_SETTINGS: readonly ConflictSetting[] = ['ask', 'overwrite', 'resume', 'skip', 'skip-identical', 'rename'];

/** The `ferry.fxp.*` settings, with the manifest's defaults for missing or hand-broken values. */
export interface FxpSettings {
  conflict: ConflictSetting;
  limits: QueueLimits;
  /** Copy through this machine when the servers refuse FXP. */
  allowRelay: boolean;
  /** With TLS on both servers and neither offering SSCN/CPSV: send the data between them in clear. */
  allowClearData: boolean;
}

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, 32) : fallback;
}

/** Reads the settings now (they may change at any time). */
export function fxpSettings(): FxpSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const conflict = config.get<string>('conflict', 'ask') as ConflictSetting;
  return {
    conflict: CONFLICT_SETTINGS.includes(conflict) ? conflict : 'ask',
    limits: { concurrency: count(config.get('concurrency'), 2), perSite: count(config.get('perSite'), 2) },
    allowRelay: config.get<boolean>('allowRelay', true) !== false,
    allowClearData: config.get<boolean>('allowClearData', false) === true,
  };
}

/** True when a configuration change touches `ferry.fxp.<name>`. */
export function affects(event: vscode.ConfigurationChangeEvent, name: string): boolean {
  return event.affectsConfiguration(`${SECTION}.${name}`);
}

/** "Remember my choice": the answer goes into the user's settings. */
export function rememberConflict(rule: ConflictRule): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update('conflict', rule, vscode.ConfigurationTarget.Global);
}

/** Limits set from the panel's toolbar are kept in the user's settings, like the rest. */
export async function saveLimits(limits: QueueLimits): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  if (config.get('concurrency') !== limits.concurrency) await config.update('concurrency', limits.concurrency, vscode.ConfigurationTarget.Global);
  if (config.get('perSite') !== limits.perSite) await config.update('perSite', limits.perSite, vscode.ConfigurationTarget.Global);
}
