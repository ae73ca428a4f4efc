import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { placeholders, translatedMessages } from '../../helpers/l10n';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const EXPLORER = path.join(ROOT, 'src', 'vscode', 'explorer');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;

describe('explorer: localization', () => {
  it('has a Simplified Chinese translation with the same placeholders for every runtime message', () => {
    const bundle = json('l10n/bundle.l10n.zh-cn.json');
    const all = [...new Set(sources(EXPLORER).flatMap(translatedMessages))];
    assert.ok(all.length > 100, `found ${all.length} messages`);
    assert.deepEqual(all.filter((m) => typeof bundle[m] !== 'string'), []);
    for (const message of all) assert.deepEqual(placeholders(bundle[message]), placeholders(message), `placeholders of "${message}"`);
  });

  it('keeps runtime messages out of the model files, which run without vscode', () => {
    for (const file of sources(path.join(EXPLORER, 'model'))) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from 'vscode'/, `${path.relative(ROOT, file)} imports vscode`);
    }
  });

  it('has English and Chinese manifest strings for every explorer contribution', () => {
    const manifest = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const keys = [...new Set([...manifest.matchAll(/"%(ferry\.explorer\.[^%"]+)%"/g)].map((m) => m[1]))];
    assert.ok(keys.length > 40, `found ${keys.length} keys`);
    const [en, zh] = [json('package.nls.json'), json('package.nls.zh-cn.json')];
    assert.deepEqual(keys.filter((k) => typeof en[k] !== 'string' || typeof zh[k] !== 'string'), []);
  });

  it('gives every explorer command the Ferry category, a title and a codicon', () => {
    const pkg = json('package.json') as unknown as { contributes: { commands: { command: string; title: string; category?: string; icon?: string }[] } };
    const ours = pkg.contributes.commands.filter((c) => !c.command.startsWith('ferry.server.') && !c.command.startsWith('ferry.fxp.'));
    const registered = readFileSync(path.join(EXPLORER, 'index.ts'), 'utf8').match(/'ferry\.[A-Za-z]+'(?=:)/g)!.map((s) => s.slice(1, -1));
    assert.deepEqual(ours.map((c) => c.command).sort(), [...registered].sort(), 'contributed = registered');
    for (const c of ours) {
      assert.equal(c.category, 'Ferry', c.command);
      assert.match(c.title, /^%ferry\.explorer\.command\./, c.command);
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/, c.command);
    }
  });
});
