import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Tries `probe` (a fresh connection) up to `attempts` times, `delayMs` apart, until it works.
 * Resolves true once connected, false when every attempt failed or `signal` was aborted.
 */
export async function waitForReconnect(probe: () => Promise<unknown>, options: { attempts: number; delayMs: number; signal?: AbortSignal }): Promise<boolean> {
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (options.signal?.aborted) return false;
    const connected = await probe().then(
      () => true,
      () => false,
    );
    if (connected) return true;
    if (attempt + 1 < options.attempts) await sleep(options.delayMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return false;
}
