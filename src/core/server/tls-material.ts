import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';

export interface CertificateSource {
  certFile: string;
  keyFile: string;
  /** Where a generated self-signed certificate is kept between runs. */
  stateDir: string;
}

/**
 * Loads the configured certificate, or generates a self-signed one on first use and keeps it
 * in the state directory, so clients that pin its fingerprint keep trusting it.
 */
export async function loadCertificate(source: CertificateSource): Promise<{ cert: string; key: string; generated: boolean }> {
  if (source.certFile) {
    const cert = await fsp.readFile(source.certFile, 'utf8');
    const key = await fsp.readFile(source.keyFile || source.certFile, 'utf8');
    return { cert, key, generated: false };
  }
  const certPath = path.join(source.stateDir, 'server-cert.pem');
  const keyPath = path.join(source.stateDir, 'server-key.pem');
  try {
    return { cert: await fsp.readFile(certPath, 'utf8'), key: await fsp.readFile(keyPath, 'utf8'), generated: false };
  } catch {
    // First use: fall through and generate.
  }
  const selfsigned = await import('selfsigned');
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Ferry FTP server' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  await fsp.mkdir(source.stateDir, { recursive: true, mode: 0o700 });
  await fsp.writeFile(keyPath, pems.private, { mode: 0o600 });
  await fsp.writeFile(certPath, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, generated: true };
}

type Material = { cert: string; key: string };

/** What each server-wide context was made from: a control connection's own context is made from the same. */
const materials = new WeakMap<tls.SecureContext, Material>();

const contextOptions = (material: Material) => ({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' as const });

/**
 * The server-wide secure context. Node's tls.Server would install session-ticket keys itself;
 * sockets wrapped by hand need them set here, or no data connection could resume a session.
 * With require_ssl_reuse each control connection gets a context of its own instead
 * (controlConnectionContext); this one serves when it is off.
 */
export function createServerContext(material: Material): tls.SecureContext {
  const context = tls.createSecureContext({ ...contextOptions(material), ticketKeys: randomBytes(48), sessionTimeout: 3600 });
  materials.set(context, material);
  return context;
}

/** RFC 8446 §4.6.1: a TLS 1.3 ticket lives at most 7 days. */
const TICKET_LIFETIME_MAX = 7 * 24 * 3600;

/**
 * A secure context for one control connection and its data connections only, with ticket keys
 * of its own (the cost: a certificate and key loaded per TLS session, see README, FTPS). A
 * session ticket is sealed with its context's keys, so a data connection resumes only with a
 * ticket this control connection issued: one another client got from this server (any client
 * that completes a handshake gets some) fails to decrypt, the handshake is a full one, and
 * require_ssl_reuse refuses it. vsftpd gets the same binding from a process, with its own
 * SSL_CTX, per session. Tickets may live as long as TLS allows: the keys die with the control
 * connection anyway, and a client resuming its control session after hours of keep-alives
 * must not be refused.
 */
export function controlConnectionContext(server: tls.SecureContext): tls.SecureContext {
  const material = materials.get(server);
  if (!material) throw new Error('controlConnectionContext: not a context made by createServerContext');
  return tls.createSecureContext({ ...contextOptions(material), ticketKeys: randomBytes(48), sessionTimeout: TICKET_LIFETIME_MAX });
}
