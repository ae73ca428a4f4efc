import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CopyJob } from '../../../src/core/fxp';
import type { SiteRef } from '../../../src/core/fxp/job';
import { CLI } from '../../helpers/cli-process';
import { TestServer, TEST_USER } from '../../helpers/ferry-server';
import { run, RunResult } from '../../helpers/processes';

/** Shared by the queue suites: sites, waiting, the CLI and small node scripts as second processes, server-side counts. */

export const site = (port: number): SiteRef => ({ host: '127.0.0.1', port, user: TEST_USER });
/** A job between two sites nothing listens on: for what the queue does without running it. */
export const idleSpec = (name: string) => ({ source: { site: site(1), path: name }, target: { site: site(2), path: name } });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** ftp://tester@127.0.0.1:PORT/PATH (no password: FERRY_PASSWORD supplies it). */
export const url = (port: number, file: string) => `ftp://${TEST_USER}@127.0.0.1:${port}/${file}`;

/** `ferry queue ACTION ... --queue FILE` in its own process, to completion. */
export function queueCli(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, 'queue', ...args, '--queue', file], { env, timeoutMs: 60_000 });
}

/** The compiled queue module, for scripts run by another node process. */
export const FXP_MODULE = path.resolve(__dirname, '..', '..', '..', 'src', 'core', 'fxp');

/**
 * Runs `body` in a separate node process with `queue` opened on `file` (an async function body;
 * `TransferQueue` is in scope). Whatever it prints comes back in stdout.
 */
export function queueScript(file: string, body: string): Promise<RunResult> {
  const script = `const { TransferQueue } = require(${JSON.stringify(FXP_MODULE)});
(async () => {
  const queue = await TransferQueue.open({ file: ${JSON.stringify(file)} });
  ${body}
  await queue.flush();
  queue.close();
})().catch((err) => { console.error(err); process.exitCode = 1; });`;
  return run(process.execPath, ['-e', script], { timeoutMs: 60_000 });
}

/** The queue file as on disk. */
export function readQueue(file: string): { version: number; jobs: CopyJob[]; removed: Record<string, string>; groups: unknown[] } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Counts what a Ferry server was asked to transfer (RETR, STOR) per path, and its REST offsets, in order. */
export function watchTransfers(server: TestServer): { started: { command: string; path: string }[]; count(command: string, file: string): number; rests: number[] } {
  const started: { command: string; path: string }[] = [];
  const rests: number[] = [];
  server.server.on('transfer-start', (t) => started.push({ command: t.command, path: t.path.replace(/^\//, '') }));
  server.server.on('log', (line) => {
    const m = /> REST (\d+)/.exec(line);
    if (m) rests.push(Number(m[1]));
  });
  return { started, rests, count: (command, file) => started.filter((s) => s.command === command && s.path === file).length };
}
