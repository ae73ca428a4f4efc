import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The literal first arguments of vscode.l10n.t(...) and of the injected `t(...)` some modules take (site flow,
 * connection report) in one source file. A message that is not a literal fails: the bundle could not hold it.
 */
export function translatedMessages(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ['vscode.l10n.t', 'l10n.t', 't'].includes(node.expression.getText(source))) {
      const [first] = node.arguments;
      assert.ok(first && ts.isStringLiteralLike(first), `${path.relative(ROOT, file)}: a translated message must be a literal: ${node.getText(source).slice(0, 80)}`);
      found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The `{0}`, `{1}`… of a message, sorted: a translation must keep them all. */
export const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
