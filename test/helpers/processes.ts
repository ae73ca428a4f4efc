import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with a hard time limit; never rejects on a non-zero exit (tests assert on it). */
export function run(cmd: string, args: string[], options: { input?: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** curl with the options every test wants: silent, errors shown, bounded time. */
export function curl(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return run('curl', ['-sS', '--max-time', String(Math.ceil(timeoutMs / 1000)), ...args], { timeoutMs: timeoutMs + 5000 });
}

/** lftp with fail-exit and bounded retries; `commands` run after `open`. */
export function lftp(port: number, commands: string, settings = '', user = 'tester,secret'): Promise<RunResult> {
  const script = `set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; set ftp:ssl-allow no; ${settings} open -u ${user} -p ${port} 127.0.0.1; ${commands}`;
  return run('lftp', ['-c', script], { timeoutMs: 60_000 });
}

/** Runs a Python 3 script (ftplib) given on stdin; its stdout is returned. Uses Debian's python3. */
export function python(script: string, timeoutMs = 60_000): Promise<RunResult> {
  return run('/usr/bin/python3', ['-'], { input: script, timeoutMs });
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
