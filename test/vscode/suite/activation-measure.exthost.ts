/**
 * Ferry's activation in the real extension host (issue #15, "activation ≤ 50 ms"), for `npm run bench`
 * (bench/activation-bench.ts): the time activate() took and the CPU time the host used meanwhile, as it returns them (VS Code keeps its own activation
 * times out of the extension API). Written to test-artifacts/activation-measurements.json.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../server/exthost-kit';
import { ARTIFACTS_DIR } from '../lib/paths';

describe('activation (measured for the benchmark)', () => {
  it('records how long activate() took', async () => {
    const extension = vscode.extensions.getExtension<{ activationMs: number; activationCpuMs: number }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const api = extension.isActive ? extension.exports : await extension.activate();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs: ${api.activationMs}`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(path.join(ARTIFACTS_DIR, 'activation-measurements.json'), JSON.stringify({ vscode: vscode.version, activationMs: api.activationMs, activationCpuMs: api.activationCpuMs }, null, 2));
  });
});
