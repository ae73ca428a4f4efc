import * as vscode from 'vscode';
import { chmodPlan, fileModeFor, formatMode, MODE_BITS, ModeBit, modeFromBits, octalMode, parseMode, parseRecursiveModes, RecursiveModes } from './model/chmod';
import { forEachItem, RecursiveOutcome } from './model/recursive';
import { RemoteFs } from './model/remote-fs';
import { baseName } from './model/site-uri';
import { overTargets, withRecursiveProgress } from './recursive-progress';
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
 * Asks for a mode: a quick pick of the nine rwx toggles, preselected from `preset`, whose filter
 * box also takes an octal mode ("755") or the nine letters ("rwxr-x---").
 */
function askMode(title: string, preset: number | undefined): Promise<number | undefined> {
  const pick = vscode.window.createQuickPick<BitItem>();
  pick.canSelectMany = true;
  pick.title = title;
  pick.placeholder = vscode.l10n.t('Toggle permissions, or type an octal mode such as 644 and press Enter');
  pick.items = MODE_BITS.map((bit) => ({ label: bitLabel(bit), description: formatMode(bit.bit), bit: bit.bit, alwaysShow: true }));
  pick.selectedItems = pick.items.filter((item) => preset !== undefined && (preset & item.bit) !== 0);
  return new Promise((resolve) => {
    // The toggles always show (typing does not filter them); a typed mode shows as the toggles it sets.
    pick.onDidChangeValue((value) => {
      const typed = parseMode(value);
      if (typed !== undefined) pick.selectedItems = pick.items.filter((item) => (typed & item.bit) !== 0);
    });
    pick.onDidAccept(() => {
      resolve(parseMode(pick.value) ?? modeFromBits(pick.selectedItems.map((item) => item.bit), preset));
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** What a chmod with folders among the targets changes. */
type Scope = 'selected' | 'both' | 'files' | 'folders';

/** Like FileZilla's "recurse into subdirectories": the selection only, or everything inside, or only its files or folders. */
async function askScope(): Promise<Scope | undefined> {
  const items: (vscode.QuickPickItem & { scope: Scope })[] = [
    { scope: 'selected', label: vscode.l10n.t('Selected items only'), description: vscode.l10n.t('not what the folders contain') },
    { scope: 'both', label: vscode.l10n.t('Recursively: folders and files'), description: vscode.l10n.t('one mode for folders, one for files') },
    { scope: 'files', label: vscode.l10n.t('Recursively: files only'), description: vscode.l10n.t('folders keep their mode') },
    { scope: 'folders', label: vscode.l10n.t('Recursively: folders only'), description: vscode.l10n.t('files keep their mode') },
  ];
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Change permissions of…') }))?.scope;
}

/** Sets modes with SITE CHMOD: on the selection, or recursively with one mode for folders and one for files. */
export class ChmodCommand {
  constructor(
    private readonly targets: Targets,
    private readonly fs: RemoteFs,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * `mode` skips the questions (scripts): a number or octal text sets the targets themselves;
   * `{ files, folders }` (either may be left out) applies recursively. Resolves the mode set,
   * a recursive run's outcome, or undefined when cancelled.
   */
  async run(arg?: unknown, all?: unknown, mode?: unknown): Promise<number | RecursiveOutcome | undefined> {
    const targets = await this.targets.resolve(arg, all);
    if (targets.length === 0) return undefined;
    const recursive = parseRecursiveModes(mode);
    if (recursive) return this.recursive(targets, recursive);
    if (mode !== undefined) {
      const chosen = typeof mode === 'number' ? mode : parseMode(String(mode));
      if (chosen === undefined) throw new Error(vscode.l10n.t('Not a mode: {0} (use octal such as 644, or rw-r--r--)', String(mode)));
      return this.apply(targets, chosen);
    }
    const scope = targets.some((t) => t.folder) ? await askScope() : 'selected';
    if (scope === undefined) return undefined;
    if (scope === 'selected') {
      const chosen = await this.ask(targets);
      return chosen === undefined ? undefined : this.apply(targets, chosen);
    }
    const modes = await this.askModes(scope, targets);
    return modes && this.recursive(targets, modes);
  }

  private async apply(targets: Target[], mode: number): Promise<number> {
    for (const target of targets) await this.fs.chmod(target.location, mode);
    return mode;
  }

  private ask(targets: Target[]): Promise<number | undefined> {
    const name = this.nameOf(targets);
    const modes = new Set(targets.map((t) => t.mode));
    const current = modes.size === 1 ? targets[0].mode : undefined;
    const title = current === undefined ? vscode.l10n.t('Permissions of {0}', name) : vscode.l10n.t('Permissions of {0}: now {1} ({2})', name, formatMode(current), octalMode(current));
    return askMode(title, current);
  }

  /** The folders' mode, then the files' (preset to the folders' without execute bits: 755 → 644). */
  private async askModes(scope: Exclude<Scope, 'selected'>, targets: Target[]): Promise<RecursiveModes | undefined> {
    const name = this.nameOf(targets);
    const modes: RecursiveModes = {};
    if (scope !== 'files') {
      modes.folders = await askMode(vscode.l10n.t('Permissions of the folders in {0}', name), targets.find((t) => t.folder)?.mode ?? 0o755);
      if (modes.folders === undefined) return undefined;
    }
    if (scope !== 'folders') {
      modes.files = await askMode(vscode.l10n.t('Permissions of the files in {0}', name), modes.folders === undefined ? 0o644 : fileModeFor(modes.folders));
      if (modes.files === undefined) return undefined;
    }
    return modes;
  }

  private nameOf(targets: Target[]): string {
    return targets.length === 1 ? baseName(targets[0].location.path) || '/' : vscode.l10n.t('{0} items', targets.length);
  }

  /** Every folder and file below the targets (and the targets), one SITE CHMOD each, with progress and Cancel. */
  private recursive(targets: Target[], modes: RecursiveModes): Promise<RecursiveOutcome> {
    const words = { title: vscode.l10n.t('Setting permissions'), summary: (done: number, total: number) => vscode.l10n.t('Permissions set on {0} of {1} items.', done, total) };
    return withRecursiveProgress(words, this.log, (hooks) =>
      overTargets(this.fs, targets, hooks, (entries) => forEachItem(chmodPlan(entries, modes), (e) => this.fs.chmod({ siteId: e.siteId, path: e.path }, e.mode), hooks)),
    );
  }
}
