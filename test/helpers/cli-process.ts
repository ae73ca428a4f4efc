import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { run, RunResult } from './processes';

/** The compiled CLI (out/src/cli.js); tests run after `tsc -p .`. */
export const CLI = path.resolve(__dirname, '..', '..', 'src', 'cli.js');

/** Runs the CLI to completion (hash-password, failing serve invocations). */
export function runCli(args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { timeoutMs: 30_000, ...options });
}

/** A long-running CLI process (ferry serve) whose output can be awaited line by line. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private listeners: (() => void)[] = [];
  /** Set when the process has exited and its output is complete. */
  private closed = false;

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => this.onOutput(() => (this.stdout += d)));
    this.child.stderr!.on('data', (d) => this.onOutput(() => (this.stderr += d)));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.closed = true;
        resolve({ code, signal });
        this.listeners.forEach((l) => l());
      }),
    );
  }

  private onOutput(append: () => void): void {
    append();
    this.listeners.forEach((l) => l());
  }

  /** Waits until stdout matches `pattern` (fails on exit or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(this.stdout);
        if (m) return done(() => resolve(m));
        if (this.closed) done(() => reject(new Error(`exited before ${pattern}: ${this.stdout}${this.stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${this.stdout}${this.stderr}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        settle();
      };
      this.listeners.push(check);
      check();
    });
  }

  /** The port from "listening on ftp://127.0.0.1:PORT". */
  async port(): Promise<number> {
    const m = await this.waitFor(/listening on ftp:\/\/127\.0\.0\.1:(\d+)/);
    return Number(m[1]);
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Kills the process if it still runs (test cleanup). */
  async stop(): Promise<void> {
    if (!this.closed) this.child.kill('SIGKILL');
    await this.exited;
  }
}
