import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { SessionInfo, TransferInfo } from '../../core/server';
import { forkNode } from '../fork-node';
import { ChildMessage, ParentMessage, StartFailure, StartRequest } from './model/child-ipc';

/** How long a child may take to report ready or failed (a certificate may be generated). */
const START_TIMEOUT_MS = 30_000;
/** How long a stop may take before the child is killed. */
const STOP_TIMEOUT_MS = 5_000;

/** A start that failed, with the child's reason. */
export class ServerStartError extends Error {
  constructor(readonly failure: StartFailure) {
    super(failure.message);
    this.name = 'ServerStartError';
  }
}

export interface ServerProcessEvents {
  /** The session list changed (connect, login, command, transfer progress, disconnect). */
  sessions: [SessionInfo[]];
  'transfer-start': [TransferInfo];
  'transfer-end': [TransferInfo];
  login: [SessionInfo];
  log: [string];
  /** The child ended; `expected` is false when it was not asked to stop (a crash). */
  exit: [{ expected: boolean; code: number | null; stderr: string }];
}

/**
 * The extension host's side of a server running in a child process: starts it, mirrors its
 * sessions, forwards its events, and stops it (killing it when it does not stop in time).
 */
export class ServerProcess extends EventEmitter<ServerProcessEvents> {
  private latest: SessionInfo[] = [];
  private stopRequested = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly address: { host: string; port: number },
    readonly generatedCertificate: boolean,
    /** Why paths are not confined by the kernel (see ServerHandle.unconfined). */
    readonly unconfined: string | undefined,
    stderr: () => string,
  ) {
    super();
    child.on('message', (message: ChildMessage) => this.onMessage(message));
    // A send to a child that just died fails with EPIPE; the exit event reports that, so keep the error quiet.
    child.on('error', (err) => this.emit('log', `server process: ${err.message}`));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.emit('exit', { expected: this.stopRequested, code, stderr: stderr() });
        resolve();
      }),
    );
  }

  /**
   * Forks `script` (dist/server-child.js), sends the start request and resolves once the server
   * listens; rejects with a ServerStartError saying why it could not.
   */
  static start(script: string, request: StartRequest, options: { cwd: string; timeoutMs?: number }): Promise<ServerProcess> {
    const { child, stderr } = forkNode(script, { cwd: options.cwd });
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (failure: StartFailure) => {
        if (settled) return;
        settled = true;
        cleanup();
        child.kill();
        reject(new ServerStartError(failure));
      };
      const timer = setTimeout(() => fail({ kind: 'internal', message: `the server process did not start within ${START_TIMEOUT_MS / 1000} s` }), options.timeoutMs ?? START_TIMEOUT_MS);
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'failed') fail(message.failure);
        if (message.type !== 'ready' || settled) return;
        settled = true;
        cleanup();
        resolve(new ServerProcess(child, message.url, message.address, message.generatedCertificate, message.unconfined, stderr));
      };
      const onExit = (code: number | null) => fail({ kind: 'internal', message: `the server process exited with code ${code}${stderr() ? `: ${stderr().trim()}` : ''}` });
      const onError = (err: Error) => fail({ kind: 'internal', message: err.message });
      function cleanup() {
        clearTimeout(timer);
        child.off('message', onMessage).off('exit', onExit).off('error', onError);
      }
      child.on('message', onMessage).on('exit', onExit).on('error', onError);
      child.send(request, (err) => err && onError(err));
    });
  }

  /** The latest session snapshot. */
  sessions(): SessionInfo[] {
    return this.latest;
  }

  /** Asks the server to drop one session. */
  disconnect(sessionId: number): void {
    this.post({ type: 'disconnect', sessionId });
  }

  /** Stops the server; resolves when the child has exited (killed after a grace period). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.post({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private post(message: ParentMessage): void {
    if (this.child.connected) this.child.send(message, (err) => err && this.emit('log', `server process: ${err.message}`));
  }

  private onMessage(message: ChildMessage): void {
    switch (message.type) {
      case 'sessions':
        this.latest = message.sessions;
        this.emit('sessions', message.sessions);
        break;
      case 'transfer-start':
      case 'transfer-end':
        this.emit(message.type, message.transfer);
        break;
      case 'login':
        this.emit('login', message.session);
        break;
      case 'log':
        this.emit('log', message.line);
        break;
    }
  }
}
