import { closeSync } from 'node:fs';
import * as net from 'node:net';
import { nativeIo } from '../native/native-io';
import { socketFromAcceptedFd } from '../node-internals';

/*
 * What the passive listener (passive-listener.ts) and the active target (active-target.ts)
 * share: who data may go to or come from, and the data connection transfer-runner.ts moves
 * bytes over. TLS on top of it is data-tls.ts.
 */

/** Where this session's data connections may go to or come from (RFC 2577). */
export interface DataChannelPolicy {
  /** Address of the client's control connection: the only one data may go to/come from without FXP. */
  clientAddress: string;
  allowFxp: boolean;
}

/**
 * A data connection the native listener accepted, still a bare descriptor: a small download
 * writes to it directly (file-socket.ts sendNow) and never builds a net.Socket; anything else
 * wraps it in one.
 */
export class RawConnection {
  private socket?: net.Socket;
  private closed = false;

  constructor(readonly fd: number) {}

  /** The connection as a paused net.Socket, which owns the descriptor from then on. */
  toSocket(): net.Socket {
    // Paused from the start (pauseOnCreate, as net.Server's pauseOnConnect): nothing is read before
    // the transfer starts, so an upload's first bytes stay in the kernel for the native receiver.
    this.socket ??= socketFromAcceptedFd(this.fd);
    return this.socket;
  }

  /** True when the peer has closed without sending anything (a peek: nothing is consumed). */
  peerClosed(): boolean {
    return nativeIo!.peerClosed(this.fd);
  }

  /** Closes the descriptor, or the socket that owns it by now. */
  close(): void {
    if (this.socket) this.socket.destroy();
    else if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
}

/** A data connection: a bare descriptor from the native listener, or a socket (net.Server, or an active connect). */
export type DataConnection = RawConnection | net.Socket;

/** Closes a data connection that will not (or no longer) carry a transfer. */
export function closeConnection(connection: DataConnection): void {
  if (connection instanceof RawConnection) connection.close();
  else connection.destroy();
}
