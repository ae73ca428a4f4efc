import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { placeholders, translatedMessages } from '../helpers/l10n';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readJson = (...parts: string[]) => JSON.parse(readFileSync(path.join(ROOT, ...parts), 'utf8')) as Record<string, unknown>;

/** Every `.ts` file under src/. */
function sources(): string[] {
  return readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(ROOT, 'src', name));
}

describe('localization: nothing left in English only', () => {
  it('has every %key% of package.json in package.nls.json and package.nls.zh-cn.json', () => {
    const keys = [...new Set([...readFileSync(path.join(ROOT, 'package.json'), 'utf8').matchAll(/"%([^%"\s]+)%"/g)].map((m) => m[1]))];
    assert.ok(keys.length > 150, `found ${keys.length} keys`);
    for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
      const nls = readJson(file);
      assert.deepEqual(keys.filter((k) => typeof nls[k] !== 'string'), [], `${file} misses these`);
    }
  });

  it('describes every setting (and every enum value) through a %key%, not literal English', () => {
    const manifest = readJson('package.json') as { contributes: { configuration: { properties: Record<string, unknown> }[] } };
    const literal: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        const texts = ['description', 'markdownDescription'].includes(key) ? [value] : ['enumDescriptions', 'markdownEnumDescriptions'].includes(key) ? (value as unknown[]) : [];
        for (const text of texts) if (typeof text !== 'string' || !/^%[^%]+%$/.test(text)) literal.push(`${where}.${key}: ${String(text).slice(0, 40)}`);
        visit(value, `${where}.${key}`);
      }
    };
    manifest.contributes.configuration.forEach((block) => visit(block.properties, 'configuration'));
    assert.deepEqual(literal, []);
  });

  it('gives the enum settings tls, dataMode, encoding and certificate a description per value', () => {
    const manifest = readJson('package.json') as { contributes: { configuration: { id: string; properties: Record<string, { items: { properties: Record<string, Record<string, unknown>> } }> }[] } };
    const site = manifest.contributes.configuration.find((b) => b.id === 'ferry-explorer')!.properties['ferry.sites'].items.properties;
    for (const schema of [site.tls, site.dataMode, site.encoding, (site.certificate.oneOf as Record<string, unknown>[]).find((o) => o.enum)!]) {
      assert.equal((schema.enumDescriptions as unknown[] | undefined)?.length, (schema.enum as unknown[]).length, JSON.stringify(schema.enum));
    }
  });

  it('translates every runtime message in src into Simplified Chinese, with the same placeholders', () => {
    const bundle = readJson('l10n', 'bundle.l10n.zh-cn.json');
    const all = [...new Set(sources().flatMap(translatedMessages))];
    assert.ok(all.length > 250, `found ${all.length} messages`);
    assert.deepEqual(all.filter((m) => typeof bundle[m] !== 'string'), [], 'no zh-cn entry');
    for (const message of all) assert.deepEqual(placeholders(bundle[message] as string), placeholders(message), `placeholders of "${message}"`);
  });

  it('has a Simplified Chinese page for every walkthrough step (VS Code picks <page>.nls.zh-cn.md)', () => {
    const manifest = readJson('package.json') as { contributes: { walkthroughs: { steps: { media: { markdown?: string } }[] }[] } };
    const pages = manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown)).filter((m): m is string => m !== undefined);
    assert.ok(pages.length >= 4);
    for (const page of pages) {
      const chinese = path.join(ROOT, page.replace(/\.md$/, '.nls.zh-cn.md'));
      assert.ok(existsSync(chinese), `${path.relative(ROOT, chinese)} is missing`);
      assert.match(readFileSync(chinese, 'utf8'), /[\u4e00-\u9fff]/, `${page}: the Chinese page is in Chinese`);
    }
  });
});
