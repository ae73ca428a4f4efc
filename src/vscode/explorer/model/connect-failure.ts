import { ConnectionError, RemoteReplyError, TlsRefusedError } from '../../../core/client';

/**
 * Why connecting to a site failed, as far as retrying goes:
 * - `login`: the server refused the user or password (530). Sending the same credentials again
 *   only gets the address banned (fail2ban counts failed logins), so it is never retried by itself.
 * - `tls-refused`: the server answered AUTH TLS with an error: it has no TLS; retrying cannot help.
 * - `transient`: the network or the server's load (refused, reset, timed out, 421): worth a few
 *   more tries, further and further apart.
 * - `permanent`: anything else (certificate, no password given, protocol errors): waits for the user.
 */
export type FailureKind = 'login' | 'tls-refused' | 'transient' | 'permanent';

/** The kind of a failure to connect (see FailureKind). */
export function failureKind(err: unknown): FailureKind {
  if (err instanceof TlsRefusedError) return 'tls-refused';
  if (err instanceof RemoteReplyError) return err.code === 530 ? 'login' : 'permanent';
  // A certificate or TLS problem does not go away by waiting.
  if (err instanceof ConnectionError) return /certificate|self[- ]signed|fingerprint|tls|ssl/i.test(err.message) ? 'permanent' : 'transient';
  return 'permanent';
}

/** Delays between automatic tries after transient failures: 2 s, then doubling; none after the last. */
export const RETRY_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000, 32_000, 64_000];

/**
 * When the next automatic try after `failures` consecutive failures of this kind may start, or
 * undefined when only the user (Connect, Refresh) may try again.
 */
export function nextTryAt(kind: FailureKind, failures: number, now: number, delays: readonly number[] = RETRY_DELAYS_MS): number | undefined {
  if (kind !== 'transient' || failures < 1 || failures > delays.length) return undefined;
  return now + delays[failures - 1];
}
