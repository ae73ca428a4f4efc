/**
 * The name encodings a site may use, with the labels the CLI's help, the settings schema and
 * the site flow show. Plain data without the codec library, so user interfaces can import it.
 * `auto` is UTF-8 plus a hint when a listing's names look like another encoding.
 */
export const NAME_ENCODINGS = [
  { name: 'auto', label: 'Automatic (UTF-8; hints when names look like another encoding)' },
  { name: 'utf8', label: 'UTF-8' },
  { name: 'gbk', label: 'Chinese Simplified (GBK, CP936)' },
  { name: 'gb18030', label: 'Chinese Simplified (GB18030)' },
  { name: 'big5', label: 'Chinese Traditional (Big5)' },
  { name: 'shift_jis', label: 'Japanese (Shift_JIS, CP932)' },
  { name: 'euc-jp', label: 'Japanese (EUC-JP)' },
  { name: 'euc-kr', label: 'Korean (EUC-KR, CP949)' },
  { name: 'windows-1250', label: 'Central European (Windows-1250)' },
  { name: 'windows-1251', label: 'Cyrillic (Windows-1251)' },
  { name: 'windows-1252', label: 'Western European (Windows-1252)' },
  { name: 'latin1', label: 'Western European (ISO-8859-1)' },
  { name: 'iso-8859-2', label: 'Central European (ISO-8859-2)' },
  { name: 'iso-8859-3', label: 'South European (ISO-8859-3)' },
  { name: 'iso-8859-4', label: 'Baltic (ISO-8859-4)' },
  { name: 'iso-8859-5', label: 'Cyrillic (ISO-8859-5)' },
  { name: 'iso-8859-6', label: 'Arabic (ISO-8859-6)' },
  { name: 'iso-8859-7', label: 'Greek (ISO-8859-7)' },
  { name: 'iso-8859-8', label: 'Hebrew (ISO-8859-8)' },
  { name: 'iso-8859-9', label: 'Turkish (ISO-8859-9)' },
  { name: 'iso-8859-10', label: 'Nordic (ISO-8859-10)' },
  { name: 'iso-8859-11', label: 'Thai (ISO-8859-11)' },
  { name: 'iso-8859-13', label: 'Baltic (ISO-8859-13)' },
  { name: 'iso-8859-14', label: 'Celtic (ISO-8859-14)' },
  { name: 'iso-8859-15', label: 'Western European with € (ISO-8859-15)' },
  { name: 'iso-8859-16', label: 'South-Eastern European (ISO-8859-16)' },
] as const;

/** A site's name encoding: one of NAME_ENCODINGS' names. */
export type NameEncoding = (typeof NAME_ENCODINGS)[number]['name'];

/** Other spellings people type (and FileZilla or WinSCP write) for the same encodings. */
const ALIASES: Record<string, NameEncoding> = {
  'utf-8': 'utf8',
  cp936: 'gbk',
  gb2312: 'gbk',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  eucjp: 'euc-jp',
  euckr: 'euc-kr',
  cp949: 'euc-kr',
  cp1250: 'windows-1250',
  cp1251: 'windows-1251',
  cp1252: 'windows-1252',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
};

/** The encoding `text` names (case and common aliases tolerated), or undefined. */
export function parseNameEncoding(text: string): NameEncoding | undefined {
  const key = text.trim().toLowerCase();
  const known = NAME_ENCODINGS.find((e) => e.name === key);
  return known ? known.name : ALIASES[key];
}

/** "auto, utf8, gbk, …" for error messages. */
export function nameEncodingList(): string {
  return NAME_ENCODINGS.map((e) => e.name).join(', ');
}

/**
 * The bytes a name holds as escape characters (U+EF80–U+EFFF, byte 0x80+n as U+EF80+n; see
 * name-codec.ts): the ones that did not decode in the site's encoding. Empty for a clean name.
 */
export function escapedBytes(name: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0xef80 && unit <= 0xefff) bytes.push(unit - 0xef00);
  }
  return bytes;
}
