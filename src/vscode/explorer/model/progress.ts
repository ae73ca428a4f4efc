/** One progress snapshot of a whole batch (one file, a folder, or several of either). */
export interface BatchSnapshot {
  /** Bytes present at the destination, resumed prefixes included. */
  bytes: number;
  /** Bytes expected in total (grows while folder listings arrive). */
  totalBytes: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** 0..1 when the total is known, else undefined. */
  fraction?: number;
}

const RATE_WINDOW_MS = 3000;

/**
 * Adds up the progress of the parts of a batch (each reports its own bytes and total) and
 * measures the rate over a sliding window, so one notification can show the whole transfer.
 */
export class BatchProgress {
  private readonly parts = new Map<number, { bytes: number; total: number }>();
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Sets what part `index` has done out of `total`. */
  update(index: number, bytes: number, total: number): BatchSnapshot {
    this.parts.set(index, { bytes, total: Math.max(total, bytes) });
    return this.snapshot();
  }

  snapshot(): BatchSnapshot {
    let bytes = 0;
    let totalBytes = 0;
    for (const part of this.parts.values()) {
      bytes += part.bytes;
      totalBytes += part.total;
    }
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[1].at >= RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const rate = at > first.at ? ((bytes - first.bytes) * 1000) / (at - first.at) : 0;
    return { bytes, totalBytes, rate: Math.max(0, rate), fraction: totalBytes > 0 ? bytes / totalBytes : undefined };
  }
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "532 B", "1.4 KB", "12 MB" (binary multiples, as VS Code shows sizes). */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}
