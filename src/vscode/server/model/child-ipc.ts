/**
 * Messages between the extension host and the server child process (server-child.ts).
 * The channel uses Node's "advanced" IPC serialization, so Dates in snapshots survive.
 */
import type { SessionInfo, TransferInfo, Tunables, UserAccount } from '../../../core/server';

/** Everything the child needs to start: the launch plan resolved by the extension host. */
export interface StartRequest {
  type: 'start';
  root: string;
  tunables: Tunables;
  users: UserAccount[];
  /** Where a generated TLS certificate is kept. */
  stateDir: string;
}

export type ParentMessage = StartRequest | { type: 'stop' } | { type: 'disconnect'; sessionId: number };

/** Why a start failed, so the editor can phrase the fix: the root, the listener, the settings, or anything else. */
export interface StartFailure {
  kind: 'root' | 'listen' | 'config' | 'internal';
  message: string;
  /** errno code (EADDRINUSE, EACCES, ENOENT, ...) when there is one. */
  code?: string;
  /** The folder at fault for kind "root". */
  path?: string;
}

export type ChildMessage =
  | { type: 'ready'; url: string; address: { host: string; port: number }; generatedCertificate: boolean; unconfined?: string }
  | { type: 'failed'; failure: StartFailure }
  /** A fresh snapshot of every session, sent on every change and every second while transfers run. */
  | { type: 'sessions'; sessions: SessionInfo[] }
  | { type: 'transfer-start' | 'transfer-end'; transfer: TransferInfo }
  | { type: 'login'; session: SessionInfo }
  | { type: 'log'; line: string };
