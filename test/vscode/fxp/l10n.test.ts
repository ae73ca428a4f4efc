import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FXP = path.join(ROOT, 'src', 'vscode', 'fxp');
const readJson = (...parts: string[]) => JSON.parse(readFileSync(path.join(ROOT, ...parts), 'utf8')) as Record<string, unknown>;

/** The `.ts` files of the editor's FXP layer (model files included). */
function fxpSources(): string[] {
  return readdirSync(FXP, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(FXP, name));
}

/** Yields the literal first argument of each vscode.l10n.t call; a non-literal one fails the test. */
function* translatedLiterals(file: string): Generator<string> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const pending: ts.Node[] = [source];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'vscode.l10n.t') {
      const message = node.arguments[0];
      assert.ok(message && ts.isStringLiteralLike(message), `${path.relative(ROOT, file)}: vscode.l10n.t needs a literal message`);
      yield message.text;
    }
    pending.push(...node.getChildren(source));
  }
}

const holes = (text: string) => (text.match(/\{\d+\}/g) ?? []).sort().join(',');

describe('fxp: localization and contributions', () => {
  it('translates every runtime message of src/vscode/fxp into Simplified Chinese with the same placeholders', () => {
    const bundle = readJson('l10n', 'bundle.l10n.zh-cn.json');
    const messages = new Set(fxpSources().flatMap((file) => [...translatedLiterals(file)]));
    assert.ok(messages.size > 40, `found ${messages.size} messages`);
    for (const message of messages) {
      const chinese = bundle[message];
      assert.equal(typeof chinese, 'string', `no zh-cn entry for "${message}"`);
      assert.equal(holes(chinese as string), holes(message), `placeholders of "${message}"`);
    }
  });

  it('keeps vscode out of the model files, which the CLI-free tests and the webview load', () => {
    for (const file of readdirSync(path.join(FXP, 'model'))) assert.doesNotMatch(readFileSync(path.join(FXP, 'model', file), 'utf8'), /from 'vscode'/, file);
  });

  it('contributes exactly the ferry.fxp commands registerFxp registers, each with a category, a codicon and translated titles', () => {
    const manifest = readJson('package.json') as { contributes: { commands: { command: string; title: string; category?: string; icon?: string }[] } };
    const [en, zh] = [readJson('package.nls.json'), readJson('package.nls.zh-cn.json')];
    const contributed = manifest.contributes.commands.filter((c) => c.command.startsWith('ferry.fxp.'));
    const registered = [...readFileSync(path.join(FXP, 'index.ts'), 'utf8').matchAll(/'(ferry\.fxp\.[A-Za-z]+)':/g)].map((m) => m[1]);
    assert.deepEqual(contributed.map((c) => c.command).sort(), registered.sort());
    for (const c of contributed) {
      assert.equal(c.category, 'Ferry');
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/);
      const key = /^%(.+)%$/.exec(c.title)?.[1] ?? '';
      assert.ok(typeof en[key] === 'string' && typeof zh[key] === 'string', `${c.command}: title ${c.title}`);
    }
  });

  it('has English and Chinese text for every ferry.fxp manifest key, and the settings the code reads', () => {
    const text = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const keys = new Set([...text.matchAll(/"%(ferry\.fxp\.[^%"]+)%"/g)].map((m) => m[1]));
    const [en, zh] = [readJson('package.nls.json'), readJson('package.nls.zh-cn.json')];
    assert.deepEqual([...keys].filter((k) => typeof en[k] !== 'string' || typeof zh[k] !== 'string'), []);
    const manifest = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, { default?: unknown; enum?: unknown[] }> }[] } };
    const settings = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<string, { default?: unknown; enum?: unknown[] }>;
    assert.deepEqual(settings['ferry.fxp.conflict'].enum, ['ask', 'overwrite', 'resume', 'skip', 'skip-identical', 'rename']);
    assert.deepEqual(
      ['conflict', 'concurrency', 'perSite', 'allowRelay', 'allowClearData'].map((name) => settings[`ferry.fxp.${name}`]?.default),
      ['ask', 2, 2, true, false],
    );
  });
});
