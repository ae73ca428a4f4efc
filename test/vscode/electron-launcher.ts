/**
 * The same extension-host suites (`test/vscode/suite/**\/*.exthost.ts`) in desktop VS Code through
 * @vscode/test-electron, for machines that can download VS Code (this project's machines cannot: there the
 * code-server runner, run.ts, is the way). Same in-host index, same result lines, same closing line.
 *
 *   npx tsc -p . && node out/test/vscode/electron-launcher.js [FILTER...] [--grep REGEX]
 *
 * Environment: FERRY_VSCODE_VERSION (default "stable"; e.g. "1.91.0", the lowest engines.vscode),
 * FERRY_VSCODE_EXECUTABLE (use an installed VS Code instead of downloading one). On Linux without a display,
 * run it under `xvfb-run -a`.
 */
import { runTests } from '@vscode/test-electron';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverTests } from './lib/discover';
import { ENV_FILES, ENV_GREP, ENV_RESULTS, ENV_WORKSPACE, ExtHostResultsReader, formatEvent } from './lib/exthost-protocol';
import { EXTHOST_INDEX, ROOT } from './lib/paths';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const grepAt = args.indexOf('--grep');
  const grep = grepAt >= 0 ? args.splice(grepAt, 2)[1] : undefined;
  const { exthost: files } = discoverTests(args);
  if (files.length === 0) throw new Error(`no *.exthost.js suite matches ${JSON.stringify(args)} (compile first: npx tsc -p .)`);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-electron-'));
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
  const resultsFile = path.join(scratch, 'results.jsonl');
  const reader = new ExtHostResultsReader(resultsFile);
  let passed = 0;
  let failed = 0;
  const printNew = (): void => {
    for (const event of reader.poll()) {
      if (event.type === 'pass') passed++;
      if (event.type === 'fail') failed++;
      const line = formatEvent(event);
      if (line) console.log(line);
    }
  };
  const ticker = setInterval(printNew, 250);
  try {
    const code = await runTests({
      version: process.env.FERRY_VSCODE_VERSION || 'stable',
      vscodeExecutablePath: process.env.FERRY_VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: EXTHOST_INDEX,
      extensionTestsEnv: {
        [ENV_RESULTS]: resultsFile,
        [ENV_FILES]: JSON.stringify(files),
        [ENV_WORKSPACE]: workspace,
        ...(grep ? { [ENV_GREP]: grep } : {}),
      },
      launchArgs: [
        workspace,
        '--disable-extensions', // every other extension; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(scratch, 'user-data'),
        '--extensions-dir', path.join(scratch, 'extensions'),
      ],
    }).catch((err: unknown) => {
      // runTests rejects on a non-zero exit code; the results file says which tests failed.
      console.log(`[vscode] VS Code ended with: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    });
    printNew();
    if (reader.events.length === 0) {
      failed++;
      console.log('  FAIL  [exthost] VS Code did not run the suites (download or launch failed; offline, use npm run test:vscode)');
    } else if (!reader.ended) {
      failed++;
      console.log(`  FAIL  [exthost] run did not finish (VS Code exit code ${code}${reader.running ? `, running then: ${reader.running}` : ''})`);
    } else if (code !== 0 && failed === 0) {
      failed++;
      console.log(`  FAIL  [exthost] VS Code exit code ${code} although every test passed`);
    }
  } finally {
    clearInterval(ticker);
    rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  console.log(`\nvscode: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.log(`[vscode] ${err instanceof Error ? err.message : String(err)}`);
    console.log('\nvscode: 0 passed, 1 failed');
    process.exit(1);
  },
);
