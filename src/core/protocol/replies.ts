/**
 * Named FTP reply codes (RFC 959 §4.2, RFC 2428, RFC 3659, RFC 4217).
 * Handlers use these names so a reader never has to remember what "350" means.
 */
export const Reply = {
  /** 125: data connection already open; transfer starting. */
  DataAlreadyOpen: 125,
  /** 150: file status okay; about to open data connection. */
  OpeningData: 150,
  Ok: 200,
  /** 202: command not needed (ALLO). */
  Superfluous: 202,
  SystemStatus: 211,
  DirectoryStatus: 212,
  FileStatus: 213,
  Help: 214,
  SystemType: 215,
  ServiceReady: 220,
  Goodbye: 221,
  /** 226: closing data connection; requested action successful (also ABOR's final reply). */
  TransferComplete: 226,
  EnteringPassive: 227,
  EnteringExtendedPassive: 229,
  LoggedIn: 230,
  /** 234: AUTH TLS accepted, the TLS handshake follows (RFC 4217 §4). */
  AuthAccepted: 234,
  FileActionOk: 250,
  PathCreated: 257,
  NeedPassword: 331,
  /** 350: pending further information (REST, RNFR). */
  PendingFurtherInfo: 350,
  /** 421: service not available, closing control connection. */
  ServiceUnavailable: 421,
  CannotOpenData: 425,
  /** 426: connection closed; transfer aborted. */
  TransferAborted: 426,
  FileBusy: 450,
  LocalError: 451,
  InsufficientStorage: 452,
  SyntaxError: 500,
  ArgumentSyntaxError: 501,
  NotImplemented: 502,
  BadSequence: 503,
  NotImplementedForParameter: 504,
  /** 522: network protocol not supported (EPRT/EPSV, RFC 2428 §2). */
  UnsupportedNetworkProtocol: 522,
  /** 522: TLS on the data connection refused: it did not resume the control connection's session (vsftpd's FTP_DATATLSBAD). */
  DataTlsRefused: 522,
  /** 521: data connections must be protected (force_tls without PROT P), as vsftpd answers. */
  DataMustBeProtected: 521,
  NotLoggedIn: 530,
  /** 532: an account is needed for storing files. */
  NeedAccountForStoring: 532,
  /** 534: request denied for policy reasons (RFC 2228/4217: AUTH refused, CCC refused). */
  PolicyDenied: 534,
  /** 536: requested PROT level not supported. */
  ProtectionLevelNotSupported: 536,
  FileUnavailable: 550,
  /** 552: exceeded storage allocation. */
  ExceededStorage: 552,
  FileNameNotAllowed: 553,
  /** 554: requested action not taken, e.g. an invalid REST offset (RFC 3659 §5.5). */
  InvalidRestartPosition: 554,
} as const;

export type ReplyCode = (typeof Reply)[keyof typeof Reply];

/**
 * A reply the server sends instead of completing a command. Handlers throw it;
 * the dispatcher sends it and keeps the connection (the "reply error" tier).
 */
export class FtpReplyError extends Error {
  constructor(
    readonly code: ReplyCode,
    message: string,
    /** The errno name (ENOENT, EEXIST…) when a file-system call failed: callers may act on it. */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'FtpReplyError';
  }
}

/**
 * Replies that refuse a command itself rather than act on its argument (RFC 959 §4.2: 500, 501,
 * 502 and 504, a command or parameter the server does not take): another command or form may work.
 */
export const COMMAND_NOT_ACCEPTED: readonly number[] = [Reply.SyntaxError, Reply.ArgumentSyntaxError, Reply.NotImplemented, Reply.NotImplementedForParameter];
