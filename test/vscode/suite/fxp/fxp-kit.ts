/**
 * Shared setup of the FXP extension-host suites: Ferry test servers as saved sites, a queue controller on a
 * private queue file (passwords from the test, as SecretStorage would give them), files with known sha256,
 * and bounded waiting for job states.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CopyJob, JobState, SiteRef } from '../../../../src/core/fxp';
import type { Tunables } from '../../../../src/core/server';
import type { Logger } from '../../../../src/vscode/explorer/model/log';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { SiteConfig, toSiteSettings } from '../../../../src/vscode/explorer/model/site-config';
import { siteRefOf } from '../../../../src/vscode/fxp/model/site-ref';
import { QueueController } from '../../../../src/vscode/fxp/queue-controller';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { eventually } from '../../../helpers/polling';

export { eventually };

/** A Ferry test server saved as a site of the test (not in the user's settings). */
export interface TestSite {
  server: TestServer;
  site: SiteConfig;
  ref: SiteRef;
  /** Where a remote path is on the server's disk. */
  disk(remotePath: string): string;
}

/**
 * On loopback every server sees the client and the other server at 127.0.0.1, so bounce protection (allow_fxp =
 * NO) never refuses anything. Servers that must refuse FXP listen on other loopback addresses: Ferry binds its
 * active data connections to its control address, so the other server's data connection comes from a foreign
 * address there, as across a real network.
 */
export const RELAY_SOURCE_HOST = '127.0.0.2';
export const STRICT_HOST = '127.0.0.3';

export async function startSite(id: string, tunables: Partial<Tunables>, host = '127.0.0.1'): Promise<TestSite> {
  // A refused passive connection is given up after accept_timeout: keep that short, the relay follows.
  const server = await startTestServer({ tunables: { listen_address: host, accept_timeout: 5, ...tunables } });
  const site: SiteConfig = { id, name: `FXP ${id}`, host, port: server.port, user: TEST_USER, tls: 'none', dataMode: 'passive' };
  return { server, site, ref: siteRefOf(site), disk: (p) => path.join(server.root, ...p.split('/').filter(Boolean)) };
}

/** Log lines of a controller, kept for failure messages. */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** The bundled queue process, as the extension runs it. */
export const QUEUE_CHILD = path.join(vscode.extensions.getExtension('ferry-dev.ferry')!.extensionPath, 'dist', 'queue-child.js');

/** A controller on `file` (default: a fresh temporary queue file) with the test's password; `revealed` records reveal requests. */
export async function openController(file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-fxp-queue-')), 'fxp-queue.json'), passwordFor = async (_site: SiteRef): Promise<string | undefined> => TEST_PASSWORD) {
  const revealed: { site: SiteRef; path: string }[] = [];
  const log = memoryLog();
  const controller = await QueueController.open({
    file,
    script: QUEUE_CHILD,
    passwordFor,
    reveal: async (site, p) => void revealed.push({ site, path: p }),
    log,
  });
  return { controller, file, revealed, log };
}

/** The explorer's remote file system over test sites (the drop handler lists and renames through it). */
export function remoteFsOf(sites: TestSite[]): RemoteFs {
  const settings = (siteId: string) => {
    const found = sites.find((s) => s.site.id === siteId);
    assert.ok(found, `no test site ${siteId}`);
    return Promise.resolve(toSiteSettings(found.site, TEST_PASSWORD));
  };
  return new RemoteFs(new SiteClients(settings), () => 0);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Writes `size` random bytes (parents created); returns their sha256. */
export function writeRandom(file: string, size: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const bytes = randomBytes(size);
  writeFileSync(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file below `dir` as relative path → sha256 (dot-files included). */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = sha256(path.join(dir, rel));
    }
  };
  walk('');
  return out;
}

/** Waits until every job of `ids` is in one of `states`; fails with the jobs and the log otherwise. */
export function jobsIn(controller: QueueController, ids: string[], states: JobState[], timeoutMs = 30_000, log?: { lines: string[] }): Promise<CopyJob[]> {
  const pick = () => controller.snapshot().jobs.filter((j) => ids.includes(j.id));
  return eventually(
    `jobs in ${states.join('/')}`,
    () => {
      const jobs = pick();
      return jobs.length === ids.length && jobs.every((j) => states.includes(j.state)) ? jobs : undefined;
    },
    timeoutMs,
  ).catch((err: Error) => {
    const detail = pick().map((j) => JSON.stringify({ ...j, source: j.source.path, target: j.target.path }));
    throw new Error(`${err.message}\n${detail.join('\n')}\n${(log?.lines ?? []).slice(-30).join('\n')}`);
  });
}

/** Replaces vscode.window.showQuickPick for a test: `answer` picks from the items (undefined = Escape). */
export function stubQuickPick(answer: (items: vscode.QuickPickItem[], options: vscode.QuickPickOptions | undefined) => vscode.QuickPickItem | undefined) {
  const window = vscode.window as unknown as Record<string, unknown>;
  const original = window.showQuickPick;
  const calls: { title?: string; labels: string[] }[] = [];
  window.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
    const resolved = [...(await items)];
    calls.push({ title: options?.title, labels: resolved.map((i) => i.label) });
    return answer(resolved, options);
  };
  return { calls, restore: () => (window.showQuickPick = original) };
}
