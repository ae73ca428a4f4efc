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
import { ARTIFACTS_DIR } from '../lib/paths';
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

/** Expands `folder` by its twistie; ms until its first row is on screen. */
async function expandMs(wb: Workbench, folder: string): Promise<number> {
  const row = await wb.treeItem(new RegExp(`^${folder}\\b`));
  const started = Date.now();
  await row.locator('.monaco-tl-twistie').click();
  await wb.treeItem(/^f00000\.txt/, { timeoutMs: 60_000 });
  return Date.now() - started;
}

async function collapse(wb: Workbench, folder: string): Promise<void> {
  await (await wb.treeItem(new RegExp(`^${folder}\\b`))).locator('.monaco-tl-twistie').click();
  await eventually('the folder collapsed', async () => ((await wb.page.getByRole('treeitem', { name: /^f00000\.txt/ }).count()) === 0 ? true : undefined));
}

export default async function sitesLargeFolder(wb: Workbench): Promise<void> {
  wb.cleanup(() => server.stop());
  const numbers: Record<string, number | number[]> = {};

  await wb.step('site', async () => {
    await wb.openActivity('Ferry');
    await (await wb.treeItem(/^UI Large/)).click();
    await givePassword(wb, TEST_PASSWORD);
    await wb.treeItem(/^many\b/, { timeoutMs: 30_000 });
  });

  const host = extensionHostPid();
  await wb.step('few', async () => {
    numbers.fewFirstRowsMs = await expandMs(wb, 'few');
    await collapse(wb, 'few');
  });

  await wb.step('many-twice', async () => {
    numbers.rssBeforeMB = residentMB(host);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      times.push(await expandMs(wb, 'many'));
      // Let the rest of the rows arrive before the folder closes again.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await collapse(wb, 'many');
      // Refresh drops the cached listing, so the second expansion lists again, as a user's Refresh would.
      await wb.page.keyboard.press('Escape');
      await wb.runCommand('Ferry: Refresh');
    }
    numbers.manyFirstRowsMs = times;
    numbers.rssAfterMB = residentMB(host);
    numbers.rssPeakMB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${host}/status`, 'utf8'))?.[1]) / 102.4) / 10;
    numbers.rssGrowthMB = Math.round(((numbers.rssAfterMB as number) - (numbers.rssBeforeMB as number)) * 10) / 10;
  });

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, 'sites-ui-measurements.json'), JSON.stringify(numbers, null, 2));
  wb.log(`[sites ui] ${JSON.stringify(numbers)}`);
}
