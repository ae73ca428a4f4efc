import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { PANEL_STRING_KEYS, PanelStrings } from '../../../src/vscode/fxp/model/panel-strings';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * The panel's English words, read from the vscode.l10n.t literals of src/vscode/fxp/queue-strings.ts
 * (the table the extension sends), so the tests see exactly what an English user sees.
 */
export function englishStrings(): PanelStrings {
  const file = path.join(ROOT, 'src', 'vscode', 'fxp', 'queue-strings.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const table: Record<string, string> = {};
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isCallExpression(node.initializer) && ts.isStringLiteralLike(node.initializer.arguments[0])) {
      table[node.name.getText(source)] = node.initializer.arguments[0].text;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.deepEqual(Object.keys(table).sort(), [...PANEL_STRING_KEYS].sort(), 'queue-strings.ts translates every panel key');
  return table as PanelStrings;
}
