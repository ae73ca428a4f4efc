import { CancelledError, ConnectionError, FtpClient, lastDataStrategy, SiteSettings } from '../../../core/client';
import { failureKind } from './connect-failure';
import { describeConnection, Translate } from './connection-report';
import { toFsProblem } from './fs-problem';

/**
 * How a test connection ended, as the flow's test page offers the next move: save (it worked),
 * plain FTP (the server refused AUTH TLS), trusting the certificate (not trusted), the password
 * again (login refused), or back to the settings.
 */
export type TestOutcome =
  | { kind: 'ok'; lines: string[] }
  | { kind: 'cancelled' }
  | { kind: 'tls-refused' | 'certificate' | 'login' | 'failed'; message: string; error: unknown };

/**
 * Connects with `settings` on a connection of its own (saved sites' pools are left alone),
 * lists the login folder to exercise a data connection, and reports in plain words what
 * worked: TLS, data mode, MLSD, UTF-8, resume, checksums. Throws what the connection threw;
 * `signal` closes the socket at any point (a CancelledError then).
 */
export async function testConnection(settings: SiteSettings, t: Translate, signal?: AbortSignal): Promise<string[]> {
  const client = new FtpClient({ ...settings, maxConnections: 1, keepaliveMs: 0 });
  try {
    const { capabilities, secure, home } = await client.connect(signal);
    const entries = await client.list(home, signal);
    return describeConnection(
      { tls: settings.tls ?? 'none', secure, capabilities, dataStrategy: lastDataStrategy(client.pool.label), home, entries: entries.length },
      t,
    );
  } finally {
    client.close();
  }
}

/** What a failed test says to the user next (see TestOutcome). */
export function testFailure(err: unknown): TestOutcome {
  if (err instanceof CancelledError) return { kind: 'cancelled' };
  const message = toFsProblem(err).message;
  const kind = failureKind(err);
  if (kind === 'tls-refused' || kind === 'login') return { kind, message, error: err };
  // The core's own words for an untrusted chain or a pin that does not match (connection.ts).
  const certificate = err instanceof ConnectionError && /certificate|self[- ]signed|fingerprint|unable to verify|UNABLE_TO_/i.test(err.message);
  return { kind: certificate ? 'certificate' : 'failed', message, error: err };
}

/** Runs testConnection and sorts the result into a TestOutcome; never throws. */
export async function runTest(settings: SiteSettings, t: Translate, signal?: AbortSignal): Promise<TestOutcome> {
  try {
    return { kind: 'ok', lines: await testConnection(settings, t, signal) };
  } catch (err) {
    return testFailure(err);
  }
}
