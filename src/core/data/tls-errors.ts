/**
 * TLS and socket failures in a few plain words, for replies. OpenSSL's own text names its
 * source files and internal codes ("807C…:error:0A00010B:SSL routines:ssl3_get_record:wrong
 * version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:"): of no use to a
 * client, a fingerprint of the server's build, and with its trailing newline it even split
 * replies. That text goes to the server log (tlsLogText); replies get tlsFailureWords.
 */

/** Node's codes for OpenSSL reasons ("ERR_SSL_" + the reason in capitals) and errno names, by what they mean to a user. */
const WORDS: [RegExp, string][] = [
  [/^ERR_SSL_(WRONG_VERSION_NUMBER|HTTPS?_REQUEST|HTTPS_PROXY_REQUEST|UNKNOWN_PROTOCOL|PACKET_LENGTH_TOO_LONG|RECORD_LENGTH_MISMATCH)$/, 'what arrived was not TLS'],
  [/^ERR_SSL_(UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|TLSV1_ALERT_PROTOCOL_VERSION|VERSION_TOO_LOW|UNSUPPORTED_SSL_VERSION)$/, 'no TLS version in common (TLS 1.2 or later is needed)'],
  [/^ERR_SSL_(NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|TLSV1_ALERT_INSUFFICIENT_SECURITY|NO_SUITABLE_SIGNATURE_ALGORITHM)$/, 'no cipher in common'],
  [/^ERR_SSL_.*ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_\w+|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/, 'the other side rejected the certificate'],
  [/^(ERR_SSL_.*(BAD_RECORD_MAC|DECRYPTION_FAILED\w*|BAD_DECRYPT)|ERR_SSL_.*ALERT_(BAD_RECORD_MAC|DECRYPT_ERROR))$/, 'the TLS data failed its integrity check'],
  [/^ERR_SSL_.*ALERT_HANDSHAKE_FAILURE$/, 'the other side refused the TLS handshake'],
  [/^(ECONNRESET|EPIPE|ERR_SSL_UNEXPECTED_EOF_WHILE_READING)$/, 'the connection was closed by the other side'],
  [/^ETIMEDOUT$/, 'timed out'],
];

/** A few plain words for a TLS or socket failure: never OpenSSL's text (see the module comment). */
export function tlsFailureWords(err: unknown): string {
  const code = String((err as NodeJS.ErrnoException | undefined)?.code ?? '');
  for (const [pattern, words] of WORDS) if (pattern.test(code)) return words;
  if (/^ERR_(SSL|TLS)_/.test(code)) return 'TLS error';
  // Other errno names (ECONNABORTED, ENETUNREACH...) are plain and say something.
  return /^E[A-Z]+$/.test(code) ? `network error (${code})` : 'TLS error';
}

/** The full text of a failure on one line, for the server log. */
export function tlsLogText(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const message = String(e?.message ?? err).replace(/\s+/g, ' ').trim();
  return e?.code ? `${e.code}: ${message}` : message;
}
