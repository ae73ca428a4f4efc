/**
 * What a copy does when its target file exists: one set of rules for FXP copies (fxp/copy-file.ts)
 * and for downloads and uploads (file-transfers.ts), so "identical" and "a free name" mean the
 * same everywhere.
 */

/**
 * What to do when the target file exists. `skip-identical` skips it when it has the source's size
 * and hash (or, without a common hash, modification time to the second), and overwrites otherwise.
 */
export type ConflictRule = 'overwrite' | 'skip' | 'skip-identical' | 'resume' | 'rename';

/** The rules in the order a prompt offers them. */
export const CONFLICT_RULES: readonly ConflictRule[] = ['overwrite', 'resume', 'skip', 'skip-identical', 'rename'];

/** What the rules look at on either side. */
export interface FileFacts {
  type?: 'file' | 'directory' | 'symlink' | 'unknown';
  size: number;
  modifiedAt?: Date;
}

/** Both files' digests with one algorithm, when both sides can tell one. */
export interface HashPair {
  algorithm: string;
  source: string;
  target: string;
}

/** How the rules reach the two sides. */
export interface ConflictSides {
  source: FileFacts;
  /** The target as it is now; undefined when there is none. */
  target: FileFacts | undefined;
  targetPath: string;
  /** Hashes of both files, or undefined when no algorithm is common (asked only for same-size files). */
  hashes(): Promise<HashPair | undefined>;
  /** True when the target side has something at `path`. */
  exists(path: string): Promise<boolean>;
  /** Path helpers of the target side (posix for a server, the OS's for the local disk). */
  paths: { dirname(p: string): string; extname(p: string): string; basename(p: string, ext?: string): string; join(...parts: string[]): string };
}

/** Where to write and from which offset, or a skip with what proves it (`none` for a plain skip). */
export type ConflictDecision = { write: true; targetPath: string; offset: number } | { write: false; proof: string };

/**
 * What proves the existing target equals the source ("size+sha256", "size+mtime"), or undefined
 * when it may differ. Modification times count to the second (MDTM and many MLST replies carry
 * no fraction); they match on files an earlier copy gave the source's time.
 */
export async function sameFile(sides: Pick<ConflictSides, 'source' | 'target' | 'hashes'>): Promise<string | undefined> {
  const { source, target } = sides;
  if (!target || (target.type !== undefined && target.type !== 'file') || target.size !== source.size) return undefined;
  const hashes = await sides.hashes();
  if (hashes) return hashes.source === hashes.target ? `size+${hashes.algorithm}` : undefined;
  const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : NaN);
  return seconds(source.modifiedAt) === seconds(target.modifiedAt) ? 'size+mtime' : undefined;
}

/** "name (1).ext", "name (2).ext", ... until the target side has no such entry. */
export async function freeName(sides: Pick<ConflictSides, 'targetPath' | 'exists' | 'paths'>): Promise<string> {
  const { paths, targetPath } = sides;
  const ext = paths.extname(targetPath);
  const stem = paths.basename(targetPath, ext);
  for (let i = 1; i < 1000; i++) {
    const candidate = paths.join(paths.dirname(targetPath), `${stem} (${i})${ext}`);
    if (!(await sides.exists(candidate))) return candidate;
  }
  throw new Error(`no free name next to ${targetPath}`);
}

/**
 * Applies `rule` to an existing target: resume continues a target no longer than the source
 * (a longer one is not a prefix: it is replaced), skip-identical overwrites what differs.
 */
export async function decideConflict(rule: ConflictRule, sides: ConflictSides): Promise<ConflictDecision> {
  const { target, targetPath } = sides;
  if (!target) return { write: true, targetPath, offset: 0 };
  if (rule === 'skip') return { write: false, proof: 'none' };
  if (rule === 'skip-identical') {
    const proof = await sameFile(sides);
    if (proof) return { write: false, proof };
  }
  if (rule === 'rename') return { write: true, targetPath: await freeName(sides), offset: 0 };
  if (rule === 'resume' && (target.type ?? 'file') === 'file' && target.size <= sides.source.size) return { write: true, targetPath, offset: target.size };
  return { write: true, targetPath, offset: 0 };
}
