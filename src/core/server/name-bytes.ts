import { isUtf8 } from 'node:buffer';

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

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none (RFC 3629 §4). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  const continuation = (k: number, low = 0x80, high = 0xbf) => i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // No overlong forms (E0 A0..) and no UTF-16 surrogates (ED 80..9F).
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/** Bytes to text: UTF-8, with each byte that is not part of valid UTF-8 kept as U+DC80 + (byte − 0x80). */
export function decodeName(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let run = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += bytes.toString('utf8', run, i) + String.fromCharCode(0xdc00 + bytes[i]);
    run = ++i;
  }
  return out + bytes.toString('utf8', run);
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
