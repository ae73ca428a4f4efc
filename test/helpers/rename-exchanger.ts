import { spawn, spawnSync } from 'node:child_process';

/**
 * renameat2(RENAME_EXCHANGE) of two paths, from another process, as an attacker with write
 * access to the served tree would run it: one atomic swap, or a loop of them. Python reaches
 * the glibc call through ctypes; Node has no renameat2.
 */
const SCRIPT = `
import ctypes, signal, sys, time
stopped = []
signal.signal(signal.SIGTERM, lambda *_: stopped.append(1))
libc = ctypes.CDLL(None, use_errno=True)
a, b, seconds = sys.argv[1].encode(), sys.argv[2].encode(), float(sys.argv[3])
def swap():
    if libc.renameat2(-100, a, -100, b, 2) != 0:
        sys.exit('renameat2: errno %d' % ctypes.get_errno())
count, end = 0, time.monotonic() + seconds
swap(); count += 1
print('started', flush=True)
while seconds > 0 and not stopped and time.monotonic() < end:
    swap(); count += 1
if count % 2: swap(); count += 1
print(count, flush=True)
`;

/** Swaps `a` and `b` once. */
export function exchangeOnce(a: string, b: string): void {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT.replace('if count % 2: swap(); count += 1\n', ''), a, b, '0'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`rename exchange failed: ${r.stderr}`);
}

/**
 * Swaps `a` and `b` again and again for at most `seconds` (an even number of times, so they end
 * as they started); resolves when the loop runs, and `stop` ends it with the number of swaps.
 */
export async function exchangeLoop(a: string, b: string, seconds: number): Promise<{ stop(): Promise<number> }> {
  const child = spawn('/usr/bin/python3', ['-c', SCRIPT, a, b, String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim().split('\n').pop())) : reject(new Error(`exchanger: ${err || code}`)))),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('started') && resolve());
    exited.catch(reject);
  });
  return { stop: () => (child.kill('SIGTERM'), exited) };
}
