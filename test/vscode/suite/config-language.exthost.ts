/**
 * The mini_ftpd.conf language through the real language client and server process:
 * language detection, diagnostics, quick fixes (including hashing a plain password),
 * completion and hover, as the editor's own commands see them.
 */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseConfig, TUNABLES } from '../../../src/core/server';
import { eventually, EXTENSION_ID, workspaceFolder } from '../server/exthost-kit';

const TEXT = ['# Ferry test config', 'listen_prot = 2121', 'max_conns_per_ip = lots', 'anonymous_enable = ', 'user = alice:s3cret:elr', ''].join('\n');
const FILES = ['mini_ftpd.conf', 'site.ftpd.conf'];
const inWorkspace = (name: string) => path.join(workspaceFolder().uri.fsPath, name);

/** The document's diagnostics once `accept` likes them (the server publishes after each change). */
function diagnosticsWhere(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return eventually(`diagnostics of ${path.basename(uri.fsPath)}`, () => {
    const found = vscode.languages.getDiagnostics(uri);
    return accept(found) ? found : undefined;
  }, 30_000);
}

const markdownOf = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const docOf = (item: vscode.CompletionItem) => (typeof item.documentation === 'string' ? item.documentation : (item.documentation?.value ?? ''));
const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);

describe('mini_ftpd.conf language (extension host)', function () {
  this.timeout(60_000);
  let document: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    writeFileSync(inWorkspace('mini_ftpd.conf'), TEXT);
    document = await vscode.workspace.openTextDocument(inWorkspace('mini_ftpd.conf'));
    await vscode.window.showTextDocument(document);
  });
  after(async () => {
    // The quick-fix tests leave the document dirty; closing it would save it again after the files are
    // deleted (and leave a mini_ftpd.conf that later suites would serve). Revert first.
    for (const editor of vscode.window.visibleTextEditors) {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of FILES) rmSync(inWorkspace(name), { force: true });
  });

  it('recognises mini_ftpd.conf and *.ftpd.conf', async () => {
    assert.equal(document.languageId, 'mini-ftpd-conf');
    writeFileSync(inWorkspace('site.ftpd.conf'), 'listen_port = 2121\n');
    assert.equal((await vscode.workspace.openTextDocument(inWorkspace('site.ftpd.conf'))).languageId, 'mini-ftpd-conf');
  });

  it('reports the server parser\'s problems on the key or value at fault', async () => {
    const diagnostics = await diagnosticsWhere(document.uri, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, document.getText(d.range), d.severity, d.source]),
      [
        [1, 'listen_prot', vscode.DiagnosticSeverity.Error, 'mini_ftpd.conf'],
        [2, 'lots', vscode.DiagnosticSeverity.Error, 'mini_ftpd.conf'],
        [3, 'anonymous_enable =', vscode.DiagnosticSeverity.Error, 'mini_ftpd.conf'],
        [4, 'alice:s3cret:elr', vscode.DiagnosticSeverity.Error, 'mini_ftpd.conf'],
      ],
    );
    assert.match(diagnostics[0].message, /unknown key "listen_prot" — did you mean "listen_port"/);
    assert.match(diagnostics[1].message, /max_conns_per_ip expects a whole number/);
    assert.match(diagnostics[3].message, /plain text is not accepted/);
  });

  it('completes keys with their docs and defaults, and YES/NO after a boolean key', async () => {
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(5, 0));
    const port = keys.items.find((i) => labelOf(i) === 'listen_port');
    assert.ok(port, `listen_port among ${keys.items.map(labelOf).join(', ')}`);
    assert.ok(docOf(port).includes(TUNABLES.listen_port.doc));
    assert.match(String(port.detail), /default 2121\b/);
    assert.ok(keys.items.some((i) => labelOf(i) === 'user'));

    const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(3, 19));
    assert.deepEqual(values.items.map(labelOf).sort(), ['NO', 'YES']);
  });

  it('shows the tunable\'s doc on hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(2, 3));
    const text = markdownOf(hovers);
    assert.ok(text.includes(TUNABLES.max_conns_per_ip.doc), text);
    assert.match(text, /default 50/);
  });

  it('fixes an unknown key with "did you mean" and hashes a plain password, which leaves a file the server accepts', async () => {
    const edit = await vscode.window.activeTextEditor!.edit((e) => {
      e.replace(new vscode.Range(2, 0, 2, document.lineAt(2).text.length), 'max_conns_per_ip = 4');
      e.replace(new vscode.Range(3, 0, 3, document.lineAt(3).text.length), 'anonymous_enable = NO');
    });
    assert.ok(edit);
    await diagnosticsWhere(document.uri, (d) => d.length === 2);

    const rename = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(1, 0, 1, 0));
    const fix = rename.find((a) => a.title === 'Change to "listen_port"');
    assert.ok(fix?.edit, `actions: ${rename.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));

    // The hashing action computes its edit only when resolved (scrypt is slow on purpose).
    const hashing = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(4, 10, 4, 10), undefined, 10);
    const hash = hashing.find((a) => a.title === 'Replace the plain password with its scrypt hash');
    assert.ok(hash?.edit, `actions: ${hashing.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(hash.edit));

    assert.match(document.lineAt(4).text, /^user = alice:scrypt\$\d+\$\d+\$\d+\$[^:]+:elr$/);
    await diagnosticsWhere(document.uri, (d) => d.length === 0);
    assert.deepEqual(parseConfig(document.getText()).problems, []);
  });
});
