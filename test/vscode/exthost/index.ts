/**
 * Entry point loaded by the extension host as `extensionTestsPath` (under code-server through the payload, under
 * desktop VS Code through @vscode/test-electron). Runs the compiled `*.exthost.js` suites with mocha (BDD:
 * describe/it, like the rest of the project) and appends one JSON line per finished test to the file named by
 * FERRY_E2E_RESULTS. The returned promise rejects when a test failed, which makes the workbench report a non-zero
 * exit code (codeAutomationExit in the browser, the process exit code on the desktop).
 */
import Mocha from 'mocha';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ENV_FILES, ENV_GREP, ENV_RESULTS, ExtHostEvent } from '../lib/exthost-protocol';

function findSuites(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return findSuites(full);
      return name.endsWith('.exthost.js') ? [full] : [];
    })
    .sort();
}

/** Message and the first frames of the stack, without the blank lines and repeats assert's messages carry. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !l.includes('node:internal') && !l.includes('/node_modules/'))
    .slice(0, 5)
    .map((l) => '  ' + l.trim());
  const message = `${err.name}: ${err.message}`.replace(/\n\s*\n/g, '\n').trimEnd();
  return [message, ...frames].join('\n');
}

export function run(): Promise<void> {
  const resultsFile = process.env[ENV_RESULTS];
  const emit = (event: ExtHostEvent): void => {
    if (resultsFile) appendFileSync(resultsFile, JSON.stringify(event) + '\n');
  };
  const files: string[] = process.env[ENV_FILES] ? JSON.parse(process.env[ENV_FILES]) : findSuites(path.join(__dirname, '..', 'suite'));
  const grep = process.env[ENV_GREP] || undefined;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', grep });
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    let pending = 0;
    const finish = (): void => {
      if (passed + failed === 0) {
        failed++;
        emit({ type: 'fail', title: 'extension host suites', error: `no test ran (files: ${files.length}, grep: ${grep ?? 'none'})` });
      }
      emit({ type: 'end', passed, failed, pending });
      if (failed > 0) reject(new Error(`${failed} extension host test(s) failed`));
      else resolve();
    };
    let runner: Mocha.Runner;
    try {
      // Loads the files with require (synchronously), so `import 'vscode'` in a suite goes through the host's loader.
      runner = mocha.run(() => finish());
    } catch (err) {
      failed++;
      emit({ type: 'fail', title: 'loading extension host suites', error: describeError(err) });
      finish();
      return;
    }
    emit({ type: 'start', files, total: runner.total, node: process.version, pid: process.pid });
    runner.on('test', (test) => emit({ type: 'test', title: test.fullTitle() }));
    runner.on('pass', (test) => {
      passed++;
      emit({ type: 'pass', title: test.fullTitle(), file: test.file, ms: test.duration ?? 0 });
    });
    runner.on('fail', (test, err) => {
      failed++;
      emit({ type: 'fail', title: test.fullTitle(), file: test.file, ms: test.duration, error: describeError(err) });
    });
    runner.on('pending', (test) => {
      pending++;
      emit({ type: 'pending', title: test.fullTitle(), file: test.file });
    });
  });
}
