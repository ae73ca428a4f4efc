import * as vscode from 'vscode';
import { FtpClient, lastDataStrategy, SiteSettings, TlsRefusedError } from '../../core/client';
import { describeConnection } from './model/connection-report';
import { toFsProblem } from './model/fs-problem';

/**
 * Connects with `settings` on a connection of its own (saved sites' pools are left alone),
 * lists the login folder to exercise a data connection, and reports in plain words what
 * worked: TLS, data mode, MLSD, UTF-8, resume, checksums. Throws what the connection threw.
 */
export async function testConnection(settings: SiteSettings): Promise<string[]> {
  const client = new FtpClient({ ...settings, maxConnections: 1, keepaliveMs: 0 });
  try {
    const { capabilities, secure, home } = await client.connect();
    const entries = await client.list(home);
    return describeConnection(
      { tls: settings.tls ?? 'none', secure, capabilities, dataStrategy: lastDataStrategy(client.pool.label), home, entries: entries.length },
      vscode.l10n.t,
    );
  } finally {
    client.close();
  }
}

/**
 * Runs a test connection under a progress notification; shows and returns the findings (undefined
 * when it failed). A server that refused AUTH TLS is said to have no TLS, and `onTlsRefused`
 * (saved sites) may offer plain FTP.
 */
export async function runConnectionTest(name: string, settings: SiteSettings, onTlsRefused?: (err: TlsRefusedError) => Promise<unknown>): Promise<string[] | undefined> {
  try {
    const lines = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection to {0}…', name) }, () => testConnection(settings));
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0}.', name), { modal: true, detail: lines.join('\n') });
    return lines;
  } catch (err) {
    if (err instanceof TlsRefusedError && onTlsRefused) await onTlsRefused(err);
    else {
      const title = err instanceof TlsRefusedError ? vscode.l10n.t('{0} does not offer TLS.', name) : vscode.l10n.t('Could not connect to {0}.', name);
      void vscode.window.showErrorMessage(title, { modal: true, detail: toFsProblem(err).message });
    }
    return undefined;
  }
}
