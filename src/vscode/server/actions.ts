import * as vscode from 'vscode';
import type { SessionInfo, TunableKey } from '../../core/server';
import type { LaunchPlan } from './model/launch-plan';
import { SERVER_SECTION, settingName } from './settings-schema';

/** A button on a notification and what it does. */
export interface MessageAction {
  title: string;
  run(): unknown;
}

/**
 * Shows a notification with buttons without waiting for it: a command that awaited the user's
 * click would never finish while the toast is open.
 */
export function notify(level: 'info' | 'warning' | 'error', text: string, actions: MessageAction[] = []): void {
  const titles = actions.map((a) => a.title);
  const shown =
    level === 'info' ? vscode.window.showInformationMessage(text, ...titles) : level === 'warning' ? vscode.window.showWarningMessage(text, ...titles) : vscode.window.showErrorMessage(text, ...titles);
  void shown.then((picked) => actions.find((a) => a.title === picked)?.run());
}

/** Opens the Settings editor on one setting (or on the whole server section). */
export function openSettings(setting = SERVER_SECTION): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', setting);
}

/** Opens a file with the cursor on a 1-based line. */
export function openFileAt(file: string, line = 1): Thenable<unknown> {
  const position = new vscode.Position(Math.max(line - 1, 0), 0);
  return vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position) });
}

/**
 * The button that leads to where a key's value came from: its line in mini_ftpd.conf when the
 * file set it (the file wins over settings), else its setting.
 */
export function openKeySource(plan: LaunchPlan | undefined, key: TunableKey): MessageAction {
  const line = plan?.fileKeys.get(key);
  if (plan?.configFile && line !== undefined) {
    const file = plan.configFile;
    return { title: vscode.l10n.t('Open mini_ftpd.conf'), run: () => openFileAt(file, line) };
  }
  return { title: vscode.l10n.t('Open Settings'), run: () => openSettings(`${SERVER_SECTION}.${settingName(key)}`) };
}

/** Copies text to the clipboard and says so in the status bar. */
export async function copyToClipboard(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', what), 3000);
}

/** How many connected clients the stop question names before "and N more". */
const NAMED_CLIENTS = 5;

/**
 * Asks before stopping a server that has clients (their transfers would break): "N clients are
 * connected (who, from where). Stop?" with Stop and Cancel. True at once when nobody is connected.
 */
export async function confirmStop(sessions: readonly SessionInfo[]): Promise<boolean> {
  if (sessions.length === 0) return true;
  const names = sessions.slice(0, NAMED_CLIENTS).map((s) => `${s.user ?? vscode.l10n.t('(not logged in)')} ${s.remoteAddress}`);
  if (sessions.length > NAMED_CLIENTS) names.push(vscode.l10n.t('and {0} more', sessions.length - NAMED_CLIENTS));
  const question =
    sessions.length === 1 ? vscode.l10n.t('1 client is connected ({0}). Stop the server?', names.join(', ')) : vscode.l10n.t('{0} clients are connected ({1}). Stop the server?', sessions.length, names.join(', '));
  const stop = vscode.l10n.t('Stop');
  const busy = sessions.some((s) => s.transfer) ? vscode.l10n.t('A transfer in progress will be cut off.') : vscode.l10n.t('Their connections will be closed.');
  return (await vscode.window.showWarningMessage(question, { modal: true, detail: busy }, stop)) === stop;
}
