import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyOverrides, defaultTunables, TunableKey, TUNABLES } from '../../../src/core/server';
import { planLaunch } from '../../../src/vscode/server/model/launch-plan';
import { CONFIG_FILE_SETTING, CONFIGURATION_ID, serverConfiguration, SERVER_SECTION, settingName, SettingSchema, settingsOverrides } from '../../../src/vscode/server/settings-schema';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const readJson = (name: string) => JSON.parse(readFileSync(path.join(ROOT, name), 'utf8'));
const manifest = readJson('package.json');
const KEYS = Object.keys(TUNABLES) as TunableKey[];

/** The ferry.server block of package.json's contributes.configuration. */
function contributedBlock(): { title: string; properties: Record<string, SettingSchema> } {
  const blocks = [manifest.contributes.configuration].flat();
  const block = blocks.find((b: { id?: string }) => b.id === CONFIGURATION_ID);
  assert.ok(block, `package.json has no configuration block "${CONFIGURATION_ID}": run npm run generate:settings`);
  return block;
}

describe('ferry.server.* settings ↔ tunables table', () => {
  it('shows the port Serve listens on by default (one truth: 2121, the table\'s default)', () => {
    const shown = (contributedBlock().properties['ferry.server.listenPort'] as { default: number }).default;
    assert.equal(shown, planLaunch({ settings: [] }).tunables.listen_port);
    assert.equal(shown, 2121);
  });

  it('package.json holds exactly what the generator derives from the table (npm run generate:settings)', () => {
    assert.deepEqual(contributedBlock(), serverConfiguration());
  });

  it('has one setting per tunable, plus the config file path, and nothing else', () => {
    const names = Object.keys(contributedBlock().properties).sort();
    const expected = [...KEYS.map((k) => `${SERVER_SECTION}.${settingName(k)}`), `${SERVER_SECTION}.${CONFIG_FILE_SETTING}`].sort();
    assert.deepEqual(names, expected);
    assert.equal(new Set(KEYS.map(settingName)).size, KEYS.length, 'setting names are unique');
  });

  it('gives every setting the tunable\'s type, range and doc, in English and Simplified Chinese', () => {
    const { properties } = contributedBlock();
    const [en, zh] = [readJson('package.nls.json'), readJson('package.nls.zh-cn.json')];
    const jsonType = { bool: 'boolean', uint: 'integer', port: 'integer', octal: 'string', string: 'string' } as const;
    for (const key of KEYS) {
      const spec = TUNABLES[key];
      const setting = properties[`${SERVER_SECTION}.${settingName(key)}`];
      assert.equal(setting.type, jsonType[spec.type], key);
      const nlsKey = /^%(.+)%$/.exec(setting.markdownDescription)?.[1] ?? '';
      assert.ok(en[nlsKey]?.startsWith(spec.doc), `${key}: English description starts with the table's doc`);
      assert.match(zh[nlsKey] ?? '', /[\u4e00-\u9fff]/, `${key}: Chinese description`);
      for (const text of [en[nlsKey], zh[nlsKey]]) assert.ok(text.includes(`\`${key}\``), `${key}: description names the mini_ftpd.conf key`);
      if (spec.type === 'uint' || spec.type === 'port') assert.deepEqual([setting.minimum, setting.maximum], [spec.min, spec.max], key);
    }
  });

  it('has the table\'s defaults: the contributed defaults parse back to exactly defaultTunables()', () => {
    const { properties } = contributedBlock();
    const overrides = settingsOverrides((name) => properties[`${SERVER_SECTION}.${name}`].default);
    assert.equal(overrides.length, KEYS.length);
    assert.deepEqual(applyOverrides(defaultTunables(), overrides), defaultTunables());
  });

  it('lets the octal pattern accept what the parser accepts and refuse the rest', () => {
    const pattern = new RegExp(contributedBlock().properties[`${SERVER_SECTION}.${settingName('local_umask')}`].pattern!);
    for (const ok of ['022', '0777', '7', '077']) assert.match(ok, pattern);
    for (const bad of ['8', '1777', '0o22', '', 'abc']) assert.doesNotMatch(bad, pattern);
  });

  it('reports a bad settings value under the setting\'s name, through the table\'s parser', () => {
    const overrides = settingsOverrides((name) => ({ listenPort: 70000, anonymousEnable: true, localUmask: '022' })[name]);
    assert.deepEqual(overrides.map((o) => o.text).sort(), ['anonymous_enable=YES', 'listen_port=70000', 'local_umask=022']);
    assert.throws(() => applyOverrides(defaultTunables(), overrides), /ferry\.server\.listenPort: listen_port must be between 0 and 65535, got 70000/);
  });

  it('has every %placeholder% of the server contributions in the English and Chinese package.nls files', () => {
    const text = JSON.stringify(manifest.contributes);
    const keys = [...new Set([...text.matchAll(/%(ferry\.server\.[\w.]+)%/g)].map((m) => m[1]))];
    assert.ok(keys.length > 10, 'found the placeholders');
    for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
      const nls = readJson(file);
      assert.deepEqual(keys.filter((k) => typeof nls[k] !== 'string'), [], `${file} misses strings`);
    }
  });
});
