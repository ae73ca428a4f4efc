/**
 * The mini_ftpd.conf language server, run in its own process by the extension
 * (dist/language-server.js). It only connects LSP requests to the pure functions beside it.
 */
import { CodeActionKind, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActionsFor, resolveHashPassword, HashPasswordData } from './code-actions';
import { completeAt } from './completion';
import { computeDiagnostics } from './diagnostics';
import { hoverAt } from './hover';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: ['='] },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
  },
}));

documents.onDidChangeContent(({ document }) => {
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: computeDiagnostics(document.getText()) });
});
// A closed document must not leave stale problems in the Problems view.
documents.onDidClose(({ document }) => void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }));

connection.onCompletion(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  return document ? completeAt(document.getText(), position) : [];
});

connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  return document ? hoverAt(document.getText(), position) : null;
});

connection.onCodeAction(({ textDocument, range, context }) => {
  const document = documents.get(textDocument.uri);
  return document ? codeActionsFor(document.getText(), textDocument.uri, range, context.diagnostics) : [];
});

connection.onCodeActionResolve(async (action) => {
  const document = documents.get((action.data as HashPasswordData | undefined)?.uri ?? '');
  return document ? resolveHashPassword(document.getText(), action) : action;
});

documents.listen(connection);
connection.listen();
