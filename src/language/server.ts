/**
 * The mini_ftpd.conf language server, run in its own process by the extension
 * (dist/language-server.js). It only connects LSP requests to the pure functions beside it.
 */
import { CodeActionKind, createConnection, ProposedFeatures, ServerCapabilities, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActionsFor, resolveHashPassword, HashPasswordData } from './code-actions';
import { completeAt } from './completion';
import { computeDiagnostics } from './diagnostics';
import { hoverAt } from './hover';
import { languageTexts } from './texts';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

const serverCapabilities: ServerCapabilities = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  completionProvider: { triggerCharacters: ['='] },
  hoverProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
};

/** The editor's language, from `initialize`: hovers, completions, diagnostics and fixes answer in it. */
let texts = languageTexts(undefined);

connection.onInitialize((params) => {
  const options = params.initializationOptions as { locale?: unknown } | undefined;
  texts = languageTexts(typeof options?.locale === 'string' ? options.locale : params.locale);
  return { capabilities: serverCapabilities };
});

documents.onDidChangeContent(({ document }) => {
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: computeDiagnostics(document.getText(), texts) });
});
// A closed document must not leave stale problems in the Problems view.
documents.onDidClose(({ document }) => void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }));

connection.onCompletion(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  return document ? completeAt(document.getText(), position, texts) : [];
});

connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  return document ? hoverAt(document.getText(), position, texts) : null;
});

connection.onCodeAction(({ textDocument, range, context }) => {
  const document = documents.get(textDocument.uri);
  return document ? codeActionsFor(document.getText(), textDocument.uri, range, context.diagnostics, texts) : [];
});

connection.onCodeActionResolve(async (action) => {
  const document = documents.get((action.data as HashPasswordData | undefined)?.uri ?? '');
  return document ? resolveHashPassword(document.getText(), action) : action;
});

documents.listen(connection);
connection.listen();
