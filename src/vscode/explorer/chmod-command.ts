import * as vscode from 'vscode';
import { formatMode, MODE_BITS, ModeBit, modeFromBits, octalMode, parseMode } from './model/chmod';
import { RemoteFs } from './model/remote-fs';
import { baseName } from './model/site-uri';
import { Target, Targets } from './targets';

interface BitItem extends vscode.QuickPickItem {
  bit: number;
}

function bitLabel(bit: ModeBit): string {
  const who = { owner: vscode.l10n.t('Owner'), group: vscode.l10n.t('Group'), others: vscode.l10n.t('Others') }[bit.who];
  const what = { read: vscode.l10n.t('read'), write: vscode.l10n.t('write'), execute: vscode.l10n.t('execute') }[bit.what];
  return `${who}: ${what}`;
}

/**
 * Asks for a mode: a quick pick of the nine rwx toggles, preselected from the current mode,
 * whose filter box also takes an octal mode ("755") or the nine letters ("rwxr-x---").
 */
function askMode(name: string, current: number | undefined): Promise<number | undefined> {
  const pick = vscode.window.createQuickPick<BitItem>();
  pick.canSelectMany = true;
  pick.title =
    current === undefined ? vscode.l10n.t('Permissions of {0}', name) : vscode.l10n.t('Permissions of {0}: now {1} ({2})', name, formatMode(current), octalMode(current));
  pick.placeholder = vscode.l10n.t('Toggle permissions, or type an octal mode such as 644 and press Enter');
  pick.items = MODE_BITS.map((bit) => ({ label: bitLabel(bit), description: formatMode(bit.bit), bit: bit.bit, alwaysShow: true }));
  pick.selectedItems = pick.items.filter((item) => current !== undefined && (current & item.bit) !== 0);
  return new Promise((resolve) => {
    // The toggles always show (typing does not filter them); a typed mode shows as the toggles it sets.
    pick.onDidChangeValue((value) => {
      const typed = parseMode(value);
      if (typed !== undefined) pick.selectedItems = pick.items.filter((item) => (typed & item.bit) !== 0);
    });
    pick.onDidAccept(() => {
      resolve(parseMode(pick.value) ?? modeFromBits(pick.selectedItems.map((item) => item.bit), current));
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** The chmod command: one mode for the selected files and folders (not recursive). */
export class ChmodCommand {
  constructor(
    private readonly targets: Targets,
    private readonly fs: RemoteFs,
  ) {}

  /** `mode` (a number or octal text) skips the question (scripts). Resolves the mode set, or undefined. */
  async run(arg?: unknown, all?: unknown, mode?: number | string): Promise<number | undefined> {
    const targets = await this.targets.resolve(arg, all);
    if (targets.length === 0) return undefined;
    const chosen = typeof mode === 'number' ? mode : typeof mode === 'string' ? parseMode(mode) : await this.ask(targets);
    if (chosen === undefined) return undefined;
    for (const target of targets) await this.fs.chmod(target.location, chosen);
    return chosen;
  }

  private ask(targets: Target[]): Promise<number | undefined> {
    const name = targets.length === 1 ? baseName(targets[0].location.path) : vscode.l10n.t('{0} items', targets.length);
    const modes = new Set(targets.map((t) => t.mode));
    return askMode(name, modes.size === 1 ? targets[0].mode : undefined);
  }
}
