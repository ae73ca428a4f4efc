/**
 * The JavaScript data path is what Ferry runs on where the native addon is not built (macOS,
 * Windows, no compiler) and what carries TLS and rate-limited transfers everywhere. Plain
 * transfers take the native path whenever it is loaded, so this runs the server and client
 * transfer suites once more in a child process with FERRY_NATIVE_IO=0.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const RUNNER = path.join(__dirname, '..', '..', 'run.js');

function runSuites(filter: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUNNER, filter], { env: { ...process.env, FERRY_NATIVE_IO: '0' }, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the JavaScript data path (FERRY_NATIVE_IO=0)', function () {
  this.timeout(320_000);

  // Each suite with the fewest tests it has: fewer means the filter missed some.
  const suites: [string, number][] = [
    ['core/server/transfers', 20],
    ['core/client/transfers', 20],
    ['core/server/rename-race', 4],
    ['core/server/concurrent-writes', 4],
    ['core/server/name-bytes', 2],
    ['core/server/hostile-client', 4],
    ['core/server/urgent-abort', 6],
  ];
  for (const [suite, least] of suites) {
    it(`passes ${suite} without the native addon`, async () => {
      const { code, output } = await runSuites(suite);
      const summary = /tests: (\d+) passed, (\d+) failed/.exec(output);
      assert.ok(summary, output.slice(-2000));
      assert.equal(code, 0, output.slice(-4000));
      assert.equal(summary[2], '0', output.slice(-4000));
      assert.ok(Number(summary[1]) >= least, `only ${summary[1]} tests ran`);
    });
  }
});
