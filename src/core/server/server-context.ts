import * as tls from 'node:tls';
import { Authorizer } from './authorizer';
import type { LoginGuard } from './login-guard';
import { TokenBucket } from '../data/throttle';
import { Tunables } from './tunables';

/** What a transfer looks like to observers (status views, logs). */
export interface TransferInfo {
  sessionId: number;
  user: string;
  command: string;
  path: string;
  direction: 'upload' | 'download' | 'listing';
  startedAt: Date;
  bytes: number;
  /** Set when the transfer has ended. */
  ok?: boolean;
  error?: string;
}

/** What a session looks like to observers. */
export interface SessionInfo {
  id: number;
  remoteAddress: string;
  connectedAt: Date;
  user?: string;
  secure: boolean;
  lastCommand?: string;
  transfer?: TransferInfo;
}

/** Everything the server shares with its sessions. */
export interface ServerContext {
  readonly tunables: Tunables;
  readonly authorizer: Authorizer;
  /** Failed logins per source address, across connections: delays and bans. */
  readonly loginGuard: LoginGuard;
  readonly tlsContext?: tls.SecureContext;
  readonly globalUpload?: TokenBucket;
  readonly globalDownload?: TokenBucket;
  /** Notifications for the library API and the CLI log. */
  emit(event: 'transfer-start' | 'transfer-end', info: TransferInfo): void;
  emit(event: 'log', line: string): void;
  emit(event: 'login', info: SessionInfo): void;
}
