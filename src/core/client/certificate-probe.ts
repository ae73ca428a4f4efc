import { Client } from 'basic-ftp';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { tlsOptionsFor } from './connection';
import { ConnectionError, CancelledError } from './errors';
import { DEFAULTS, defaultPort, SiteSettings, siteLabel } from './settings';

/** The certificate a server presented, as a user decides whether to trust it. */
export interface ServerCertificate {
  /** SHA-256 fingerprint as openssl prints it ("AB:CD:…"): what a site pins. */
  fingerprint256: string;
  subject: string;
  issuer: string;
  validTo: string;
  /** True when the system's certificate authorities vouch for it and it names the host. */
  trustedBySystem: boolean;
  /** Why the system's authorities do not vouch for it (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  systemError?: string;
}

/**
 * Fetches the certificate a site's server presents, without logging in: connects (implicit TLS)
 * or sends AUTH TLS (explicit, RFC 4217 §4), accepts whatever certificate comes, reads it and
 * closes. Nothing secret is sent, so an untrusted certificate costs nothing here. `signal`
 * closes the socket.
 */
export async function fetchServerCertificate(settings: SiteSettings, signal?: AbortSignal): Promise<ServerCertificate> {
  const context = { operation: 'fetch the certificate of', host: siteLabel(settings) };
  if (signal?.aborted) throw new CancelledError(context);
  const client = new Client(settings.timeoutMs ?? DEFAULTS.timeoutMs);
  const onAbort = () => client.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const options: tls.ConnectionOptions = { ...tlsOptionsFor({ ...settings, certificate: 'insecure' }) };
    if (settings.tls === 'implicit') await client.connectImplicitTLS(settings.host, defaultPort(settings), options);
    else {
      await client.connect(settings.host, defaultPort(settings));
      await client.useTLS(options);
    }
    return describeCertificate(client.ftp.socket as tls.TLSSocket, settings.host);
  } catch (err) {
    if (signal?.aborted) throw new CancelledError(context);
    throw new ConnectionError((err as Error)?.message ?? String(err), context);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.close();
  }
}

function describeCertificate(socket: tls.TLSSocket, host: string): ServerCertificate {
  const raw = socket.getPeerCertificate?.()?.raw;
  if (!raw) throw new Error('the server presented no certificate');
  const cert = new X509Certificate(raw);
  // rejectUnauthorized was off, so the chain's verdict is in `authorized`; the name check is ours to run.
  const nameProblem = socket.authorized ? tls.checkServerIdentity(host, socket.getPeerCertificate()) : undefined;
  const systemError = socket.authorized ? nameProblem?.message : String(socket.authorizationError ?? 'not trusted');
  return { fingerprint256: cert.fingerprint256, subject: cert.subject, issuer: cert.issuer, validTo: cert.validTo, trustedBySystem: systemError === undefined, systemError };
}
