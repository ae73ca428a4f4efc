import { isUtf8 } from 'node:buffer';
import { decodeUtf8Escaping } from '../protocol/utf8';

/**
 * File names are bytes. Linux stores whatever bytes a program gave it, and FTP passes names as
 * bytes too; Ferry's server speaks UTF-8 (RFC 2640) but a tree may hold names in GBK, Latin-1
 * or plain garbage. Decoding those as UTF-8 would turn every invalid byte into U+FFFD, so
 * `name\x80` and `name\xC1` would both list as `name\uFFFD` and neither could be reached.
 *
 * Instead every invalid byte becomes a lone surrogate U+DC80–U+DCFF (Python's
 * "surrogateescape"): valid UTF-8 decodes as usual, nothing is lost, and encoding gives back
 * the same bytes. Replies and listings send those bytes as they are (as vsftpd and pure-ftpd
 * do), a client that sends them back reaches the file, and file-system calls get them as a
 * Buffer. A lone surrogate can never come from valid UTF-8, so the mapping is unambiguous.
 */

/** Bytes to text: UTF-8, with each byte that is not part of valid UTF-8 kept as U+DC80 + (byte − 0x80). */
export function decodeName(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return decodeUtf8Escaping(bytes, (byte) => String.fromCharCode(0xdc00 + byte)).text;
}

/** True when `text` holds a lone surrogate: an escaped byte (or text that came from no valid UTF-8). */
function hasLoneSurrogate(text: string): boolean {
  return !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Text to bytes: UTF-8, with each lone U+DC80–U+DCFF back as the byte it stands for. */
export function encodeName(text: string): Buffer {
  if (!hasLoneSurrogate(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a well-formed pair: left to the UTF-8 encoder
      continue;
    }
    if (unit < 0xdc80 || unit > 0xdcff) continue;
    parts.push(Buffer.from(text.slice(run, i), 'utf8'), Buffer.of(unit - 0xdc00));
    run = i + 1;
  }
  parts.push(Buffer.from(text.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/** A path for fs calls: the string itself, or its bytes when it holds escaped bytes. */
export function fsPath(text: string): string | Buffer {
  return hasLoneSurrogate(text) ? encodeName(text) : text;
}
