import { Reply } from '../protocol/replies';

/**
 * Client errors in two tiers, as basic-ftp has them: a reply error (the server said no; the
 * connection stays usable) and everything else (the connection is closed and replaced).
 * Every error names the operation, host and path, and says what the user can do.
 */
export interface ErrorContext {
  operation: string;
  host: string;
  path?: string;
}

export class FerryClientError extends Error {
  constructor(
    message: string,
    readonly context: ErrorContext,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FerryClientError';
  }

  /** One line for a terminal or a notification. */
  describe(): string {
    const where = this.context.path ? `${this.context.host}:${this.context.path}` : this.context.host;
    return `${this.context.operation} ${where} failed: ${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }
}

/** The server answered with an error reply; the connection is still good. */
export class RemoteReplyError extends FerryClientError {
  constructor(
    readonly code: number,
    readonly text: string,
    context: ErrorContext,
    hint = hintForReply(code, text),
  ) {
    super(`${code} ${text}`, context, hint);
    this.name = 'RemoteReplyError';
  }
}

/**
 * The server answered AUTH TLS with an error: it does not offer explicit TLS (RFC 4217 §4).
 * Its code says nothing reliable (vsftpd without TLS answers 530 "Please login with USER and
 * PASS."), so this is told apart from a refused password by where it happened.
 */
export class TlsRefusedError extends RemoteReplyError {
  constructor(code: number, text: string, context: ErrorContext) {
    super(code, text, context, 'the server does not offer TLS: use plain FTP for this site only if sending the password and files unencrypted is acceptable');
    this.name = 'TlsRefusedError';
  }
}

/** The connection failed (reset, timeout, TLS, protocol confusion); it has been closed. */
export class ConnectionError extends FerryClientError {
  constructor(message: string, context: ErrorContext, hint?: string) {
    super(message, context, hint ?? 'check the host, port and network; Ferry reconnects on the next operation');
    this.name = 'ConnectionError';
  }
}

/** The caller cancelled; the connection that ran the operation was closed. */
export class CancelledError extends FerryClientError {
  constructor(context: ErrorContext) {
    super('cancelled', context);
    this.name = 'CancelledError';
  }
}

/** A transfer finished but the result does not match (size or hash). */
export class VerificationError extends FerryClientError {
  constructor(message: string, context: ErrorContext) {
    super(message, context, 'the file was not transferred intact; retry, or resume from a known-good size');
    this.name = 'VerificationError';
  }
}

function hintForReply(code: number, text: string): string | undefined {
  if (code === Reply.NotLoggedIn) return 'check the user name and password';
  if (code === Reply.FileUnavailable && /denied|permission/i.test(text)) return 'the server refused: check the account\'s permissions';
  if (code === Reply.FileUnavailable) return 'the path does not exist or is not accessible';
  if (code === Reply.ExceededStorage || code === Reply.InsufficientStorage) return 'the server is out of space or over quota';
  if (code === Reply.CannotOpenData) return 'the data connection failed: try another data mode (passive/active)';
  if (code === Reply.ServiceUnavailable) return 'the server closed the connection (too many connections or idle); it will be reopened';
  if (code === Reply.PolicyDenied || code === Reply.DataMustBeProtected) return 'the server requires or refuses TLS: change the site\'s TLS mode';
  return undefined;
}
