import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NAME_ENCODINGS } from '../../src/core/client/name-encodings';
import { withTestServer } from '../helpers/ferry-server';
import { run } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '../../..');

/** A name in each script the offered encodings cover (Windows-1250 and ISO-8859-2 share one, and so on). */
const SAMPLES: Record<string, string> = {
  gbk: '中文文件名.txt',
  gb18030: '中文文件名𠀀.txt',
  big5: '繁體中文.txt',
  shift_jis: 'にほんご.txt',
  'euc-jp': 'にほんご.txt',
  'euc-kr': '한국어.txt',
  'windows-1250': 'Žluťoučký.txt',
  'windows-1251': 'Привет.txt',
  'iso-8859-5': 'Привет.txt',
  'iso-8859-6': 'مرحبا.txt',
  'iso-8859-7': 'Καλημέρα.txt',
  'iso-8859-8': 'שלום.txt',
  'iso-8859-11': 'สวัสดี.txt',
};

/** iconv-lite's module object itself (an ES import would be a read-only copy), with the fields it loads encodings into. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const iconv = require('iconv-lite') as typeof import('iconv-lite') & { encodings: unknown; _codecDataCache: object };

/** The codec library as webpack bundles it: iconv-lite with scripts/iconv-families.js as its list of encodings. */
function bundledIconv(): typeof iconv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  iconv.encodings = require(path.join(ROOT, 'scripts/iconv-families.js'));
  iconv._codecDataCache = {};
  return iconv;
}

describe('iconv-lite as bundled (webpack.config.js)', () => {
  after(() => {
    // Back to the full list for the tests that follow in this process.
    iconv.encodings = null;
    iconv._codecDataCache = {};
  });

  it('knows every offered name encoding and round-trips a name in it', () => {
    const lib = bundledIconv();
    for (const { name } of NAME_ENCODINGS.slice(1)) {
      assert.ok(lib.encodingExists(name), `${name} is missing from the bundled encodings`);
      const text = SAMPLES[name] ?? 'Café.txt';
      assert.equal(lib.decode(lib.encode(text, name), name), text, name);
    }
  });

  it('dist/iconv-tables/ holds every code table iconv-lite loads (after npm run build)', function () {
    const dist = path.join(ROOT, 'dist/iconv-tables');
    if (!existsSync(dist)) this.skip();
    const source = readFileSync(require.resolve('iconv-lite/encodings/dbcs-data.js'), 'utf8');
    const tables = [...new Set([...source.matchAll(/require\('\.\/tables\/([\w-]+\.json)'\)/g)].map((m) => m[1]))];
    assert.ok(tables.length >= 8, `found ${tables.length} tables`);
    for (const table of tables) assert.deepEqual(JSON.parse(readFileSync(path.join(dist, table), 'utf8')), JSON.parse(readFileSync(require.resolve(`iconv-lite/encodings/tables/${table}`), 'utf8')), table);
  });
});

describe('the bundled client on a GBK site (dist/cli.js, after npm run build)', () => {
  it('lists a GBK name as Chinese, reading the code table from dist/iconv-tables/', async function () {
    const cli = path.join(ROOT, 'dist/cli.js');
    if (!existsSync(cli)) this.skip();
    const name = '中文文件.txt';
    await withTestServer({}, async (t) => {
      // 中文文件.txt in GBK: the server serves the name's bytes as they are on disk.
      writeFileSync(Buffer.concat([Buffer.from(`${t.root}/`), Buffer.from('d6d0cec4cec4bcfe', 'hex'), Buffer.from('.txt')]), '');
      const { stdout, stderr } = await run(process.execPath, [cli, 'ls', `${t.url}/`, '--encoding', 'gbk'], { timeoutMs: 30_000 });
      assert.equal(stdout.trim(), name, stderr);
    });
  });
});
