import * as vscode from 'vscode';
import { SiteSettings, TlsRefusedError } from '../../core/client';
import { runTest, TestOutcome } from './model/site-test';

/**
 * Runs a test connection under a progress notification whose Cancel closes the test's socket
 * (so does `stop`, e.g. the flow's page being left). Resolves how it ended; never throws.
 */
export function testWithProgress(name: string, settings: SiteSettings, stop?: AbortSignal): Thenable<TestOutcome> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection to {0}…', name), cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      if (stop?.aborted) abort.abort();
      stop?.addEventListener('abort', () => abort.abort(), { once: true });
      return runTest(settings, vscode.l10n.t, abort.signal);
    },
  );
}

/**
 * The Test Connection command: tests under a cancellable notification, then shows and returns
 * the findings (undefined when it failed or was cancelled). A server that refused AUTH TLS is
 * said to have no TLS, and `onTlsRefused` (saved sites) may offer plain FTP.
 */
export async function runConnectionTest(name: string, settings: SiteSettings, onTlsRefused?: (err: TlsRefusedError) => Promise<unknown>): Promise<string[] | undefined> {
  const outcome = await testWithProgress(name, settings);
  if (outcome.kind === 'ok') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0}.', name), { modal: true, detail: outcome.lines.join('\n') });
    return outcome.lines;
  }
  if (outcome.kind === 'cancelled') void vscode.window.showInformationMessage(vscode.l10n.t('The connection test to {0} was cancelled.', name));
  else if (outcome.kind === 'tls-refused' && onTlsRefused) await onTlsRefused(outcome.error as TlsRefusedError);
  else {
    const title = outcome.kind === 'tls-refused' ? vscode.l10n.t('{0} does not offer TLS.', name) : vscode.l10n.t('Could not connect to {0}.', name);
    void vscode.window.showErrorMessage(title, { modal: true, detail: outcome.message });
  }
  return undefined;
}
