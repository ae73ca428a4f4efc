import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { defaultTunables } from '../../../src/core/server';
import { tempDir } from '../../helpers/ferry-server';

const COMPILED = path.resolve(__dirname, '..', '..', '..');
const CHILD = path.join(COMPILED, 'src', 'vscode', 'server', 'server-child.js');
const NOBODY = 65534;

/**
 * "Permission denied on the root" as a user meets it: the editor's server process runs as an
 * account that cannot read the folder. Root bypasses permission checks, so the test launches
 * ServerProcess as the unprivileged "nobody" against a folder only root may enter (as any
 * other user it simply uses a folder with mode 000).
 */
describe('serve in a child process: a root the user may not read', function () {
  this.timeout(30_000);
  let base: string;
  beforeEach(() => {
    base = tempDir('ferry-root-perm-');
    chmodSync(base, 0o755);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('fails with kind "root", EACCES and the folder named, before listening', async () => {
    const root = path.join(base, 'private');
    mkdirSync(root, { mode: 0o000 });
    chmodSync(root, 0o000);
    const request = { type: 'start', root, tunables: { ...defaultTunables(), listen_address: '127.0.0.1', listen_port: 0 }, users: [], stateDir: path.join(base, 'state') };
    const script = `
      const { ServerProcess } = require(${JSON.stringify(path.join(COMPILED, 'src', 'vscode', 'server', 'server-process.js'))});
      ServerProcess.start(${JSON.stringify(CHILD)}, ${JSON.stringify(request)}, { cwd: ${JSON.stringify(base)} })
        .then((s) => { console.log(JSON.stringify({ started: true })); return s.stop(); })
        .catch((e) => console.log(JSON.stringify(e.failure ?? { error: String(e) })));`;
    const asRoot = process.getuid?.() === 0;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], { cwd: base, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out.trim() || err.trim());
      });
    });
    const failure = JSON.parse(output.split('\n').pop()!);
    assert.equal(failure.kind, 'root', output);
    assert.equal(failure.code, 'EACCES');
    assert.equal(failure.path, root);
  });
});
