import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Loads a copy of native-io.js in a fresh process, with `addon` as the ferry_io.node beside it,
 * reads the addon's exports three times and prints what the unavailability observer was told.
 */
function loadWith(addon: Buffer | undefined, env: NodeJS.ProcessEnv = {}): { reports: string[]; before: boolean; io: boolean } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-native-load-'));
  try {
    copyFileSync(path.resolve(__dirname, '../../../src/core/native/native-io.js'), path.join(dir, 'native-io.js'));
    if (addon) writeFileSync(path.join(dir, 'ferry_io.node'), addon);
    const script = `
      const native = require('./native-io.js');
      const reports = [];
      native.onNativeUnavailable((why) => reports.push(why));
      const before = reports.length > 0;
      const io = [native.nativeIo, native.nativeIo, native.nativeBeneath].some(Boolean);
      console.log(JSON.stringify({ reports, before, io }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, env: { ...process.env, ...env }, timeout: 20_000 });
    return JSON.parse(out.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('native addon loading', () => {
  it('loads nothing until first asked, then tells once why a broken ferry_io.node does not load', function () {
    if (process.platform !== 'linux') this.skip();
    const { reports, before, io } = loadWith(Buffer.from('not an ELF file'));
    assert.equal(before, false, 'loaded at import');
    assert.equal(io, false);
    assert.equal(reports.length, 1, JSON.stringify(reports));
    assert.match(reports[0], /ferry_io\.node does not load: .*(invalid ELF header|too short)/);
  });

  it('loads the built addon without any report', function () {
    if (process.platform !== 'linux') this.skip();
    const built = path.resolve(__dirname, '../../../../build/Release/ferry_io.node');
    const { reports, io } = loadWith(readFileSync(built));
    assert.deepEqual(reports, []);
    assert.equal(io, true);
  });
});
