import * as tls from 'node:tls';
import type { DataTls } from './data-tls';
import { FtpReplyError, Reply } from '../protocol/replies';
import type { Session } from './session';
import { controlConnectionContext } from './tls-material';

/** The secure context each TLS control connection was started with; its data connections use the same. */
const controlContexts = new WeakMap<Session, tls.SecureContext>();

/**
 * The context AUTH TLS starts `session`'s control connection with: with require_ssl_reuse one
 * of its own, so that only tickets this connection issued resume on its data connections
 * (see tls-material.ts controlConnectionContext); otherwise the server-wide one, and any
 * session of this server may resume.
 */
export function controlTlsContext(session: Session, serverContext: tls.SecureContext): tls.SecureContext {
  const context = session.server.tunables.require_ssl_reuse ? controlConnectionContext(serverContext) : serverContext;
  controlContexts.set(session, context);
  return context;
}

/** How `session`'s PROT P data connections are secured when this server is their TLS server. */
export function dataTls(session: Session): DataTls {
  const context = controlContexts.get(session);
  // PROT P needs PBSZ, which needs a TLS control connection: there is always one.
  if (!context) throw new FtpReplyError(Reply.CannotOpenData, 'No TLS on the control connection: use AUTH TLS first.');
  return {
    context,
    requireReuse: session.server.tunables.require_ssl_reuse,
    log: (line) => session.server.emit('log', `[${session.id}] ${line}`),
    controlSession: (id) => {
      const control = (session.socket as tls.TLSSocket).getSession?.();
      const own = control && sessionIdOf(control);
      return own && own.length > 0 && own.equals(id) ? control : undefined;
    },
  };
}

/**
 * The session ID inside a DER-encoded SSL_SESSION, as TLSSocket.getSession() returns it:
 * OpenSSL's SSL_SESSION_ASN1 (ssl/ssl_asn1.c) is a SEQUENCE of version INTEGER, ssl_version
 * INTEGER, cipher OCTET STRING, session_id OCTET STRING, master_key... Undefined when the
 * bytes are not shaped so.
 */
export function sessionIdOf(der: Buffer): Buffer | undefined {
  let pos = 0;
  const next = (): { tag: number; length: number } | undefined => {
    if (pos + 2 > der.length) return undefined;
    const tag = der[pos++];
    let length = der[pos++];
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes === 0 || bytes > 3 || pos + bytes > der.length) return undefined;
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + der[pos++];
    }
    return pos + length <= der.length ? { tag, length } : undefined;
  };
  if (next()?.tag !== 0x30) return undefined;
  for (const tag of [0x02, 0x02, 0x04]) {
    const field = next();
    if (field?.tag !== tag) return undefined;
    pos += field.length;
  }
  const id = next();
  return id?.tag === 0x04 ? der.subarray(pos, pos + id.length) : undefined;
}
