import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SessionInfo } from '../../core/server';
import { confirmStop, copyToClipboard, openFileAt, openSettings } from './actions';
import * as ids from './command-ids';
import { configFilePath } from './launch-inputs';
import { ServerController } from './server-controller';
import { SessionsTreeProvider } from './sessions-view';

/** Result of the Serve command, for callers such as tests (never the password). */
export interface ServeResult {
  url: string;
  folder: string;
}

/** The folder to serve: the only one, or the user's pick; undefined when there is none or the pick was cancelled. */
async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Open a local folder first: Ferry serves a workspace folder over FTP.'));
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Folder to serve over FTP') });
}

/** Stops the server, after a question when clients are connected; resolves whether it stopped. */
async function stopServer(controller: ServerController): Promise<boolean> {
  if (!(await confirmStop(controller.sessions()))) return false;
  await controller.stop();
  return true;
}

/** Registers the Serve feature's commands. */
export function registerServerCommands(controller: ServerController, sessions: SessionsTreeProvider, log: vscode.LogOutputChannel): vscode.Disposable {
  const serve = async (): Promise<ServeResult | undefined> => {
    const folder = await pickFolder();
    if (!folder) return undefined;
    const running = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting the FTP server…') },
      () => controller.start(folder),
    );
    return running && { url: running.url, folder: running.folder.uri.fsPath };
  };
  const restart = async (): Promise<ServeResult | undefined> => {
    if (!controller.running) return serve();
    const running = await controller.restart();
    return running && { url: running.url, folder: running.folder.uri.fsPath };
  };
  const stop = () => stopServer(controller);
  const openConfig = () => {
    const folder = controller.running?.folder ?? vscode.workspace.workspaceFolders?.[0];
    const file = folder && configFilePath(folder);
    return file && existsSync(file) ? openFileAt(file) : openSettings();
  };
  const menu = async () => {
    const running = controller.running;
    if (!running) return;
    const entries: (vscode.QuickPickItem & { run(): unknown })[] = [
      { label: `$(copy) ${vscode.l10n.t('Copy URL')}`, description: running.url, run: () => copyToClipboard(running.url, vscode.l10n.t('the FTP URL')) },
      { label: `$(person) ${vscode.l10n.t('Show Sessions')}`, description: String(controller.sessions().length), run: () => vscode.commands.executeCommand(ids.SHOW_SESSIONS_COMMAND) },
      { label: `$(output) ${vscode.l10n.t('Show Log')}`, run: () => log.show() },
      { label: `$(settings-gear) ${vscode.l10n.t('Open Configuration')}`, run: openConfig },
      { label: `$(debug-stop) ${vscode.l10n.t('Stop Server')}`, run: stop },
    ];
    const picked = await vscode.window.showQuickPick(entries, { placeHolder: vscode.l10n.t('Ferry FTP server at {0}', running.url) });
    await picked?.run();
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(ids.START_COMMAND, serve),
    vscode.commands.registerCommand(ids.RESTART_COMMAND, restart),
    vscode.commands.registerCommand(ids.STOP_COMMAND, stop),
    vscode.commands.registerCommand(ids.MENU_COMMAND, menu),
    vscode.commands.registerCommand(ids.OPEN_CONFIG_COMMAND, openConfig),
    vscode.commands.registerCommand(ids.COPY_URL_COMMAND, () => controller.running && copyToClipboard(controller.running.url, vscode.l10n.t('the FTP URL'))),
    vscode.commands.registerCommand(ids.COPY_PASSWORD_COMMAND, () => {
      const login = controller.running?.login;
      if (login) return copyToClipboard(login.password, vscode.l10n.t('the FTP password'));
      return vscode.window.showInformationMessage(vscode.l10n.t('The running server uses the users of mini_ftpd.conf: there is no generated password.'));
    }),
    vscode.commands.registerCommand(ids.SHOW_SESSIONS_COMMAND, () => vscode.commands.executeCommand(`${ids.SESSIONS_VIEW}.focus`)),
    vscode.commands.registerCommand(ids.DISCONNECT_COMMAND, (session?: SessionInfo) => session && controller.disconnect(session.id)),
    vscode.commands.registerCommand(ids.SESSION_ITEMS_COMMAND, () =>
      sessions.getChildren().map((s) => {
        const item = sessions.getTreeItem(s);
        return { id: s.id, label: item.label, description: item.description };
      }),
    ),
  );
}
