import * as vscode from 'vscode';
import type { SiteConfig } from './model/site-config';

/** What the password box ended with: the password, "edit" (Edit Site…), or undefined (Cancel, Escape). */
export type PasswordAnswer = string | 'edit' | undefined;

/**
 * Asks for a site's password. After a refused login, `refusal` (the server's reply) is shown
 * and the box offers "Edit Site…" (the user name may be what is wrong) and "Cancel".
 */
export function askPassword(site: SiteConfig, refusal?: string): Promise<PasswordAnswer> {
  const box = vscode.window.createInputBox();
  box.title = vscode.l10n.t('Password for {0}@{1}', site.user ?? '', site.host);
  box.prompt = refusal
    ? vscode.l10n.t('The server refused the login ({0}). Type the password again; it is kept only once it works.', refusal)
    : vscode.l10n.t('Kept in VS Code\'s secret storage, never in settings.');
  box.password = true;
  box.ignoreFocusOut = true;
  const edit: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('gear'), tooltip: vscode.l10n.t('Edit Site…') };
  const cancel: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: vscode.l10n.t('Cancel') };
  if (refusal) box.buttons = [edit, cancel];
  return new Promise<PasswordAnswer>((resolve) => {
    let answer: PasswordAnswer;
    box.onDidAccept(() => {
      answer = box.value;
      box.hide();
    });
    box.onDidTriggerButton((button) => {
      answer = button === edit ? 'edit' : undefined;
      box.hide();
    });
    box.onDidHide(() => {
      resolve(answer);
      box.dispose();
    });
    box.show();
  });
}
