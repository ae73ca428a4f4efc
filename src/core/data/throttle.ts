/**
 * A token bucket measured in bytes. `take` never refuses: it lets the balance go negative
 * and returns how long the caller must wait to pay the debt, which keeps the long-run
 * rate exact even when chunks are larger than the bucket.
 */
export class TokenBucket {
  private tokens: number;
  private last = process.hrtime.bigint();
  private readonly capacity: number;

  /** @param rate bytes per second (0 = unlimited). Burst is a tenth of a second's worth. */
  constructor(readonly rate: number) {
    this.capacity = Math.max(rate / 10, 1);
    this.tokens = 0;
  }

  /** Spends `bytes`; returns the milliseconds to wait before sending more (0 = go on). */
  take(bytes: number): number {
    if (this.rate <= 0) return 0;
    const now = process.hrtime.bigint();
    const elapsed = Number(now - this.last) / 1e9;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate) - bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }
}

/** Chunk size that keeps a throttled stream smooth: about a tenth of a second of data. */
export function throttledChunkSize(rates: number[], max: number): number {
  const limits = rates.filter((r) => r > 0);
  if (limits.length === 0) return max;
  return Math.max(1024, Math.min(max, Math.floor(Math.min(...limits) / 10)));
}

/** Waits as long as the slowest of several buckets demands after spending `bytes` in each. */
export function takeFromAll(buckets: (TokenBucket | undefined)[], bytes: number): number {
  let wait = 0;
  for (const bucket of buckets) if (bucket) wait = Math.max(wait, bucket.take(bytes));
  return wait;
}
