import * as vscode from 'vscode';
import { registerServerCommands } from './commands';
import { SESSIONS_VIEW } from './command-ids';
import { watchServerConfiguration } from './config-watch';
import { ServerController } from './server-controller';
import { ServerMessages } from './server-messages';
import { SessionsTreeProvider } from './sessions-view';
import { createServerStatusBar } from './status-bar';

/** Context key that is true while the server runs (menus and the Sessions view use it). */
const RUNNING_CONTEXT = 'ferry.server.running';

/**
 * "Serve Workspace over FTP": the controller, its commands, the status bar item, the Server
 * Sessions view and the restart prompt. Everything lands on context.subscriptions, so the
 * server stops with the window.
 */
export function registerServerFeatures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const messages: ServerMessages = new ServerMessages(log, (change) => controller.reconfigure(change));
  const controller: ServerController = new ServerController(context, log, messages);
  const sessions = new SessionsTreeProvider(controller);
  let running = false;
  const updateContext = () => {
    // onDidChange also fires for every session snapshot; the context key only changes with start and stop.
    if (running === (controller.running !== undefined)) return;
    running = !running;
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, running);
  };
  context.subscriptions.push(
    controller,
    sessions,
    vscode.window.createTreeView(SESSIONS_VIEW, { treeDataProvider: sessions }),
    registerServerCommands(controller, sessions, log),
    createServerStatusBar(controller),
    watchServerConfiguration(controller, () => controller.restart()),
    controller.onDidChange(updateContext),
  );
}
