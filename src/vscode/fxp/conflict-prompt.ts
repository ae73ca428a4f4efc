import * as vscode from 'vscode';
import type { ConflictRule } from '../../core/fxp';
import { pickConflictRule } from '../conflict-rule-picker';
import { fxpSettings, rememberConflict } from './settings';

/**
 * What to do with targets that exist, asked once per drop (never per file: a 10 000-file folder
 * drop gets one question). The setting `ferry.fxp.conflict` answers instead unless it is "ask";
 * with nothing in the way there is no question. Undefined when the user dismissed it.
 */
export async function askConflictRule(existing: readonly string[], folder: string): Promise<ConflictRule | undefined> {
  const setting = fxpSettings().conflict;
  if (setting !== 'ask') return setting;
  if (existing.length === 0) return 'overwrite';
  const title =
    existing.length === 1
      ? vscode.l10n.t('"{0}" already exists in {1}', existing[0], folder)
      : vscode.l10n.t('{0} of the items already exist in {1}', existing.length, folder);
  const picked = await pickConflictRule(title, vscode.l10n.t('What should the copy do with existing files?'), vscode.l10n.t('Remember my choice (setting ferry.fxp.conflict)'), (label) =>
    vscode.l10n.t('{0}, always', label),
  );
  if (!picked) return undefined;
  if (picked.second) await rememberConflict(picked.rule);
  return picked.rule;
}
