/**
 * Finds the compiled workbench tests: `out/test/vscode/suite/**\/*.exthost.js` (mocha in the extension host) and
 * `out/test/vscode/ui/**\/*.ui.js` (Playwright). Only compiled files whose TypeScript source still exists count,
 * so a deleted test never runs from a stale out/ folder; a source newer than its output is reported.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { OUT_DIR, ROOT } from './paths';

export interface Discovered {
  exthost: string[];
  ui: string[];
  /** Sources under test/vscode whose compiled output is missing or older than the source. */
  stale: string[];
}

function walk(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return walk(full, suffix);
      return name.endsWith(suffix) ? [full] : [];
    })
    .sort();
}

const SOURCE_DIR = path.join(ROOT, 'test', 'vscode');
const sourceOf = (compiled: string): string => path.join(SOURCE_DIR, path.relative(OUT_DIR, compiled)).replace(/\.js$/, '.ts');
const compiledOf = (source: string): string => path.join(OUT_DIR, path.relative(SOURCE_DIR, source)).replace(/\.ts$/, '.js');

/** `filters`: substrings of the path below test/vscode (e.g. "smoke", "ui/", "suite/explorer"); none = all. */
export function discoverTests(filters: string[]): Discovered {
  const selected = (compiled: string): boolean => {
    if (!existsSync(sourceOf(compiled))) return false;
    const rel = path.relative(OUT_DIR, compiled);
    return filters.length === 0 || filters.some((f) => rel.includes(f) || rel.replace(/\.js$/, '.ts').includes(f));
  };
  // Only what this harness loads: suites, UI tests and the harness itself (other tests in test/vscode are mocha's).
  const harness = /(\.exthost\.ts|\.ui\.ts)$|^(lib|exthost)\/|^(run|electron-launcher)\.ts$/;
  const stale = walk(SOURCE_DIR, '.ts')
    .filter((source) => harness.test(path.relative(SOURCE_DIR, source).split(path.sep).join('/')))
    .filter((source) => {
      const compiled = compiledOf(source);
      return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs;
    })
    .map((source) => path.relative(ROOT, source));
  return {
    exthost: walk(path.join(OUT_DIR, 'suite'), '.exthost.js').filter(selected),
    ui: walk(path.join(OUT_DIR, 'ui'), '.ui.js').filter(selected),
    stale,
  };
}

/** Short name of a test file: its path below suite/ or ui/ without the suffix, e.g. "smoke", "explorer-tree". */
export function testName(compiled: string): string {
  const rel = path.relative(OUT_DIR, compiled).split(path.sep).slice(1).join('-');
  return rel.replace(/\.(exthost|ui)\.js$/, '');
}
