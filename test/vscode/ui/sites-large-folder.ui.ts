/**
 * A 10 000-entry remote folder in the real Sites view, measured as the issue measured it (#16, "Large folders"):
 * from the click on the folder's twistie to its first rows on screen, and the extension host's resident memory
 * (VmRSS of the process, no forced collection) before and after three expansions — so VS Code's own copies of the
 * rows (the extension host's tree nodes, the items sent to the renderer) count too. A 300-entry folder for
 * comparison. The numbers go to test-artifacts/sites-ui-measurements.json, which `BENCH_PHASES=sites` reports.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { ARTIFACTS_DIR, ROOT } from '../lib/paths';
import { sleep } from '../lib/util';
import type { Workbench } from '../lib/workbench';
import { eventually } from './explorer-steps';
import { givePassword } from './fxp-steps';

export const timeoutMs = 300_000;

/** Filled in by prepare(): the site points at the server started there. */
export const settings: Record<string, unknown> = {};

const FOLDERS = { many: 10_000, few: 300 } as const;
let server: TestServer;

export async function prepare(): Promise<void> {
  server = await startTestServer();
  for (const [folder, count] of Object.entries(FOLDERS)) {
    mkdirSync(path.join(server.root, folder));
    for (let i = 0; i < count; i++) writeFileSync(path.join(server.root, folder, `f${String(i).padStart(5, '0')}.txt`), `file ${i}\n`);
  }
  settings['ferry.sites'] = [{ id: 'ui-large', name: 'UI Large', host: '127.0.0.1', port: server.port, user: TEST_USER, tls: 'none', dataMode: 'passive' }];
}

/** The pid of the extension host this run started: a descendant of this process whose command line says so. */
function extensionHostPid(): number {
  const parents = new Map<number, number>();
  const hosts: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('extensionHost')) hosts.push(Number(entry));
    } catch {
      // The process ended while the table was read.
    }
  }
  const descends = (pid: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  const mine = hosts.filter(descends);
  const below = [...parents.keys()].filter((pid) => pid !== process.pid && descends(pid)).map((pid) => {
    try {
      return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`;
    } catch {
      return `${pid}: (ended)`;
    }
  });
  assert.equal(mine.length, 1, `one extension host below this run; the processes below it:\n${below.join('\n')}`);
  return mine[0];
}

/** Resident memory of `pid` in MB. */
function residentMB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 102.4) / 10;
}

/** A tree to measure: Ferry's Sites view, or the fixture that shows what VS Code alone takes for the same rows. */
interface MeasuredView {
  activity: string;
  /** The folder rows' names for 10 000 and 300 entries, and the first row inside either. */
  many: string;
  few: string;
  firstRow: RegExp;
  /** Makes the next expansion fetch the rows again (a collapsed folder otherwise keeps them). */
  refresh(wb: Workbench): Promise<void>;
}

const FERRY_VIEW: MeasuredView = {
  activity: 'Ferry',
  many: 'many',
  few: 'few',
  firstRow: /^f00000\.txt/,
  // Refresh drops the cached listing, so the next expansion lists again, as a user's Refresh would.
  refresh: (wb) => wb.runCommand('Ferry: Refresh'),
};

const FLOOR_VIEW: MeasuredView = {
  activity: 'Tree Floor',
  many: 'floor-many',
  few: 'floor-few',
  firstRow: /^g00000\.txt/,
  refresh: async (wb) => {
    const listed = async () => Number(/listed (\d+)/.exec((await (await wb.treeItem(/^floor-many\b/)).getAttribute('aria-label')) ?? '')?.[1]);
    const before = await listed();
    await wb.runCommand('Tree Floor: Refresh');
    // The fixture's folder row says how often it made its rows; the check that follows the next expansion needs a fresh count.
    await eventually('the fixture redrew its folders', async () => ((await listed()) === before ? undefined : true)).catch(() => undefined);
  },
};

/**
 * Expands `folder` by its twistie: ms until its first row is on screen, and until the tree holds all `rows` of it
 * (the rows' aria-setsize: Ferry hands a long folder's first rows over first, the rest right after).
 */
async function expandMs(wb: Workbench, view: MeasuredView, folder: string, rows: number): Promise<{ first: number; all: number }> {
  const row = await wb.treeItem(new RegExp(`^${folder}\\b`));
  const started = Date.now();
  await row.locator('.monaco-tl-twistie').click();
  const firstRow = await wb.treeItem(view.firstRow, { timeoutMs: 60_000 });
  const first = Date.now() - started;
  await eventually(`the tree holds the folder's ${rows} rows`, async () => ((await firstRow.getAttribute('aria-setsize')) === String(rows) ? true : undefined), 60_000);
  return { first, all: Date.now() - started };
}

async function collapse(wb: Workbench, view: MeasuredView, folder: string): Promise<void> {
  await (await wb.treeItem(new RegExp(`^${folder}\\b`))).locator('.monaco-tl-twistie').click();
  await eventually('the folder collapsed', async () => ((await wb.page.getByRole('treeitem', { name: view.firstRow }).count()) === 0 ? true : undefined));
}

/** Three expansions of the 10 000-entry folder, each after a refresh, and the host's resident memory around them. */
async function expandManyThrice(wb: Workbench, view: MeasuredView, host: number): Promise<Record<string, number | number[]>> {
  await wb.openActivity(view.activity);
  const rssBeforeMB = residentMB(host);
  const times: number[] = [];
  const allTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { first, all } = await expandMs(wb, view, view.many, 10_000);
    times.push(first);
    allTimes.push(all);
    // Let the rest of the rows arrive before the folder closes again.
    await sleep(2000);
    await collapse(wb, view, view.many);
    await wb.page.keyboard.press('Escape');
    await view.refresh(wb);
  }
  const rssAfterMB = residentMB(host);
  return { manyFirstRowsMs: times, manyAllRowsMs: allTimes, rssBeforeMB, rssAfterMB, rssGrowthMB: Math.round((rssAfterMB - rssBeforeMB) * 10) / 10 };
}

export const extensions = [path.join(ROOT, 'test', 'vscode', 'fixtures', 'tree-floor')];

export default async function sitesLargeFolder(wb: Workbench): Promise<void> {
  wb.cleanup(() => server.stop());
  const numbers: Record<string, unknown> = {};

  await wb.step('site', async () => {
    await wb.openActivity('Ferry');
    await (await wb.treeItem(/^UI Large/)).click();
    await givePassword(wb, TEST_PASSWORD);
    await wb.treeItem(/^many\b/, { timeoutMs: 30_000 });
  });

  const host = extensionHostPid();
  // Ferry first, so the renderer's first use of a large tree (it is slower) falls on Ferry's numbers, not the floor's.
  await wb.step('few', async () => {
    numbers.fewFirstRowsMs = (await expandMs(wb, FERRY_VIEW, 'few', 300)).first;
    await collapse(wb, FERRY_VIEW, 'few');
  });
  await wb.step('floor-few', async () => {
    await wb.openActivity(FLOOR_VIEW.activity);
    numbers.floor = { fewFirstRowsMs: (await expandMs(wb, FLOOR_VIEW, FLOOR_VIEW.few, 300)).first };
    await collapse(wb, FLOOR_VIEW, FLOOR_VIEW.few);
  });
  await wb.step('many-thrice', async () => Object.assign(numbers, await expandManyThrice(wb, FERRY_VIEW, host)));
  await wb.step('floor-many-thrice', async () => {
    Object.assign(numbers.floor as object, await expandManyThrice(wb, FLOOR_VIEW, host));
    // Each of the fixture's expansions made its rows again, as each of Ferry's listed again: the same work on both sides.
    const label = (await (await wb.treeItem(/^floor-many\b/)).getAttribute('aria-label')) ?? '';
    assert.match(label, /listed 3\b/, `the fixture's folder was filled once per expansion (its row: "${label}")`);
  });
  numbers.rssPeakMB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${host}/status`, 'utf8'))?.[1]) / 102.4) / 10;

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, 'sites-ui-measurements.json'), JSON.stringify(numbers, null, 2));
  wb.log(`[sites ui] ${JSON.stringify(numbers)}`);
}
