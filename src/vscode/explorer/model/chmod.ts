/** One of the nine permission bits of a Unix mode. */
export interface ModeBit {
  bit: number;
  who: 'owner' | 'group' | 'others';
  what: 'read' | 'write' | 'execute';
}

const WHO: ModeBit['who'][] = ['owner', 'group', 'others'];
const WHAT: ModeBit['what'][] = ['read', 'write', 'execute'];
const LETTER: Record<ModeBit['what'], string> = { read: 'r', write: 'w', execute: 'x' };

/** The nine rwx bits, owner first, in `ls -l` order. */
export const MODE_BITS: readonly ModeBit[] = WHO.flatMap((who, w) => WHAT.map((what, i) => ({ who, what, bit: 1 << (8 - (w * 3 + i)) })));

/** "rwxr-xr-x" for 0o755 (the nine bits only). */
export function formatMode(mode: number): string {
  return MODE_BITS.map(({ bit, what }) => (mode & bit ? LETTER[what] : '-')).join('');
}

/** Octal digits as SITE CHMOD takes them: "644", "0755" stays "755", special bits give four digits. */
export function octalMode(mode: number): string {
  return mode.toString(8).padStart(3, '0');
}

/**
 * Parses what a user types for a mode: octal ("644", "0755", "4755") or the nine-letter form
 * ("rw-r--r--"). Undefined when it is neither.
 */
export function parseMode(text: string): number | undefined {
  const t = text.trim();
  if (/^0?[0-7]{3,4}$/.test(t) && t.length <= 4) return parseInt(t, 8);
  if (/^[r-][w-][x-][r-][w-][x-][r-][w-][x-]$/.test(t)) {
    return MODE_BITS.reduce((mode, { bit }, i) => (t[i] !== '-' ? mode | bit : mode), 0);
  }
  return undefined;
}

/** The mode with exactly the `selected` bits of the nine set, keeping `previous`'s special bits (setuid, setgid, sticky). */
export function modeFromBits(selected: Iterable<number>, previous = 0): number {
  let mode = previous & ~0o777;
  for (const bit of selected) mode |= bit & 0o777;
  return mode;
}

/** The modes of a recursive chmod: a kind without a mode is left alone ("files only", "folders only"). */
export interface RecursiveModes {
  files?: number;
  folders?: number;
}

/** A folder mode's counterpart for files: the same without execute bits (755 → 644), as FileZilla users set them. */
export function fileModeFor(folderMode: number): number {
  return folderMode & ~0o111;
}

/** The SITE CHMOD calls of a recursive chmod: each entry with its kind's mode, kinds without a mode skipped. */
export function chmodPlan<E extends { path: string; type: 'file' | 'directory' }>(entries: readonly E[], modes: RecursiveModes): (E & { mode: number })[] {
  return entries.flatMap((e) => {
    const mode = e.type === 'directory' ? modes.folders : modes.files;
    return mode === undefined ? [] : [{ ...e, mode }];
  });
}

/**
 * A script's recursive request, `{ files: "644", folders: 755 }` (either may be left out); undefined
 * when `spec` is not such an object. A value that is not a mode throws (nothing is changed).
 */
export function parseRecursiveModes(spec: unknown): RecursiveModes | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const { files, folders } = spec as Record<string, unknown>;
  const one = (value: unknown, kind: string): number | undefined => {
    if (value === undefined) return undefined;
    const mode = typeof value === 'number' ? value : typeof value === 'string' ? parseMode(value) : undefined;
    if (mode === undefined || mode < 0 || mode > 0o7777) throw new Error(`not a mode for ${kind}: ${JSON.stringify(value)} (use octal such as 644, or rw-r--r--)`);
    return mode;
  };
  const modes = { files: one(files, 'files'), folders: one(folders, 'folders') };
  if (modes.files === undefined && modes.folders === undefined) throw new Error('a recursive chmod needs a mode for files, for folders, or both');
  return modes;
}
