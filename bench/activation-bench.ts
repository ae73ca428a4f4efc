/**
 * `BENCH_PHASES=activation`: how long Ferry's activation takes in the real extension host. Each run opens
 * a workbench of `npm run test:vscode` (code-server, under the lock the workbench tests share) whose suite
 * test/vscode/suite/activation-measure.exthost.ts records the time activate() took (the extension's
 * onStartupFinished activation) and the CPU time the host used meanwhile. Loading the bundle's code comes before activate() and is reported
 * apart: require() of dist/extension.js in a fresh Node process, with a stand-in for the vscode module.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { runWorkbenchSuite } from './sites-bench';
import { emit, median, printTargets, progress } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'test-artifacts', 'activation-measurements.json');

/** ms to require() `bundle` in a fresh Node process; `vscode` resolves to an object that accepts anything. */
function requireMs(bundle: string): number {
  const script = `
    const Module = require('node:module');
    const load = Module._load;
    const anything = new Proxy(class {}, { get: (t, k) => (k === 'then' ? undefined : k === 'prototype' ? t.prototype : anything), apply: () => anything, construct: () => anything, set: () => true, defineProperty: () => true });
    Module._load = (request, ...rest) => (request === 'vscode' ? anything : load(request, ...rest));
    const started = performance.now();
    require(${JSON.stringify(bundle)});
    console.log(performance.now() - started);
    process.exit(0);`;
  return Number(execFileSync(process.execPath, ['-e', script]).toString());
}

export async function runActivationBench(): Promise<void> {
  const runs = Number(process.env.BENCH_REPS) || (process.env.BENCH_QUICK === '1' ? 1 : 3);
  const bundle = process.env.BENCH_EXTENSION_BUNDLE ?? path.join(ROOT, 'dist', 'extension.js');
  const activations: number[] = [];
  const cpu: number[] = [];
  for (let run = 1; run <= runs; run++) {
    progress(`activation: workbench run ${run}/${runs} (waits for /tmp/ferry-vscode.lock while other workbench tests run)`);
    rmSync(RESULTS, { force: true });
    // The first run builds dist/ when it is stale; the others reuse it.
    await runWorkbenchSuite('suite/activation-measure', {});
    const measured = JSON.parse(readFileSync(RESULTS, 'utf8')) as { vscode: string; activationMs: number; activationCpuMs: number };
    activations.push(measured.activationMs);
    cpu.push(measured.activationCpuMs);
    emit(`activation_ms#${run}`, measured.activationMs, 'ms', 1);
    emit(`activation_cpu_ms#${run}`, measured.activationCpuMs, 'ms', 1);
  }
  emit('activation_ms', median(activations), 'ms', 1);
  emit('activation_cpu_ms', median(cpu), 'ms', 1);
  // After the workbench runs, which build dist/ when it is stale.
  const loads = Array.from({ length: 10 }, () => requireMs(bundle));
  emit('extension_require_ms', median(loads), 'ms', 1);
  printTargets('Activation targets', 'activation_targets_met', [
    { label: 'activate() in the extension host', wanted: '<= 50 ms', value: median(activations), ok: median(activations) <= 50, unit: 'ms' },
    { label: 'CPU time of the extension host during activate() (less sensitive to a busy machine)', wanted: '(info)', value: median(cpu), unit: 'ms' },
    { label: 'require() of dist/extension.js (Node, before activate)', wanted: '(info)', value: median(loads), unit: 'ms' },
  ]);
}
