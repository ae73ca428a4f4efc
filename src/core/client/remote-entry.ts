import { FileInfo, FileType } from 'basic-ftp';
import * as path from 'node:path';

/** A remote file or directory as every client layer sees it. */
export interface RemoteEntry {
  name: string;
  /** The path it was found at (parent + name). */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'unknown';
  size: number;
  modifiedAt?: Date;
  /** Unix mode bits (0o644) when the server reports them. */
  mode?: number;
  /** Symlink target from a Unix listing. */
  target?: string;
}

const TYPES: Record<number, RemoteEntry['type']> = {
  [FileType.File]: 'file',
  [FileType.Directory]: 'directory',
  [FileType.SymbolicLink]: 'symlink',
  [FileType.Unknown]: 'unknown',
};

/**
 * `listOffsetMs`: how far the server's LIST dates run ahead of UTC (see SiteSettings.listTimeOffsetMinutes);
 * MLSD dates (info.modifiedAt) are UTC already.
 */
export function toRemoteEntry(info: FileInfo, parent: string, listOffsetMs = 0): RemoteEntry {
  const p = info.permissions;
  const listDate = info.modifiedAt ? undefined : parseListDate(info.rawModifiedAt);
  return {
    name: info.name,
    path: parent === '' ? info.name : path.posix.join(parent, info.name),
    type: TYPES[info.type] ?? 'unknown',
    size: info.size,
    modifiedAt: info.modifiedAt ?? (listDate && new Date(listDate.getTime() - listOffsetMs)),
    mode: p ? (p.user << 6) | (p.group << 3) | p.world : undefined,
    target: info.link || undefined,
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function utc(year: number, month: number, day: number, hour = 0, minute = 0): Date | undefined {
  const date = new Date(Date.UTC(year, month, day, hour, minute));
  return Number.isNaN(date.getTime()) || month < 0 || month > 11 ? undefined : date;
}

/**
 * The date of a LIST line, which basic-ftp leaves as text (it dates only MLSD entries). LIST does
 * not say the server's time zone, so it is read as UTC (toRemoteEntry shifts it by the site's
 * offset): "Nov 22 00:45" (recent files: the year
 * that puts it at most a day after `now`), "Nov 22  2023", "22 Nov 00:45", "2023-11-22 00:45",
 * and DOS "11-22-23  12:45AM".
 */
export function parseListDate(raw: string | undefined, now = new Date()): Date | undefined {
  const text = raw?.trim() ?? '';
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$/.exec(text);
  if (m) return utc(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  m = /^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})\s*([AP]M)?$/i.exec(text);
  if (m) {
    const year = m[3].length === 4 ? +m[3] : +m[3] + (+m[3] >= 70 ? 1900 : 2000);
    const half = m[6]?.toUpperCase();
    const hour = half ? (+m[4] % 12) + (half === 'PM' ? 12 : 0) : +m[4];
    return utc(year, +m[1] - 1, +m[2], hour, +m[5]);
  }
  m = /^(?:([a-z]{3})\s+(\d{1,2})|(\d{1,2})\s+([a-z]{3}))\s+(?:(\d{1,2}):(\d{2})|(\d{4}))$/i.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[1] ?? m[4]).toLowerCase());
  const day = +(m[2] ?? m[3]);
  if (m[7]) return utc(+m[7], month, day);
  const thisYear = utc(now.getUTCFullYear(), month, day, +m[5], +m[6]);
  if (!thisYear || thisYear.getTime() <= now.getTime() + 86_400_000) return thisYear;
  return utc(now.getUTCFullYear() - 1, month, day, +m[5], +m[6]);
}
