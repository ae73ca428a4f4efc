/**
 * UTF-8 read by hand where bytes that are not part of valid UTF-8 must survive as something
 * (the server keeps them as lone surrogates, the client as U+EF80–U+EFFF characters): valid runs
 * are decoded whole by Node, and each stray byte becomes what `escape` makes of it.
 */

/**
 * The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or
 * code points above U+10FFFF), 0 when none starts there or its code point is `refused`.
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number, refused?: (codePoint: number) => boolean): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  let codePoint = length === 2 ? b & 0x1f : length === 3 ? b & 0x0f : b & 0x07;
  for (let k = 1; k < length; k++) {
    if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
    codePoint = (codePoint << 6) | (bytes[i + k] & 0x3f);
  }
  const shortest = length === 2 || codePoint >= (length === 3 ? 0x800 : 0x10000);
  const valid = shortest && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff) && !refused?.(codePoint);
  return valid ? length : 0;
}

/** Bytes to text as UTF-8, each byte outside a valid sequence replaced by `escape(byte)`; `escaped` says whether any was. */
export function decodeUtf8Escaping(bytes: Buffer, escape: (byte: number) => string, refused?: (codePoint: number) => boolean): { text: string; escaped: boolean } {
  let text = '';
  let run = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i, refused);
    if (length > 0) {
      i += length;
      continue;
    }
    text += bytes.toString('utf8', run, i) + escape(bytes[i]);
    run = ++i;
  }
  if (run === 0) return { text: bytes.toString('utf8'), escaped: false };
  return { text: text + bytes.toString('utf8', run), escaped: true };
}
