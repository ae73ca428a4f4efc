/**
 * Buffers shared by all transfers of the process, by size (file-socket.ts: the downloads'). At most `maxBytes` are
 * kept; all of them are dropped after `idleMs` without use so an idle server holds none.
 * Only whole buffers come back (never views), and only once nothing refers to their bytes.
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private bytes = 0;
  private trimTimer?: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    private readonly idleMs: number,
  ) {}

  take(size: number): Buffer {
    const buffer = this.free.get(size)?.pop();
    if (!buffer) return Buffer.allocUnsafeSlow(size);
    this.bytes -= size;
    return buffer;
  }

  give(buffer: Buffer): void {
    if (this.bytes + buffer.length > this.maxBytes) return;
    let list = this.free.get(buffer.length);
    if (!list) this.free.set(buffer.length, (list = []));
    list.push(buffer);
    this.bytes += buffer.length;
    if (this.trimTimer) this.trimTimer.refresh();
    else {
      this.trimTimer = setTimeout(() => {
        this.free.clear();
        this.bytes = 0;
        this.trimTimer = undefined;
      }, this.idleMs);
      this.trimTimer.unref();
    }
  }
}
