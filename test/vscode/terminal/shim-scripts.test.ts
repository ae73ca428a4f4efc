import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { posixShim, windowsShim } from '../../../src/vscode/terminal/model/shim-scripts';

const run = promisify(execFile);

describe('terminal: the ferry shim scripts', () => {
  // Paths with a space, a quote and a dollar: what a user's home folder may hold.
  const dir = mkdtempSync(path.join(os.tmpdir(), "ferry shim 'q' $HOME "));
  const cli = path.join(dir, 'cli $x.js');
  const queue = path.join(dir, "fxp 'queue'.json");
  writeFileSync(cli, 'console.log(JSON.stringify({ argv: process.argv.slice(2), queue: process.env.FERRY_QUEUE, electron: process.env.ELECTRON_RUN_AS_NODE }));\n');
  const shim = path.join(dir, 'ferry');
  writeFileSync(shim, posixShim({ node: process.execPath, cli, queue }));
  chmodSync(shim, 0o755);
  const env = { ...process.env };
  delete env.FERRY_QUEUE;
  delete env.ELECTRON_RUN_AS_NODE;

  it('runs the CLI with this Node, the arguments untouched and the panel\'s queue file', async () => {
    const { stdout } = await run(shim, ['queue', 'add', 'ftp://a/x y', '$HOME', "it's"], { env });
    assert.deepEqual(JSON.parse(stdout), { argv: ['queue', 'add', 'ftp://a/x y', '$HOME', "it's"], queue, electron: '1' });
  });

  it('keeps a FERRY_QUEUE the user set', async () => {
    const { stdout } = await run(shim, ['queue', 'list'], { env: { ...env, FERRY_QUEUE: '/mine.json' } });
    assert.equal(JSON.parse(stdout).queue, '/mine.json');
  });

  it('writes a batch file with CRLF lines, quoted paths and literal percent signs', () => {
    const text = windowsShim({ node: 'C:\\Program Files\\Code\\Code.exe', cli: 'C:\\ext\\dist\\cli.js', queue: 'C:\\Users\\a%b\\fxp-queue.json' });
    assert.ok(text.split('\r\n').length > 4 && !/[^\r]\n/.test(text), 'CRLF only');
    assert.match(text, /^if not defined FERRY_QUEUE set "FERRY_QUEUE=C:\\Users\\a%%b\\fxp-queue\.json"\r$/m);
    assert.match(text, /^"C:\\Program Files\\Code\\Code\.exe" "C:\\ext\\dist\\cli\.js" %\*\r$/m);
    assert.match(text, /^set ELECTRON_RUN_AS_NODE=1\r$/m);
  });
});
