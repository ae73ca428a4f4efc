import { tlsFailureWords } from './tls-errors';
import { abortedError, DataConnectionError, DataSocket, stalledError, TransferControl } from './transfer-control';

/**
 * Watches a data socket for the things that end a transfer from outside: abort (ABOR), an
 * idle data connection, the peer closing or erroring. `guard(p)` waits for `p` unless one of
 * them happens first; only one guard waits at a time, so nothing accumulates per chunk.
 */
export class SocketWatch {
  failure?: DataConnectionError;
  private reject?: (err: Error) => void;
  private readonly onFailure: ((err: DataConnectionError) => void)[] = [];
  private readonly dispose: () => void;

  constructor(
    private readonly socket: DataSocket,
    private readonly ctl: TransferControl,
  ) {
    const onAbort = () => this.fail(abortedError());
    const onTimeout = () => this.fail(stalledError(ctl));
    // Plain words: a TLS data socket's error message is OpenSSL's internal text (tls-errors.ts).
    const onError = (err: Error) => this.fail(new DataConnectionError(`Data connection failed: ${tlsFailureWords(err)}.`));
    const onClose = () => this.fail(new DataConnectionError('Data connection closed before the transfer finished.'));
    ctl.signal.addEventListener('abort', onAbort);
    if (ctl.idleTimeoutMs > 0) socket.setTimeout(ctl.idleTimeoutMs);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('close', onClose);
    this.dispose = () => {
      ctl.signal.removeEventListener('abort', onAbort);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    if (ctl.signal.aborted) onAbort();
  }

  /**
   * Suspends the idle watchdog while this side deliberately waits (a rate limit): the peer is
   * not stalling then, and idle_data_timeout must not fire on a slow but configured rate.
   */
  holdIdle(): void {
    if (this.ctl.idleTimeoutMs > 0) this.socket.setTimeout(0);
  }

  resumeIdle(): void {
    if (this.ctl.idleTimeoutMs > 0) this.socket.setTimeout(this.ctl.idleTimeoutMs);
  }

  /** Registers a callback for the first failure (called at once if it already happened). */
  whenFailed(callback: (err: DataConnectionError) => void): void {
    if (this.failure) callback(this.failure);
    else this.onFailure.push(callback);
  }

  private fail(err: DataConnectionError): void {
    if (this.failure) return;
    this.failure = err;
    const reject = this.reject;
    this.reject = undefined;
    reject?.(err);
    for (const callback of this.onFailure.splice(0)) callback(err);
  }

  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.reject = reject;
      promise.then(
        (value) => {
          if (this.reject === reject) this.reject = undefined;
          resolve(value);
        },
        (err: unknown) => {
          if (this.reject === reject) this.reject = undefined;
          reject(err);
        },
      );
    });
  }

  close(): void {
    this.dispose();
  }
}

/**
 * Half-closes a data socket after the last byte, until the kernel has taken it. An abort, the
 * peer closing or a write that failed (end()'s callback reports it) mean the transfer is not
 * complete.
 */
export function endSocket(socket: DataSocket, watch: SocketWatch): Promise<void> {
  return watch.guard(new Promise<void>((resolve, reject) => socket.end((err?: Error | null) => (err ? reject(err) : resolve()))));
}
