import * as vscode from 'vscode';
import type { ConflictRule } from '../core/client/conflicts';

/** A rule the user picked, and whether it was from the second group (FXP: remember it; transfers: apply to all). */
export interface PickedRule {
  rule: ConflictRule;
  second: boolean;
}

interface RuleItem extends vscode.QuickPickItem {
  rule?: ConflictRule;
  second?: boolean;
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

/**
 * Asks what to do with targets that exist: the five rules (core/client/conflicts.ts), then a
 * separator `secondGroup` and each rule again with `secondLabel` ("{0}, always" for FXP's
 * remembered setting, "{0}, for all the rest" for a folder transfer). One prompt for FXP drops
 * and explorer transfers. Undefined when dismissed.
 */
export async function pickConflictRule(title: string, placeHolder: string, secondGroup: string, secondLabel: (label: string) => string): Promise<PickedRule | undefined> {
  const rules = ruleItems();
  const items: RuleItem[] = [
    ...rules.map(({ rule, label, detail }) => ({ label, detail, rule })),
    { label: secondGroup, kind: vscode.QuickPickItemKind.Separator },
    ...rules.map(({ rule, label }) => ({ label: secondLabel(label), rule, second: true })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked?.rule ? { rule: picked.rule, second: picked.second === true } : undefined;
}
