import * as net from 'node:net';
import * as tls from 'node:tls';
import { plainAddress } from '../net/address';
import { FtpReplyError, Reply } from '../protocol/replies';
import { tlsFailureWords, tlsLogText } from '../data/tls-errors';
import { nodeInternals } from '../node-internals';

/*
 * TLS on data connections (PROT P), both roles: this server as TLS server (RFC 4217), or as
 * TLS client in a server-to-server copy (SSCN ON / CPSV). Replies name failures in plain
 * words; OpenSSL's own text goes to the log (tls-errors.ts).
 */

/**
 * How the server side of a PROT P data connection is secured and checked; tls-session.ts
 * dataTls makes it for a session.
 */
export interface DataTls {
  /** The control connection's own context (require_ssl_reuse), else the server-wide one. */
  context: tls.SecureContext;
  /** require_ssl_reuse: refuse a handshake that does not resume the control connection's session. */
  requireReuse: boolean;
  /** The server log: full TLS error texts go there, never into replies. */
  log(line: string): void;
  /** The control connection's TLS session (DER) when `id` is its session ID; else undefined. */
  controlSession(id: Buffer): Buffer | undefined;
}

/**
 * What a TLS 1.2 client without session tickets (curl turns them off) resumes by: a session ID,
 * which needs a session cache on the server ('resumeSession', as on tls.Server; a hand-made
 * TLSSocket takes the events from its `server` option). The one session a data connection may
 * resume is the control connection's, so that is the whole cache; nothing is stored.
 */
function controlSessionCache(setup: DataTls): net.Server {
  const cache = new net.Server();
  cache.on('resumeSession', (id: Buffer, done: (err: Error | null, session: Buffer | null) => void) => done(null, setup.controlSession(id) ?? null));
  return cache;
}

/** The reply for a failed handshake: plain words, with OpenSSL's own text sent to the log (tls-errors.ts). */
function handshakeFailure(err: Error, role: string, timeoutMs: number, log?: (line: string) => void): FtpReplyError {
  log?.(`TLS handshake (${role}) on a data connection failed: ${tlsLogText(err)}`);
  const words = (err as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `no handshake within ${Math.round(timeoutMs / 1000)} s (connect_timeout)` : tlsFailureWords(err);
  return new FtpReplyError(Reply.CannotOpenData, `TLS negotiation${role === 'client' ? ' (as client)' : ''} on the data connection failed: ${words}.`);
}

/**
 * Lets a server-side TLSSocket made by hand report TLS errors that come after its handshake.
 * Node's tls.Server releases that control when the handshake ends (and tls.connect at once);
 * a hand-made TLSSocket keeps such errors to itself (a private '_tlsError' event), so a forged
 * or corrupted record just stopped the stream, and an upload cut short that way ended in 226.
 */
export function reportTlsErrors(socket: tls.TLSSocket): tls.TLSSocket {
  nodeInternals.reportTlsErrors(socket);
  return socket;
}

const handshakeTimeout = () => Object.assign(new Error('TLS handshake on the data connection timed out'), { code: 'ETIMEDOUT' });
// A peer that closes before handshaking must fail the transfer now, not after the timeout.
const closedEarly = () => Object.assign(new Error('the data connection was closed before the TLS handshake completed'), { code: 'ECONNRESET' });

/**
 * Wraps a data socket in TLS as the client side (SSCN ON / CPSV): in a TLS FXP one of the two
 * servers must be the TLS client. The peer is another FTP server whose certificate this one
 * cannot judge; the control connections carry the trust. It cannot offer the other server's
 * control session either, so a server that requires session reuse (vsftpd, proftpd and Ferry by
 * default) refuses it: in an FXP between two of those, the one acting as TLS server needs
 * require_ssl_reuse = NO (or its equivalent).
 */
export function clientDataSocket(socket: net.Socket, timeoutMs: number, log?: (line: string) => void): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, rejectUnauthorized: false });
    const timer = setTimeout(() => fail(handshakeTimeout()), timeoutMs || 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      secure.destroy();
      reject(handshakeFailure(err, 'client', timeoutMs || 30_000, log));
    };
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeListener('error', fail);
      resolve(secure);
    });
    secure.once('error', fail);
  });
}

/**
 * Wraps a data socket in TLS as the server side (PROT P). A data connection carries no login
 * of its own (RFC 4217 §10): whoever reaches the port first and completes a handshake would get
 * the data, or write the upload. With require_ssl_reuse the handshake must therefore resume the
 * control connection's TLS session, whose ticket only the logged-in client holds, or it is
 * refused with 522 as vsftpd answers ("session reuse required"), before a byte of any file
 * moves. Node can only say whether *a* session was resumed, so only the control connection's
 * can be: tickets are sealed with ticket keys of that control connection's own context
 * (tls-material.ts controlConnectionContext), so one another connection got from this server
 * does not decrypt; a session ID resumes only when it is the control session's.
 */
export function secureDataSocket(socket: net.Socket, setup: DataTls, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = reportTlsErrors(new tls.TLSSocket(socket, { isServer: true, secureContext: setup.context, server: controlSessionCache(setup) }));
    const timer = setTimeout(() => fail(handshakeTimeout()), timeoutMs || 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      secure.destroy();
      reject(handshakeFailure(err, 'server', timeoutMs || 30_000, setup.log));
    };
    const onClose = () => fail(closedEarly());
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.removeListener('error', fail);
      secure.removeListener('close', onClose);
      if (!setup.requireReuse || secure.isSessionReused()) return resolve(secure);
      secure.on('error', () => undefined);
      secure.destroy();
      setup.log(`refused a data connection from ${plainAddress(socket.remoteAddress)}: its TLS session is not the control connection's (require_ssl_reuse)`);
      reject(new FtpReplyError(Reply.DataTlsRefused, 'TLS connection refused: session reuse required (the data connection must resume the control connection\'s TLS session; require_ssl_reuse).'));
    });
    secure.once('error', fail);
    secure.once('close', onClose);
  });
}
