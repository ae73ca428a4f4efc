/**
 * `BENCH_PHASES=sites`: the Sites view's rows for a 10 000-entry folder (and a 300-entry one) in the real
 * extension host. It runs test/vscode/suite/explorer/sites-measure.exthost.ts in the workbench of
 * `npm run test:vscode` (code-server, under the lock the workbench tests share) and reports what it recorded:
 * getChildren + getTreeItem for every row, and the heap kept for them after a full collection.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { emit, median, printTargets, progress } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'test-artifacts', 'sites-measurements.json');
const LOCK = '/tmp/ferry-vscode.lock';

interface Measurements {
  runs: number;
  vscode: string;
  results: Record<string, { firstMs: number[]; ms: number[]; keptMB: number[] }>;
}

/** Runs a measuring suite (`suite`, a test:vscode filter) in a workbench with `env` added; resolves when it has passed. */
export function runWorkbenchSuite(suite: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [LOCK, 'npm', 'run', 'test:vscode', '--', suite];
    const child = spawn('flock', args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the workbench run failed (exit ${code}):\n${output.slice(-3000)}`))));
  });
}

export async function runSitesBench(): Promise<void> {
  const runs = Number(process.env.BENCH_REPS) || (process.env.BENCH_QUICK === '1' ? 2 : 5);
  rmSync(RESULTS, { force: true });
  progress(`sites: ${runs} runs in the extension host (waits for ${LOCK} while other workbench tests run)`);
  await runWorkbenchSuite('suite/explorer/sites-measure', { FERRY_SITES_MEASURE_RUNS: String(runs) });
  const measured = JSON.parse(readFileSync(RESULTS, 'utf8')) as Measurements;
  console.log(`# Sites view in the extension host (VS Code ${measured.vscode}): getChildren + getTreeItem for every row of a folder on ferry serve, ${measured.runs} runs, medians`);
  for (const [entries, r] of Object.entries(measured.results)) {
    r.ms.forEach((ms, i) => emit(`sites_children_ms.${entries}#${i + 1}`, ms, 'ms', 1));
    emit(`sites_children_ms.${entries}`, median(r.ms), 'ms', 1);
    emit(`sites_first_rows_ms.${entries}`, median(r.firstMs), 'ms', 1);
    emit(`sites_kept_MB.${entries}`, median(r.keptMB), 'MB', 2);
  }
  const ui = await measureInTheView();
  const many = measured.results['10000'];
  const few = measured.results['300'];
  printTargets('Sites view targets', 'sites_targets_met', [
    { label: 'rows of a 10 000-entry folder', wanted: '<= 400 ms', value: median(many.ms), ok: median(many.ms) <= 400, unit: 'ms' },
    { label: 'heap kept per 10 000 entries (after gc)', wanted: '<= 30 MB', value: median(many.keptMB), ok: median(many.keptMB) <= 30, unit: 'MB' },
    { label: 'rows of a 300-entry folder', wanted: '(info)', value: median(few.ms), unit: 'ms' },
    { label: 'first rows of 10 000 on screen (real view)', wanted: '(info)', value: median(ui.manyFirstRowsMs), unit: 'ms' },
    { label: 'all 10 000 rows in the view', wanted: '(info)', value: median(ui.manyAllRowsMs), unit: 'ms' },
    { label: "VS Code's floor: 10 000 rows of a free provider", wanted: '(info)', value: median(ui.floor.manyFirstRowsMs), unit: 'ms' },
    { label: 'first rows on screen, beyond the floor', wanted: '<= 400 ms', value: onScreenExtra(ui), ok: onScreenExtra(ui) <= 400, unit: 'ms' },
    { label: 'extension host RSS after 3 expansions (no gc)', wanted: '(info)', value: ui.rssGrowthMB, unit: 'MB' },
    { label: 'the same for the floor (VS Code\'s own copies)', wanted: '(info)', value: ui.floor.rssGrowthMB, unit: 'MB' },
  ]);
}

/**
 * How much later than VS Code's floor Ferry's first rows of a 10 000-entry folder are on screen (median against
 * median; the floor is the fixture's 10 000 rows, made in about 10 ms). The "first rows <= 400 ms" cannot
 * hold for a tree view in this workbench, whose own share is about 0.9 s (bench/README.md), so the target applies
 * to the time Ferry adds to it.
 */
function onScreenExtra(ui: ViewMeasurements): number {
  return median(ui.manyFirstRowsMs) - median(ui.floor.manyFirstRowsMs);
}

/** One tree's numbers on screen: Ferry's Sites view, or (`floor`) the fixture with rows of the same shape. */
interface TreeOnScreen {
  fewFirstRowsMs: number;
  manyFirstRowsMs: number[];
  /** Until the tree holds all 10 000 rows (Ferry hands over a long folder's first rows first). */
  manyAllRowsMs: number[];
  rssBeforeMB: number;
  rssGrowthMB: number;
}

interface ViewMeasurements extends TreeOnScreen {
  rssPeakMB: number;
  floor: TreeOnScreen;
}

/** The same folders in the real Sites view (test/vscode/ui/sites-large-folder.ui.ts): click to first rows on screen, and the host's RSS. */
async function measureInTheView(): Promise<ViewMeasurements> {
  const results = path.join(ROOT, 'test-artifacts', 'sites-ui-measurements.json');
  rmSync(results, { force: true });
  await runWorkbenchSuite('ui/sites-large-folder', {});
  const ui = JSON.parse(readFileSync(results, 'utf8')) as ViewMeasurements;
  console.log('# Sites view on screen (code-server + Playwright): click on the twistie to the first row visible; extension host VmRSS');
  console.log("# x.ferry: the Sites view over ferry serve; x.floor: a fixture tree view with rows of the same shape made in memory (VS Code's own share)");
  for (const [who, tree] of [['ferry', ui], ['floor', ui.floor]] as const) {
    tree.manyFirstRowsMs.forEach((ms, i) => emit(`sites_view_first_rows_ms.10000.${who}#${i + 1}`, ms, 'ms', 0));
    emit(`sites_view_first_rows_ms.10000.${who}`, median(tree.manyFirstRowsMs), 'ms', 0);
    emit(`sites_view_all_rows_ms.10000.${who}`, median(tree.manyAllRowsMs), 'ms', 0);
    emit(`sites_view_first_rows_ms.300.${who}`, tree.fewFirstRowsMs, 'ms', 0);
    emit(`sites_view_host_rss_growth_MB.${who}`, tree.rssGrowthMB, 'MB', 1);
  }
  emit('sites_view_host_rss_before_MB', ui.rssBeforeMB, 'MB', 1);
  emit('sites_view_host_rss_peak_MB', ui.rssPeakMB, 'MB', 1);
  emit('sites_view_first_rows_ms_beyond_floor.10000', onScreenExtra(ui), 'ms', 0);
  return ui;
}
