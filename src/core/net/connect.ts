import * as net from 'node:net';

/** Why a connection attempt failed: it timed out, or the system said no (with its message). */
export class ConnectFailure extends Error {
  constructor(
    readonly timedOut: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectFailure';
  }
}

/**
 * Opens a TCP connection within `timeoutMs` (0 = the system's own limit) from an optional
 * local address. Rejects with ConnectFailure; callers word the message for their audience.
 * A `paused` socket does not start reading when it connects: the native data path reads it
 * from its own thread, and whoever reads it in JavaScript calls resume() (or pipes it).
 */
export function connectWithTimeout(host: string, port: number, localAddress: string | undefined, timeoutMs: number, paused = false): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localAddress: localAddress || undefined });
    if (paused) socket.pause();
    const fail = (failure: ConnectFailure) => {
      clearTimeout(timer);
      socket.destroy();
      reject(failure);
    };
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new ConnectFailure(true, 'timed out')), timeoutMs) : undefined;
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => fail(new ConnectFailure(false, err.message)));
  });
}
