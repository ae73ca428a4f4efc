import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConfigError } from '../../core/server/config';
import { copyToClipboard, MessageAction, notify, openFileAt, openKeySource, openSettings } from './actions';
import { exposesClearText, isLoopback } from './model/launch-plan';
import { urlReach } from './model/workspace-trust';
import { RunningServer, ServerNotifier, StartProblem } from './server-controller';
import { ServerStartError } from './server-process';
import { SERVER_SECTION, settingName } from './settings-schema';

/** Restricted Mode: what the workspace set and the server did not apply. */
function restrictedNote(ignored: string[]): string {
  return ignored.length > 0
    ? vscode.l10n.t('Restricted Mode: {0} not applied until you trust the workspace (your user settings apply).', ignored.join(', '))
    : vscode.l10n.t('Restricted Mode: a workspace mini_ftpd.conf or workspace settings would not be applied until you trust the workspace.');
}

/**
 * Everything the Serve feature tells the user: the ready notification with the login, the
 * clear-text warning, and one message per failure that names the fix and offers it as a button.
 */
export class ServerMessages implements ServerNotifier {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** Applies a configuration change and restarts the server (the controller's reconfigure). */
    private readonly reconfigure: (change: () => Thenable<unknown>) => Promise<unknown>,
  ) {}

  started(server: RunningServer): void {
    const actions: MessageAction[] = [{ title: vscode.l10n.t('Copy URL'), run: () => copyToClipboard(server.url, vscode.l10n.t('the FTP URL')) }];
    const login = server.login;
    if (login) actions.push({ title: vscode.l10n.t('Copy Password'), run: () => copyToClipboard(login.password, vscode.l10n.t('the FTP password')) });
    actions.push({ title: vscode.l10n.t('Open Settings'), run: () => openSettings() });
    const text = login
      ? vscode.l10n.t('Serving "{0}" at {1} — user "{2}", password kept in the secret storage.', server.folder.name, server.url, login.user.name)
      : vscode.l10n.t('Serving "{0}" at {1}.', server.folder.name, server.url);
    const restricted = server.plan.restricted;
    if (restricted) actions.push({ title: vscode.l10n.t('Manage Workspace Trust'), run: () => vscode.commands.executeCommand('workbench.trust.manage') });
    notify('info', [text, this.whereNote(server), restricted && restrictedNote(restricted.ignored)].filter(Boolean).join(' '), actions);
    if (exposesClearText(server.plan.tunables)) this.warnClearText(server);
  }

  /** In a remote window the server runs on the remote host, and so does the URL's address. */
  private whereNote(server: RunningServer): string | undefined {
    const remote = vscode.env.remoteName;
    switch (urlReach(remote, isLoopback(server.plan.tunables.listen_address))) {
      case 'local':
        return undefined;
      case 'remote-loopback':
        return vscode.l10n.t('The server runs on the remote host ({0}): forward port {1} to reach it from this computer.', remote!, server.process.address.port);
      case 'remote-network':
        return vscode.l10n.t('The server runs on the remote host ({0}): the URL is that host\'s address.', remote!);
    }
  }

  failed({ error, folder, plan }: StartProblem): void {
    if (error instanceof ConfigError) return this.configFailed(error);
    if (!(error instanceof ServerStartError)) return this.unexpected(error instanceof Error ? error.message : String(error));
    const { failure } = error;
    const host = plan?.tunables.listen_address ?? '';
    const port = plan?.tunables.listen_port ?? 0;
    if (failure.kind === 'listen' && failure.code === 'EADDRINUSE') {
      return notify('error', vscode.l10n.t('Port {0} on {1} is already in use, so the FTP server cannot start. Choose another port (listen_port), or 0 for any free port.', port, host), [openKeySource(plan, 'listen_port')]);
    }
    if (failure.kind === 'listen' && failure.code === 'EACCES') {
      return notify('error', vscode.l10n.t('Permission denied to listen on port {0}: ports below 1024 need administrator rights. Choose a port above 1023 (listen_port).', port), [openKeySource(plan, 'listen_port')]);
    }
    if (failure.kind === 'listen' && failure.code === 'EADDRNOTAVAIL') {
      return notify('error', vscode.l10n.t('{0} is not an address of this machine, so the FTP server cannot listen on it. Fix listen_address (127.0.0.1 serves this machine only).', host), [openKeySource(plan, 'listen_address')]);
    }
    if (failure.kind === 'root') {
      const where = failure.path ?? folder.uri.fsPath;
      const text =
        failure.code === 'EACCES' || failure.code === 'EPERM'
          ? vscode.l10n.t('Permission denied on {0}: the FTP server cannot read the folder it should serve. Give your user read access to it, or serve another folder (local_root).', where)
          : vscode.l10n.t('{0} does not exist or is not a folder, so the FTP server cannot serve it. Fix local_root, or serve another workspace folder.', where);
      return notify('error', text, [openKeySource(plan, 'local_root')]);
    }
    if (failure.kind === 'config') {
      return notify('error', vscode.l10n.t('The FTP server configuration is invalid: {0}', failure.message), [{ title: vscode.l10n.t('Open Settings'), run: () => openSettings() }]);
    }
    this.unexpected(failure.message);
  }

  crashed(folder: vscode.WorkspaceFolder, detail: string): void {
    notify('error', vscode.l10n.t('The FTP server for "{0}" stopped unexpectedly ({1}).', folder.name, detail), [this.showLog()]);
  }

  /** A bad settings value or a bad mini_ftpd.conf: every problem, and a button to the first one. */
  private configFailed(error: ConfigError): void {
    const details = error.problems.map((p) => (p.line > 0 ? `${path.basename(error.file)}:${p.line}: ${p.message}` : p.message)).join('; ');
    if (error.file === 'settings') {
      return notify('error', vscode.l10n.t('The FTP server was not started: invalid settings: {0}', details), [{ title: vscode.l10n.t('Open Settings'), run: () => openSettings() }]);
    }
    notify('error', vscode.l10n.t('The FTP server was not started: {0} has problems: {1}', error.file, details), [
      { title: vscode.l10n.t('Open mini_ftpd.conf'), run: () => openFileAt(error.file, error.problems[0]?.line) },
    ]);
  }

  private unexpected(message: string): void {
    notify('error', vscode.l10n.t('The FTP server could not start: {0}', message), [this.showLog()]);
  }

  private showLog(): MessageAction {
    return { title: vscode.l10n.t('Show Log'), run: () => this.log.show() };
  }

  /** Plain FTP on a network address: say what that means, and switch to force_tls in one click. */
  private warnClearText(server: RunningServer): void {
    const { plan, folder } = server;
    const line = plan.fileKeys.get('force_tls');
    const requireTls: MessageAction =
      plan.configFile && line !== undefined
        ? { title: vscode.l10n.t('Open mini_ftpd.conf'), run: () => openFileAt(plan.configFile!, line) }
        : {
            title: vscode.l10n.t('Require TLS'),
            run: () =>
              this.reconfigure(() =>
                vscode.workspace.getConfiguration(SERVER_SECTION, folder.uri).update(settingName('force_tls'), true, vscode.ConfigurationTarget.WorkspaceFolder),
              ),
          };
    notify(
      'warning',
      vscode.l10n.t('The FTP server listens on {0} without TLS: passwords and files cross the network in clear text. Require TLS (force_tls) so clients must encrypt.', plan.tunables.listen_address),
      [requireTls],
    );
  }
}
