import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatTunableValue, TUNABLES, TunableKey } from '../src/core/server';

/** README's config table is for users; it must list every tunable with the table's real default. */
describe('README', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('documents every mini_ftpd.conf key with its default', () => {
    for (const key of Object.keys(TUNABLES) as TunableKey[]) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      assert.ok(row, `README has no row for ${key}`);
      const shown = formatTunableValue(key, TUNABLES[key].default);
      assert.ok(row.includes(shown === '' ? '(empty)' : `\`${shown}\``), `README row for ${key} does not show default ${shown}`);
    }
  });

  it('names the test command that .ci/run runs', () => {
    const ci = readFileSync(path.join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm test$/m);
    assert.match(readme, /^npm test$/m);
  });
});
