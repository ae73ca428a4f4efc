/** Progress of one transfer, as every transfer reports it. */
export interface TransferProgress {
  /** Bytes moved in this transfer (not counting a resumed prefix). */
  bytes: number;
  /** Bytes already present before this transfer (resume offset). */
  offset: number;
  /** Total size when known. */
  total?: number;
  /** Bytes per second over the last second or so. */
  rate: number;
  elapsedMs: number;
}

export type ProgressListener = (progress: TransferProgress) => void;

/**
 * Turns raw byte counts into progress events with a smoothed rate, at most ten per second
 * plus a final one, so listeners (status bars, terminals) are never flooded.
 */
export class ProgressMeter {
  private readonly started = Date.now();
  private lastEmit = 0;
  private windowStart = Date.now();
  private windowBytes = 0;
  private rate = 0;
  bytes = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    /** Bytes present before this transfer; settable once the resume offset is known. */
    public offset = 0,
    private readonly total?: number,
  ) {}

  update(bytes: number): void {
    this.bytes = bytes;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.rate = ((bytes - this.windowBytes) * 1000) / (now - this.windowStart);
      this.windowStart = now;
      this.windowBytes = bytes;
    }
    if (this.listener && now - this.lastEmit >= 100) {
      this.lastEmit = now;
      this.emit(now);
    }
  }

  finish(): void {
    const now = Date.now();
    this.rate = (this.bytes * 1000) / Math.max(1, now - this.started);
    this.emit(now);
  }

  private emit(now: number): void {
    this.listener?.({ bytes: this.bytes, offset: this.offset, total: this.total, rate: this.rate, elapsedMs: now - this.started });
  }
}
