import * as vscode from 'vscode';
import { ServerController } from './server-controller';
import { MENU_COMMAND } from './command-ids';

/** The status bar item while a server runs: its address and the live client count; click for the server menu. */
export function createServerStatusBar(controller: ServerController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('ferry.server', vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Ferry FTP Server');
  item.command = MENU_COMMAND;
  const update = () => {
    const running = controller.running;
    if (!running) return item.hide();
    const clients = controller.sessions().length;
    const { host, port } = running.process.address;
    item.text = `$(server) ${host.includes(':') ? `[${host}]` : host}:${port} · ${clients}`;
    item.tooltip = vscode.l10n.t('Ferry is serving "{0}" at {1} — {2} client(s) connected. Click for server actions.', running.folder.name, running.url, clients);
    item.show();
  };
  update();
  return vscode.Disposable.from(item, controller.onDidChange(update));
}
