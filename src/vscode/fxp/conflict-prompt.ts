import * as vscode from 'vscode';
import type { ConflictRule } from '../../core/fxp';
import { fxpSettings, rememberConflict } from './settings';

interface RuleItem extends vscode.QuickPickItem {
  rule?: ConflictRule;
  remember?: boolean;
}

/** The answers, in the order a user weighs them: the safe ones between the destructive and the verbose. */
function ruleItems(): { rule: ConflictRule; label: string; detail: string }[] {
  return [
    { rule: 'overwrite', label: `$(replace-all) ${vscode.l10n.t('Overwrite')}`, detail: vscode.l10n.t('Replace what the target has.') },
    { rule: 'resume', label: `$(debug-continue) ${vscode.l10n.t('Resume')}`, detail: vscode.l10n.t('Continue files the target has only part of (from their size); replace the rest.') },
    { rule: 'skip', label: `$(debug-step-over) ${vscode.l10n.t('Skip')}`, detail: vscode.l10n.t('Leave existing files alone.') },
    {
      rule: 'skip-identical',
      label: `$(check-all) ${vscode.l10n.t('Skip identical')}`,
      detail: vscode.l10n.t('Copy only files that differ: not the same size and modification time (or hash, when both servers offer one).'),
    },
    { rule: 'rename', label: `$(files) ${vscode.l10n.t('Rename (keep both)')}`, detail: vscode.l10n.t('Copy as "name (1).ext" next to the existing file.') },
  ];
}

function items(): RuleItem[] {
  const rules = ruleItems();
  return [
    ...rules.map(({ rule, label, detail }) => ({ label, detail, rule })),
    { label: vscode.l10n.t('Remember my choice (setting ferry.fxp.conflict)'), kind: vscode.QuickPickItemKind.Separator },
    ...rules.map(({ rule, label }) => ({ label: vscode.l10n.t('{0}, always', label), rule, remember: true })),
  ];
}

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
  const picked = await vscode.window.showQuickPick(items(), { title, placeHolder: vscode.l10n.t('What should the copy do with existing files?'), ignoreFocusOut: true });
  if (!picked?.rule) return undefined;
  if (picked.remember) await rememberConflict(picked.rule);
  return picked.rule;
}
