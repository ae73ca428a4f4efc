/**
 * Measurements of the Sites view's rows inside the extension host (issue #16, "Large folders"), for
 * `npm run bench` (bench/sites-bench.ts): a folder of 10 000 files and one of 300 on `ferry serve` in a process
 * of its own, expanded as VS Code expands a row (getChildren on the folder's node, then getTreeItem for every
 * row it returns, and again for the redraw that brings the rest of a long folder), timed from the call to the
 * first rows' last item and to the last item of all; and the heap the extension host keeps for them (the
 * listing cache, the tree's nodes and the TreeItems VS Code holds on to), read after a full garbage collection.
 * Every run starts with a fresh tree over a connected site, so the time includes the listing on the wire.
 * Numbers go to test-artifacts/sites-measurements.json; FERRY_SITES_MEASURE_RUNS sets the runs (default 5).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { SiteConfig, toSiteSettings } from '../../../../src/vscode/explorer/model/site-config';
import type { EntryNode } from '../../../../src/vscode/explorer/nodes';
import { FIRST_ROWS, SitesTree } from '../../../../src/vscode/explorer/sites-tree';
import type { SiteStore } from '../../../../src/vscode/explorer/site-store';
import { CliProcess } from '../../../helpers/cli-process';
import { TEST_PASSWORD, TEST_USER } from '../../../helpers/ferry-server';
import { ARTIFACTS_DIR } from '../../lib/paths';

const RUNS = Number(process.env.FERRY_SITES_MEASURE_RUNS) || 5;
const FOLDERS = { many: 10_000, few: 300 } as const;

/** A full collection (the extension host runs without --expose-gc: V8 is asked for the function). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The heap in use after a full collection, in bytes. */
function settledHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A store of one site, as the tree reads it (the real one needs the extension's SecretStorage). */
function oneSiteStore(site: SiteConfig): SiteStore {
  return { get: (id: string) => (id === site.id ? site : undefined), sites: () => [site], onDidChange: () => ({ dispose: () => undefined }) } as unknown as SiteStore;
}

/**
 * One expansion of `folder` on a fresh tree: ms to the first rows' TreeItems (what VS Code gets when the folder
 * opens) and to every row's (after the redraw the tree asks for when it handed out only the first rows), and the
 * heap kept with them.
 */
async function expand(site: SiteConfig, folder: string, files: number, gc: () => void): Promise<{ firstMs: number; ms: number; keptBytes: number }> {
  const clients = new SiteClients(async () => toSiteSettings(site, TEST_PASSWORD));
  const fs = new RemoteFs(clients, () => 60_000);
  const tree = new SitesTree(oneSiteStore(site), clients, fs);
  try {
    await clients.connected(site.id);
    const node: EntryNode = { kind: 'entry', location: { siteId: site.id, path: folder }, entry: { name: folder.slice(1), path: folder, type: 'directory', size: 0 } };
    const before = settledHeap(gc);
    const redrawn = new Promise<void>((resolve) => tree.onDidChangeTreeData((changed) => changed === node && resolve()));
    const started = performance.now();
    const first = await tree.getChildren(node);
    first.forEach((row) => tree.getTreeItem(row));
    const firstMs = performance.now() - started;
    assert.equal(first.length, Math.min(files, FIRST_ROWS));
    if (files > FIRST_ROWS) await redrawn;
    const rows = files > FIRST_ROWS ? await tree.getChildren(node) : first;
    const items = rows.map((row) => tree.getTreeItem(row));
    const ms = performance.now() - started;
    assert.equal(items.length, files);
    assert.equal(items[0].label, 'f00000.txt');
    const keptBytes = settledHeap(gc) - before;
    // Still used here, so the collection above could not take them.
    assert.equal(items.length + rows.length, 2 * files);
    return { firstMs, ms, keptBytes };
  } finally {
    tree.dispose();
    clients.dispose();
  }
}

describe('explorer: Sites view measurements in the extension host', function () {
  this.timeout(600_000);
  let server: CliProcess;
  let root: string;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ferry-sites-measure-'));
    for (const [folder, count] of Object.entries(FOLDERS)) {
      mkdirSync(path.join(root, folder));
      for (let i = 0; i < count; i++) writeFileSync(path.join(root, folder, `f${String(i).padStart(5, '0')}.txt`), `file ${i}\n`);
    }
    server = new CliProcess(['serve', root, '--host', '127.0.0.1', '--port', '0', '--user', `${TEST_USER}:${TEST_PASSWORD}`, '--quiet'], root);
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`expands folders of ${FOLDERS.many} and ${FOLDERS.few} files ${RUNS} times`, async () => {
    const port = Number((await server.waitFor(/listening on ftp:\/\/[\d.]+:(\d+)/))[1]);
    const site: SiteConfig = { id: 'measure-sites', name: 'Measure', host: '127.0.0.1', port, user: TEST_USER, tls: 'none', dataMode: 'passive' };
    const gc = collector();
    const results: Record<string, { firstMs: number[]; ms: number[]; keptMB: number[] }> = {};
    for (let run = 0; run < RUNS; run++) {
      for (const [folder, count] of Object.entries(FOLDERS)) {
        const { firstMs, ms, keptBytes } = await expand(site, `/${folder}`, count, gc);
        const r = (results[String(count)] ??= { firstMs: [], ms: [], keptMB: [] });
        r.firstMs.push(Math.round(firstMs * 10) / 10);
        r.ms.push(Math.round(ms * 10) / 10);
        r.keptMB.push(Math.round(keptBytes / 1e4) / 100);
      }
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const numbers = { runs: RUNS, vscode: vscode.version, node: process.version, at: new Date().toISOString(), results };
    writeFileSync(path.join(ARTIFACTS_DIR, 'sites-measurements.json'), JSON.stringify(numbers, null, 2));
    console.log(`[sites measure] ${JSON.stringify(numbers)}`);
  });
});
