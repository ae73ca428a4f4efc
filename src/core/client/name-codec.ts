import * as iconv from 'iconv-lite';
import { ErrorContext, FerryClientError } from './errors';
import type { NameEncoding } from './name-encodings';
import { decodeUtf8Escaping } from '../protocol/utf8';

/**
 * Bytes 0x80-0xFF that do not decode stand for themselves as U+EF80-U+EFFF (MirBSD's OPTU-16
 * convention). Not lone surrogates as in Python's surrogateescape: VS Code URIs and the JSON
 * queue file cannot hold those. A decoded character that falls in this range is escaped byte
 * by byte as well, so the mapping stays exact both ways.
 */
const ESCAPE_BASE = 0xef00;
const HAS_ESCAPE = /[\uEF80-\uEFFF]/;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const LF = 0x0a;
/** Entries in a codec's cache of character lengths (about 5 MB at most). */
const MAX_CACHED = 50_000;

/** A walked line: its text, and whether any byte had to be escaped. */
interface Walked {
  text: string;
  escaped: boolean;
}

function isEscape(codePoint: number): boolean {
  return codePoint >= 0xef80 && codePoint <= 0xefff;
}

/** The escape character for a byte that did not decode. */
export function escapeByte(byte: number): string {
  return String.fromCharCode(ESCAPE_BASE + byte);
}

function isAsciiBytes(bytes: Buffer): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/**
 * The walk for UTF-8 by hand: what `auto` meets on every GBK or Shift_JIS server, where
 * iconv's 1-4 tries per byte made a 10 000-name listing take seconds. Code points in
 * U+EF80-U+EFFF are escaped too, so the escapes stay unambiguous.
 */
function walkUtf8(bytes: Buffer): Walked {
  return decodeUtf8Escaping(bytes, escapeByte, isEscape);
}

/** A name the site's encoding cannot hold: nothing was sent. */
export class NameEncodingError extends FerryClientError {
  constructor(
    /** The character that cannot be written; undefined when it must not be shown (a password). */
    readonly character: string | undefined,
    readonly encoding: string,
    context: ErrorContext,
  ) {
    super(
      character === undefined
        ? `the password has a character that ${encoding} cannot represent; nothing was sent`
        : `"${character}" (U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) cannot be written in ${encoding}; nothing was sent`,
      context,
      character === undefined
        ? `set the site's name encoding to the one the server expects passwords in (often utf8)`
        : `rename it, or set the site's name encoding to one that has it (utf8 if the server supports it)`,
    );
    this.name = 'NameEncodingError';
  }

  /** The same error for the operation that was running (the codec does not know it). */
  withContext(context: ErrorContext): NameEncodingError {
    return new NameEncodingError(this.character, this.encoding, context);
  }
}

/** Decoded text and the lines (with their LF) whose bytes did not all decode. */
export interface DecodeReport {
  text: string;
  undecodable: Buffer[];
}

/**
 * Turns a site's name bytes into Unicode and back, exactly: encode(decode(bytes)) is always
 * `bytes`, so every name a listing shows can be sent back to the server. Built on iconv-lite,
 * for the ASCII-compatible, stateless encodings of NAME_ENCODINGS.
 */
export class NameCodec {
  /** iconv-lite's name for the encoding (`auto` decodes as UTF-8). */
  readonly charset: string;
  /** The walk's character lengths by the four bytes they start (charLength). */
  private readonly lengths = new Map<number, number>();

  constructor(
    readonly encoding: NameEncoding,
    /** For error messages: the site, as "user@host:port". */
    readonly host = '',
  ) {
    this.charset = encoding === 'auto' ? 'utf8' : encoding;
    if (!iconv.encodingExists(this.charset)) throw new Error(`unknown name encoding ${encoding}`);
  }

  /** Unicode for `bytes`; undecodable bytes become escape characters. */
  decode(bytes: Buffer): string {
    return this.decodeReport(bytes).text;
  }

  /** decode, telling which lines (LF-separated, as in listings and replies) did not decode cleanly. */
  decodeReport(bytes: Buffer): DecodeReport {
    if (isAsciiBytes(bytes)) return { text: bytes.toString('latin1'), undecodable: [] };
    const whole = this.decodeClean(bytes);
    if (whole !== undefined) return { text: whole, undecodable: [] };
    // Only the lines with a bad byte are walked byte by byte (no encoding here has LF inside a character).
    let text = '';
    const undecodable: Buffer[] = [];
    for (let start = 0; start < bytes.length; ) {
      const lf = bytes.indexOf(LF, start);
      const end = lf < 0 ? bytes.length : lf + 1;
      const line = bytes.subarray(start, end);
      start = end;
      // UTF-8's own walk is as fast as iconv; the others' only runs on lines that need it.
      const clean = this.charset === 'utf8' ? undefined : this.decodeClean(line);
      if (clean !== undefined) {
        text += clean;
        continue;
      }
      const walked = this.charset === 'utf8' ? walkUtf8(line) : this.walk(line);
      if (walked.escaped) undecodable.push(line);
      text += walked.text;
    }
    return { text, undecodable };
  }

  /** True when every byte of `bytes` decodes in this encoding. */
  isClean(bytes: Buffer): boolean {
    return isAsciiBytes(bytes) || this.decodeClean(bytes) !== undefined;
  }

  /** The text when the bytes decode and encode back unchanged, with no character in the escape range. */
  private decodeClean(bytes: Buffer): string | undefined {
    const text = iconv.decode(bytes, this.charset);
    return !HAS_ESCAPE.test(text) && iconv.encode(text, this.charset).equals(bytes) ? text : undefined;
  }

  /** Character by character: what decodes is kept, every other byte is escaped. */
  private walk(bytes: Buffer): Walked {
    let text = '';
    let run = 0;
    for (let i = 0; i < bytes.length; ) {
      // Every encoding here is ASCII-compatible, and `i` is on a character boundary: an ASCII byte is its own character.
      const length = bytes[i] < 0x80 ? 1 : this.charLength(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      // Runs of good characters decode whole (the encodings here are stateless).
      text += iconv.decode(bytes.subarray(run, i), this.charset) + escapeByte(bytes[i]);
      run = ++i;
    }
    if (run === 0) return { text: iconv.decode(bytes, this.charset), escaped: false };
    return { text: text + iconv.decode(bytes.subarray(run), this.charset), escaped: true };
  }

  /**
   * The length of the character starting at `i`: the shortest slice of 1-4 bytes that decodes
   * to one character and encodes back to the same bytes. 0 when there is none, or when that
   * character is in the escape range (its first byte is then escaped, so the text stays exact).
   */
  private charLength(bytes: Buffer, i: number): number {
    // The answer depends on the next four bytes only; a listing repeats the same characters over and over.
    const available = Math.min(4, bytes.length - i);
    let key = available;
    for (let k = 0; k < available; k++) key = key * 256 + bytes[i + k];
    let length = this.lengths.get(key);
    if (length === undefined) {
      if (this.lengths.size >= MAX_CACHED) this.lengths.clear();
      length = this.findCharLength(bytes.subarray(i, i + available));
      this.lengths.set(key, length);
    }
    return length;
  }

  private findCharLength(bytes: Buffer): number {
    for (let length = 1; length <= bytes.length; length++) {
      const slice = bytes.subarray(0, length);
      const text = iconv.decode(slice, this.charset);
      const codePoint = text.codePointAt(0);
      if (codePoint === undefined || text.length !== (codePoint > 0xffff ? 2 : 1)) continue;
      if (!iconv.encode(text, this.charset).equals(slice)) continue;
      return isEscape(codePoint) ? 0 : length;
    }
    return 0;
  }

  /**
   * The bytes for `text`: escape characters become their byte, the rest is encoded. A
   * character the encoding cannot represent throws NameEncodingError (iconv-lite would write
   * "?" and the server would create a different name).
   */
  encode(text: string): Buffer {
    if (ASCII_ONLY.test(text)) return Buffer.from(text, 'latin1');
    if (!HAS_ESCAPE.test(text)) return this.encodeRun(text);
    const parts: Buffer[] = [];
    let run = '';
    for (const char of text) {
      const codePoint = char.codePointAt(0)!;
      if (!isEscape(codePoint)) {
        run += char;
        continue;
      }
      if (run) parts.push(this.encodeRun(run));
      run = '';
      parts.push(Buffer.of(codePoint - ESCAPE_BASE));
    }
    if (run) parts.push(this.encodeRun(run));
    return Buffer.concat(parts);
  }

  private encodeRun(run: string): Buffer {
    const bytes = iconv.encode(run, this.charset);
    if (iconv.decode(bytes, this.charset) === run) return bytes;
    const bad = [...run].find((char) => iconv.decode(iconv.encode(char, this.charset), this.charset) !== char);
    throw new NameEncodingError(bad ?? run, this.encoding, { operation: 'send a name to', host: this.host });
  }
}

/**
 * Encodings a listing's undecodable names are tried in, most likely first for Ferry's users.
 * Double-byte encodings overlap (a Big5 or Shift_JIS name is usually valid GBK too), so this
 * is a hint for the user to confirm, never a switch made silently.
 */
const HINT_CANDIDATES: NameEncoding[] = ['gb18030', 'big5', 'shift_jis', 'euc-kr', 'windows-1252'];
/** Hiragana and katakana: Japanese names nearly always have them, GBK names read as Shift_JIS never do. */
const KANA = /[\u3040-\u30ff]/;

/** Lines enough to judge by: a listing of 10 000 GBK names need not be tried in five encodings. */
const GUESS_SAMPLE = 200;

/** The encoding in which every one of `lines` decodes cleanly, if any (GB18030 is reported as its common subset GBK when that suffices). */
export function guessNameEncoding(lines: Buffer[]): NameEncoding | undefined {
  const sample = lines.slice(0, GUESS_SAMPLE);
  if (sample.length === 0) return undefined;
  const decodes = (encoding: NameEncoding) => {
    const codec = new NameCodec(encoding);
    return sample.every((line) => codec.isClean(line));
  };
  const japanese = new NameCodec('shift_jis');
  if (decodes('shift_jis') && sample.some((line) => KANA.test(japanese.decode(line)))) return 'shift_jis';
  const found = HINT_CANDIDATES.find(decodes);
  return found === 'gb18030' && decodes('gbk') ? 'gbk' : found;
}
