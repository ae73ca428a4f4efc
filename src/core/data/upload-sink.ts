import * as fs from 'node:fs';
import { takeFromAll } from './throttle';
import { SocketWatch } from './socket-watch';
import { DataSocket, TransferControl, writeFailure } from './transfer-control';

/** Upload bytes gathered before a writev: few system calls, and the batch still in the CPU cache (bench/README.md). */
const WRITE_BATCH = 256 * 1024;
/** Bytes received never wait longer than this for their disk write. */
const FLUSH_AFTER_MS = 250;
/** Upload bytes held in memory at most (the socket pauses above this). */
const MAX_BUFFERED_UPLOAD = 8 << 20;

function writevAt(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * One upload on the JavaScript data path: the socket's 64 KiB chunks gathered into positional
 * writev calls of WRITE_BATCH or more while the socket keeps receiving (one write in flight at
 * a time), the socket paused while a rate limit waits or MAX_BUFFERED_UPLOAD is held. Whatever
 * arrived is on disk when it settles, success or not, so an upload can resume.
 */
export class UploadSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private position: number;
  private writing = false;
  private ended = false;
  private failure: Error | undefined;
  private throttled = false;
  private paused = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly watch: SocketWatch;

  private constructor(
    private readonly fd: number,
    private readonly start: number,
    private readonly socket: DataSocket,
    private readonly ctl: TransferControl,
    private readonly resolve: (bytes: number) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.position = start;
    this.watch = new SocketWatch(socket, ctl);
  }

  /** Receives from `socket` into `fd` at `start` until the peer closes its side; resolves with the bytes written. */
  static receive(fd: number, start: number, socket: DataSocket, ctl: TransferControl): Promise<number> {
    return new Promise((resolve, reject) => new UploadSink(fd, start, socket, ctl, resolve, reject).listen());
  }

  private listen(): void {
    const { socket } = this;
    socket.on('data', (data: Buffer) => this.onData(data));
    // An empty stream can have ended before anyone listened: Node emits 'end' on a paused
    // socket with nothing buffered (an empty file or listing sent with 125+226 at once).
    if (socket.readableEnded) this.onEnd();
    else socket.once('end', () => this.onEnd());
    this.watch.whenFailed((err) => {
      if (this.ended) return;
      this.failure ??= err;
      socket.destroy();
      this.flush();
    });
    socket.resume();
  }

  private onData(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    const wait = takeFromAll(this.ctl.buckets, data.length);
    if (wait > 0) {
      this.throttled = true;
      this.pause();
      this.watch.holdIdle();
      setTimeout(() => {
        this.throttled = false;
        this.watch.resumeIdle();
        this.resume();
      }, wait);
    }
    if (this.pendingBytes >= MAX_BUFFERED_UPLOAD) this.pause();
    if (this.pendingBytes >= WRITE_BATCH) this.flush();
    // A slow sender must not keep bytes in memory for long: they belong on disk (a resume
    // starts from what is there) and in the progress the user sees.
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  private onEnd(): void {
    this.ended = true;
    this.flush();
  }

  private pause(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private resume(): void {
    if (this.paused && !this.throttled && !this.failure && this.pendingBytes < MAX_BUFFERED_UPLOAD) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Settles once nothing is being written and nothing that can still be written is held. */
  private finish(): void {
    if (this.writing || (this.pendingBytes > 0 && !this.failure)) return;
    this.watch.close();
    if (this.failure) this.reject(this.failure);
    else if (this.ended) this.resolve(this.position - this.start);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.writing || this.pendingBytes === 0) return this.finish();
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = true;
    writevAt(this.fd, batch, this.position).then(
      (n) => this.written(n),
      (err: Error) => this.writeFailed(err),
    );
  }

  private written(n: number): void {
    this.position += n;
    this.ctl.onProgress(this.position - this.start);
    this.writing = false;
    // Hand what arrived meanwhile to the next write first: the socket then resumes
    // with nothing held back, instead of staying paused through another write.
    if (this.ended || this.failure || this.pendingBytes >= WRITE_BATCH) this.flush();
    this.resume();
  }

  private writeFailed(err: Error): void {
    this.writing = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.failure = writeFailure((err as NodeJS.ErrnoException).code, this.position - this.start, err.message);
    this.socket.destroy();
    this.finish();
  }
}
