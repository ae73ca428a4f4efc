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

/**
 * One secure context for the control and all data connections. Node's tls.Server would
 * install session-ticket keys itself; sockets wrapped by hand need them set here, or no
 * data connection could resume the control connection's TLS session.
 */
export function createServerContext(material: { cert: string; key: string }): tls.SecureContext {
  return tls.createSecureContext({ cert: material.cert, key: material.key, ticketKeys: randomBytes(48), sessionTimeout: 3600, minVersion: 'TLSv1.2' });
}
