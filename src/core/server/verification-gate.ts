/**
 * Admission control for password verifications. scrypt runs in libuv's thread pool, the same
 * UV_THREADPOOL_SIZE threads (4 unless the environment says otherwise; nothing in Ferry sets it)
 * that run every asynchronous file operation. Forty connections guessing passwords kept all four
 * busy and a logged-in user's MLST waited behind them (0.7 ms → 984 ms median, issue 12). So only
 * a quarter of the pool (at least one thread) may verify at a time; the rest is always free for
 * file work. Waiting verifications are taken in turn per source address, so a user from another
 * address waits for at most one verification per busy source, not for a guesser's whole backlog.
 */

/** Threads of libuv's pool: libuv reads UV_THREADPOOL_SIZE once, when the pool first starts. */
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** Verifications allowed to run at once. */
export const VERIFICATION_SLOTS = Math.max(1, Math.floor(POOL_SIZE / 4));
/** Waiting verifications per source before further ones are refused (a burst of logins from one NAT still fits). */
const MAX_WAITING_PER_SOURCE = 16;
/** Waiting verifications in all: at ~60 ms each about 15 s of work, the longest anyone should wait. */
const MAX_WAITING = 256;

/** The queue is full: the login is refused without checking the password. */
export class VerificationBusyError extends Error {
  constructor(waiting: number) {
    super(`Too many logins are waiting for their password check (${waiting}); try again later.`);
    this.name = 'VerificationBusyError';
  }
}

interface Waiter {
  start(): void;
}

/** Runs tasks at most `slots` at a time, queued fairly by source, with bounded queues. */
export class VerificationGate {
  private running = 0;
  private waiting = 0;
  /** Source → its waiting tasks; Map order is the round-robin order. */
  private readonly queues = new Map<string, Waiter[]>();

  constructor(
    private readonly slots = VERIFICATION_SLOTS,
    private readonly maxWaitingPerSource = MAX_WAITING_PER_SOURCE,
    private readonly maxWaiting = MAX_WAITING,
  ) {}

  /** Verifications waiting for a slot now (tests and diagnostics). */
  get queued(): number {
    return this.waiting;
  }

  /** Runs `task` when a slot is free; rejects at once with VerificationBusyError when the queue is full. */
  async run<T>(source: string, task: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await this.enqueue(source);
    else this.running++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private enqueue(source: string): Promise<void> {
    const queue = this.queues.get(source) ?? [];
    if (queue.length >= this.maxWaitingPerSource || this.waiting >= this.maxWaiting) {
      return Promise.reject(new VerificationBusyError(this.waiting));
    }
    if (queue.length === 0) this.queues.set(source, queue);
    this.waiting++;
    return new Promise((resolve) => queue.push({ start: resolve }));
  }

  /** Hands the freed slot to the next source in turn (the slot stays counted as running). */
  private release(): void {
    const next = this.queues.entries().next();
    if (next.done) {
      this.running--;
      return;
    }
    const [source, queue] = next.value;
    const waiter = queue.shift()!;
    this.queues.delete(source);
    if (queue.length > 0) this.queues.set(source, queue);
    this.waiting--;
    waiter.start();
  }
}

/** The process's gate: the thread pool is per process, so every server in it shares one. */
export const verificationGate = new VerificationGate();
