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
