import * as vscode from 'vscode';
import type { SessionInfo } from '../../core/server';
import { describeActivity } from './format';
import { ServerController } from './server-controller';

/** contextValue of a session row; the Disconnect menu entry is bound to it. */
const SESSION_CONTEXT = 'ferry.serverSession';

/** The "Server Sessions" view: one row per connected client, refreshed from the server's snapshots. */
export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: ServerController) {
    this.subscription = controller.onDidChange(() => this.changed.fire());
  }

  getChildren(element?: SessionInfo): SessionInfo[] {
    return element ? [] : this.controller.sessions();
  }

  getTreeItem(session: SessionInfo): vscode.TreeItem {
    const user = session.user ?? vscode.l10n.t('(not logged in)');
    const since = session.connectedAt.toLocaleTimeString();
    const activity = describeActivity(session);
    const item = new vscode.TreeItem(user, vscode.TreeItemCollapsibleState.None);
    item.id = `session-${session.id}`;
    item.description = [session.remoteAddress, vscode.l10n.t('since {0}', since), activity].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(session.transfer ? 'arrow-swap' : session.secure ? 'lock' : 'person');
    // Paths come from clients: they go in as plain text, never as markdown.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(vscode.l10n.t('{0} from {1}', user, session.remoteAddress) + '\n\n');
    tooltip.appendText(vscode.l10n.t('Connected since {0}', session.connectedAt.toLocaleString()) + '\n\n');
    tooltip.appendText((session.secure ? vscode.l10n.t('TLS: yes') : vscode.l10n.t('TLS: no')) + (activity ? '\n\n' + activity : ''));
    item.tooltip = tooltip;
    item.contextValue = SESSION_CONTEXT;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
