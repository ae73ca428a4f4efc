import * as path from 'node:path';
import * as vscode from 'vscode';
import { configFilePath } from './launch-inputs';
import { ServerController } from './server-controller';
import { SERVER_SECTION } from './settings-schema';

/**
 * Offers a restart when the running server's settings or mini_ftpd.conf change, or when the workspace
 * becomes trusted (a server started in Restricted Mode did not apply them). Changes are
 * compared with what the server started with, so saving an unchanged file prompts nothing,
 * and at most one prompt is open at a time.
 */
export function watchServerConfiguration(controller: ServerController, restart: () => Promise<unknown>): vscode.Disposable {
  let prompting = false;
  const check = async (trustGranted = false) => {
    if (prompting || controller.busy || !(await controller.configurationChanged()) || controller.busy) return;
    prompting = true;
    const restartNow = vscode.l10n.t('Restart Server');
    const question = trustGranted
      ? vscode.l10n.t('The workspace is trusted now. Restart the FTP server to apply its mini_ftpd.conf and workspace settings?')
      : vscode.l10n.t('The FTP server configuration changed. Restart the server to apply it?');
    try {
      const picked = await vscode.window.showInformationMessage(question, restartNow);
      if (picked === restartNow) await restart();
    } finally {
      prompting = false;
    }
  };
  // One watcher on the running server's config file, replaced when the server (or its folder) changes.
  let watched: { file: string; watcher: vscode.FileSystemWatcher } | undefined;
  const follow = () => {
    const folder = controller.running?.folder;
    const file = folder ? configFilePath(folder) : undefined;
    if (watched?.file === file) return;
    watched?.watcher.dispose();
    watched = undefined;
    if (!file) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) event(() => void check());
    watched = { file, watcher };
  };
  return vscode.Disposable.from(
    controller.onDidChange(follow),
    { dispose: () => watched?.watcher.dispose() },
    // A server started in Restricted Mode left the workspace's configuration out: trust brings it in.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void check(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const folder = controller.running?.folder;
      if (folder && e.affectsConfiguration(SERVER_SECTION, folder.uri)) void check();
    }),
  );
}
