import { Stats } from 'node:fs';

/**
 * Directory listing formats: `ls -l` style for LIST/STAT (what every client parses),
 * bare names for NLST, and RFC 3659 machine facts for MLSD/MLST.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/** The MLST facts this server knows, in FEAT order. */
export const MLST_FACTS = ['type', 'size', 'modify', 'perm', 'unix.mode'] as const;
export type MlstFact = (typeof MLST_FACTS)[number];

function typeChar(st: Stats): string {
  if (st.isDirectory()) return 'd';
  if (st.isSymbolicLink()) return 'l';
  return '-';
}

function modeString(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = '';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

/** `ls -l` date: "Mon DD HH:MM" for the last six months, "Mon DD  YYYY" otherwise (UTC). */
function lsDate(mtime: Date, now: number): string {
  const month = MONTHS[mtime.getUTCMonth()];
  const day = String(mtime.getUTCDate()).padStart(2, ' ');
  const recent = now - mtime.getTime() < SIX_MONTHS_MS && mtime.getTime() <= now + 3600_000;
  if (recent) return `${month} ${day} ${String(mtime.getUTCHours()).padStart(2, '0')}:${String(mtime.getUTCMinutes()).padStart(2, '0')}`;
  return `${month} ${day}  ${mtime.getUTCFullYear()}`;
}

/** One `ls -l` line (no line ending). Owner and group are shown as "ftp": uids mean nothing to a client. */
export function formatListLine(name: string, st: Stats, now = Date.now(), linkTarget?: string): string {
  const size = String(st.size).padStart(12, ' ');
  const shown = linkTarget !== undefined ? `${name} -> ${linkTarget}` : name;
  return `${typeChar(st)}${modeString(st.mode)} ${String(st.nlink).padStart(3, ' ')} ftp      ftp      ${size} ${lsDate(st.mtime, now)} ${shown}`;
}

/** RFC 3659 time-val: YYYYMMDDHHMMSS in UTC, with milliseconds when asked. */
export function formatTimeVal(date: Date, withMillis = false): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
  return withMillis ? `${base}.${p(date.getUTCMilliseconds(), 3)}` : base;
}

/** Parses an RFC 3659 time-val (MFMT); undefined when malformed. */
export function parseTimeVal(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined;
}

/** The RFC 3659 "perm" fact for a directory or a file, limited to what the user's letters allow. */
function permFact(isDirectory: boolean, userPerms: string): string {
  const has = (c: string) => userPerms.includes(c);
  let out = '';
  if (isDirectory) {
    if (has('w')) out += 'c';
    if (has('d')) out += 'd';
    if (has('e')) out += 'e';
    if (has('f')) out += 'f';
    if (has('l')) out += 'l';
    if (has('m')) out += 'm';
    if (has('w')) out += 'p';
  } else {
    if (has('a')) out += 'a';
    if (has('d')) out += 'd';
    if (has('f')) out += 'f';
    if (has('r')) out += 'r';
    if (has('w')) out += 'w';
  }
  return out;
}

/** One MLSD/MLST entry: `fact=value;...; name` with only the enabled facts. */
export function formatMlstEntry(name: string, st: Stats, userPerms: string, facts: ReadonlySet<MlstFact>): string {
  return mlstFormatter(userPerms, facts)(name, st);
}

/**
 * formatMlstEntry for many entries of one listing: the facts and the user's "perm" values
 * (one for directories, one for files) are settled once, not per entry.
 */
export function mlstFormatter(userPerms: string, facts: ReadonlySet<MlstFact>): (name: string, st: Stats) => string {
  const [type, size, modify, perm, mode] = MLST_FACTS.map((fact) => facts.has(fact));
  const permOf = perm ? { dir: `perm=${permFact(true, userPerms)};`, file: `perm=${permFact(false, userPerms)};` } : undefined;
  return (name, st) => {
    const dir = st.isDirectory();
    let out = '';
    if (type) out += dir ? 'type=dir;' : 'type=file;';
    if (size) out += `size=${st.size};`;
    if (modify) out += `modify=${formatTimeVal(st.mtime, true)};`;
    if (permOf) out += dir ? permOf.dir : permOf.file;
    if (mode) out += `unix.mode=0${(st.mode & 0o7777).toString(8)};`;
    return `${out} ${name}`;
  };
}
