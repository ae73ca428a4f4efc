/**
 * Entry point of the server child process (dist/server-child.js): the extension host forks it
 * so transfers never load the extension host. Plain Node, no vscode import. It waits for one
 * "start" message, reports "ready" or "failed", streams session snapshots and transfer events,
 * and exits after "stop" or when the extension host goes away.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError, ServerHandle, startServer, tuneHeapForServer } from '../../core/server';
import { ChildMessage, ParentMessage, StartFailure, StartRequest } from './model/child-ipc';

/** How often session snapshots are compared, so the editor shows live commands and transfer rates. */
const SNAPSHOT_MS = 1000;

let server: ServerHandle | undefined;
let stopping = false;
let lastSnapshot = '';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

/** The served folder must exist and be readable, or every login would fail later with a vague 550. */
async function checkRoot(root: string): Promise<StartFailure | undefined> {
  try {
    if (!(await stat(root)).isDirectory()) return { kind: 'root', code: 'ENOTDIR', path: root, message: `${root} is not a folder` };
    await access(root, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { kind: 'root', code: e.code, path: root, message: e.message };
  }
}

function describeFailure(err: unknown): StartFailure {
  if (err instanceof ConfigError) return { kind: 'config', message: err.message };
  const e = err as NodeJS.ErrnoException;
  // startServer keeps syscall "listen" on listener errors; a certificate that cannot be read is something else.
  if (e.syscall === 'listen') return { kind: 'listen', code: e.code, message: e.message };
  return { kind: 'internal', code: e.code, message: e instanceof Error ? e.message : String(err) };
}

/** Sends the sessions when they differ from the last snapshot sent (commands and byte counts change without events). */
function sendSessions(): void {
  if (!server) return;
  const sessions = server.sessions();
  const snapshot = JSON.stringify(sessions);
  if (snapshot === lastSnapshot) return;
  lastSnapshot = snapshot;
  send({ type: 'sessions', sessions });
}

async function start(request: StartRequest): Promise<void> {
  // The same root startServer serves (local_root wins), checked first for a clearer error.
  const root = path.resolve(request.tunables.local_root || request.root);
  const rootProblem = await checkRoot(root);
  if (rootProblem) return void send({ type: 'failed', failure: rootProblem });
  try {
    server = await startServer({ root: request.root, tunables: request.tunables, users: request.users, stateDir: request.stateDir });
    tuneHeapForServer(server);
  } catch (err) {
    return void send({ type: 'failed', failure: describeFailure(err) });
  }
  for (const event of ['session', 'session-close'] as const) server.on(event, sendSessions);
  server.on('login', (session) => {
    send({ type: 'login', session });
    sendSessions();
  });
  server.on('transfer-start', (transfer) => send({ type: 'transfer-start', transfer }));
  server.on('transfer-end', (transfer) => send({ type: 'transfer-end', transfer }));
  server.on('log', (line) => send({ type: 'log', line }));
  setInterval(sendSessions, SNAPSHOT_MS).unref();
  send({ type: 'ready', url: server.url, address: server.address, generatedCertificate: server.generatedCertificate, unconfined: server.unconfined });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server?.close();
  // Closed sessions keep short linger timers; nothing is left to do, so do not wait for them.
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start' && !server) void start(message);
  else if (message.type === 'stop') void stop();
  else if (message.type === 'disconnect') server?.disconnect(message.sessionId);
});
// The extension host died or closed the channel: never leave a server running without an owner.
process.on('disconnect', () => void stop());
