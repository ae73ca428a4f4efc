import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { SiteRef } from '../../core/fxp';
import { forkNode } from '../fork-node';
import type { ChildMessage, OpenQueue, ParentMessage, QueueCall, QueueEvent } from './model/queue-ipc';

/** Opening reads the whole queue file (10 000 jobs take a few seconds on a busy machine). */
const OPEN_TIMEOUT_MS = 60_000;
/** Other calls change memory and answer at once; a silent child is stuck. */
const CALL_TIMEOUT_MS = 30_000;
/** A child that does not exit this long after its channel closed is killed. */
const EXIT_GRACE_MS = 5_000;
/** Restarts after a crash wait 1 s, 2 s, 4 s ... up to this. */
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that lived this long crashed for a new reason: the backoff starts over. */
const STABLE_MS = 60_000;

/** The child answered a call with an error (as opposed to dying or not answering). */
export class QueueCallError extends Error {}

export interface CallOptions {
  /** 0: no limit (walks and large drops take as long as they take). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Files found so far by an addFolder call. */
  onFound?: (files: number) => void;
}

interface PendingCall {
  resolve(result: unknown): void;
  reject(err: Error): void;
  onFound?: (files: number) => void;
}

export interface QueueProcessEvents {
  event: [QueueEvent];
  log: ['info' | 'warn' | 'error', string];
  /** A child started (pid); its open call follows. */
  started: [number];
}

export interface QueueProcessOptions {
  /** dist/queue-child.js */
  script: string;
  /** Read at every (re)start: the file and the current settings. */
  open(): OpenQueue;
  passwordFor(site: SiteRef): Promise<string | undefined>;
}

/**
 * The extension host's side of the queue's child process: forks it, opens the queue in it,
 * makes calls (one reply each, with a timeout), answers its password requests and forwards its
 * events. A child that dies is restarted with backoff and opens the file again (its running jobs
 * come back queued and continue); calls made meanwhile wait for it. A child whose open fails
 * (an unreadable file) is not restarted: every call then rejects with that reason.
 */
export class QueueProcess extends EventEmitter<QueueProcessEvents> {
  private child?: ChildProcess;
  private readonly calls = new Map<number, PendingCall>();
  private nextId = 1;
  /** Settles when the current (or coming) child has opened the queue. */
  private gate!: Promise<void>;
  private openGate?: (opened: Promise<void>) => void;
  private restarts = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: QueueProcessOptions) {
    super();
  }

  /** The running child's pid (tests kill it). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Resolves when the queue is open in a child; rejects with the reason it cannot be opened. */
  opened(): Promise<void> {
    return this.gate;
  }

  /** Sends a call once the queue is open; resolves with the child's result. */
  async call<T>(call: QueueCall, options: CallOptions = {}): Promise<T> {
    await this.gate;
    return this.send<T>(call, options);
  }

  /** Forks the child and opens the queue in it (listen to `started` and `event` first). */
  start(): void {
    const { child, stderr } = forkNode(this.options.script, { cwd: path.dirname(this.options.script) });
    this.child = child;
    this.startedAt = Date.now();
    child.on('message', (message: ChildMessage) => this.onMessage(message));
    // A send to a child that just died fails with EPIPE; the exit handler reports that.
    child.on('error', (err) => this.emit('log', 'warn', `queue process: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal, stderr()));
    const opened = this.send<void>({ op: 'open', open: this.options.open() }, { timeoutMs: OPEN_TIMEOUT_MS }).then(() => undefined);
    opened.catch((err: Error) => {
      // The child said why it cannot open the file: restarting would say the same.
      if (err instanceof QueueCallError) this.stop();
    });
    if (this.openGate) this.openGate(opened);
    else this.gate = opened;
    this.openGate = undefined;
    this.gate.catch(() => undefined);
    if (child.pid !== undefined) this.emit('started', child.pid);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (child !== this.child) return;
    this.child = undefined;
    for (const pending of this.calls.values()) pending.reject(new Error('the FXP queue process stopped'));
    this.calls.clear();
    if (this.stopped) {
      if (code !== 0) this.emit('log', 'warn', `the queue process ended (${signal ?? `code ${code}`}) after it was asked to stop${stderr ? `: ${stderr.trim()}` : ''}`);
      return;
    }
    if (Date.now() - this.startedAt > STABLE_MS) this.restarts = 0;
    const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.restarts++);
    this.emit('log', 'error', `the queue process ended (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s${stderr ? `: ${stderr.trim()}` : ''}`);
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    this.gate.catch(() => undefined);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  private send<T>(call: QueueCall, options: CallOptions): Promise<T> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error('the FXP queue process is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
      const timer = timeoutMs > 0 ? setTimeout(() => settle(() => reject(new Error(`the FXP queue process did not answer "${call.op}" within ${timeoutMs / 1000} s`))), timeoutMs) : undefined;
      const onAbort = () => this.post({ type: 'cancel', id });
      const settle = (done: () => void) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.calls.delete(id);
        done();
      };
      this.calls.set(id, { resolve: (r) => settle(() => resolve(r as T)), reject: (e) => settle(() => reject(e)), onFound: options.onFound });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'call', id, call });
    });
  }

  private post(message: ParentMessage): void {
    if (this.child?.connected) this.child.send(message, (err) => err && this.emit('log', 'warn', `queue process: ${err.message}`));
  }

  private onMessage(message: ChildMessage): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.calls.get(message.id);
        if (message.ok) pending?.resolve(message.result);
        else pending?.reject(new QueueCallError(message.error));
        break;
      }
      case 'found':
        this.calls.get(message.id)?.onFound?.(message.files);
        break;
      case 'password':
        void this.options
          .passwordFor(message.site)
          .catch(() => undefined)
          .then((password) => this.post({ type: 'password', id: message.id, password }));
        break;
      case 'event':
        this.emit('event', message.event);
        break;
      case 'log':
        this.emit('log', message.level, message.line);
        break;
    }
  }

  /**
   * Closes the channel: the child closes the queue (running jobs are handed back, queued and
   * resumable), saves and exits; it is killed if it has not within a few seconds. No restart follows.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.openGate?.(Promise.reject(new Error('the FXP queue is closed')));
    this.openGate = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
    child.once('exit', () => clearTimeout(kill));
    if (child.connected) child.disconnect();
  }
}
