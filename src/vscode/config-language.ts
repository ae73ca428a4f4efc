import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** Language id of mini_ftpd.conf files (package.json contributes.languages). */
export const CONFIG_LANGUAGE = 'mini-ftpd-conf';

/**
 * Starts the mini_ftpd.conf language server (dist/language-server.js, its own process) the
 * first time such a file is open, so windows that never edit one never pay for the process.
 */
export function registerConfigLanguage(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  let client: Promise<LanguageClient> | undefined;
  const startIfNeeded = (document: vscode.TextDocument) => {
    if (client || document.languageId !== CONFIG_LANGUAGE) return;
    client = startClient(context, log);
    client.catch((err: unknown) => log.error(`[config-language] the language server did not start: ${err instanceof Error ? err.message : String(err)}`));
  };
  vscode.workspace.textDocuments.forEach(startIfNeeded);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startIfNeeded), { dispose: () => void client?.then((c) => c.stop(), () => undefined) });
}

/**
 * The language client library (about half of the extension's code) is a chunk of its own
 * (webpack splits at this import), loaded only when a mini_ftpd.conf is open: activation stays fast.
 */
async function startClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
  const module = path.join(context.extensionPath, 'dist', 'language-server.js');
  const client = new LanguageClient(
    'ferry.miniFtpdConf',
    vscode.l10n.t('Ferry mini_ftpd.conf'),
    { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } },
    { documentSelector: [{ language: CONFIG_LANGUAGE }], outputChannel: log },
  );
  await client.start();
  return client;
}
