/**
 * Small process and timing helpers of the workbench harness. Plain Node, no vscode import: used by the runner
 * (Node 20) and by nothing that runs in the extension host.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds since `t0` with one decimal, for log lines. */
export const secondsSince = (t0: number): string => ((Date.now() - t0) / 1000).toFixed(1);

export class TimeoutError extends Error {}

/** Rejects with a TimeoutError naming `what` when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no result within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the caller retries if someone takes it meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/**
 * Runs a program in its own process group with a hard time limit (the whole group is killed when it is
 * exceeded) and collects stdout and stderr together. Never rejects on a non-zero exit.
 */
export function runProcess(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; echo?: boolean },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) trackedGroups.add(child.pid);
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      if (child.pid !== undefined) trackedGroups.delete(child.pid);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // nothing of a finished step may linger
      if (child.pid !== undefined) trackedGroups.delete(child.pid);
      resolve({ code, signal, output, timedOut });
    });
  });
}

/** Process groups (leader pids) of the children started with `detached: true` that may still have members. */
export const trackedGroups = new Set<number>();

function sweep(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

/** Signals the process group of a child started with `detached: true`. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) sweep(child.pid, signal);
}

/**
 * SIGTERM to the child's group, then SIGKILL after `graceMs` if the child has not exited; resolves once it has
 * (bounded). Helpers the leader started (the extension host, file watchers) may outlive it, so the group is swept
 * with SIGKILL at the end whatever the leader did.
 */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const running = child.exitCode === null && child.signalCode === null;
  if (running) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    if (!(await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]))) {
      killGroup(child, 'SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
  }
  killGroup(child, 'SIGKILL');
  if (child.pid !== undefined) trackedGroups.delete(child.pid);
}

/** Synchronous last resort for process exit paths: SIGKILL every tracked process group. */
export function killAllTracked(): void {
  for (const pgid of trackedGroups) sweep(pgid, 'SIGKILL');
  trackedGroups.clear();
}
