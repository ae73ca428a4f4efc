import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SOURCES = [
  ...readdirSync(path.join(ROOT, 'src', 'vscode', 'server')).map((f) => path.join('src', 'vscode', 'server', f)),
  path.join('src', 'vscode', 'config-language.ts'),
].filter((f) => f.endsWith('.ts'));

/** Every string literal passed as the first argument of vscode.l10n.t(...) in a source file. */
function l10nMessages(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'vscode.l10n.t') {
      const [first] = node.arguments;
      assert.ok(first && ts.isStringLiteralLike(first), `${file}: l10n.t with a non-literal message at ${node.getText(source).slice(0, 60)}`);
      found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('Serve command and config language: localization', () => {
  it('has a Simplified Chinese translation for every runtime message', () => {
    const bundle = JSON.parse(readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const messages = SOURCES.flatMap(l10nMessages);
    assert.ok(messages.length > 30, `found ${messages.length} messages`);
    assert.deepEqual([...new Set(messages.filter((m) => typeof bundle[m] !== 'string'))], []);
    for (const message of messages) {
      const placeholders = (text: string) => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(placeholders(bundle[message]), placeholders(message), `placeholders of "${message}"`);
    }
  });
});
