import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ConflictDecision, ConflictRule, ConflictSides, decideConflict, FileFacts, HashPair, sameFile } from './conflicts';
import type { FtpConnection } from './connection';
import { CancelledError } from './errors';
import { statPath } from './listing';
import { remoteModifiedTime } from './modified-time';
import { localHash, remoteHash } from './verify';

/** Asks what to do with an existing target (lazily: only when there is one); undefined stops the transfer. */
export type ConflictHook = (targetPath: string) => Promise<ConflictRule | undefined>;

/** Where a download or upload writes, from which offset; or why it is skipped. */
export type TransferTarget = { skipped: false; path: string; offset: number } | { skipped: true; path: string; proof: string };

async function localFacts(file: string): Promise<FileFacts | undefined> {
  const stat = await fsp.stat(file).catch(() => undefined);
  return stat && { type: stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'unknown', size: stat.size, modifiedAt: stat.mtime };
}

/** The remote file's hash and the local file's with the same algorithm, when the server offers one (HASH, XSHA256...). */
async function hashPair(conn: FtpConnection, remotePath: string, localPath: string, remoteIs: 'source' | 'target'): Promise<HashPair | undefined> {
  const remote = await remoteHash(conn, remotePath);
  if (!remote) return undefined;
  const local = await localHash(localPath, remote.algorithm);
  return remoteIs === 'source' ? { algorithm: remote.algorithm, source: remote.hex, target: local } : { algorithm: remote.algorithm, source: local, target: remote.hex };
}

/**
 * The rule for an existing target. Without a hook: overwrite, or resume when resuming. When
 * resuming, an earlier "overwrite" (or "skip-identical" that found a difference) already began
 * writing the target: it is this transfer's own partial file, so it is continued.
 */
async function ruleFor(host: string, targetPath: string, resume: boolean, hook: ConflictHook | undefined): Promise<ConflictRule> {
  const rule = hook ? await hook(targetPath) : 'overwrite';
  if (rule === undefined) throw new CancelledError({ operation: 'transfer', host, path: targetPath });
  return resume && (rule === 'overwrite' || rule === 'skip-identical') ? 'resume' : rule;
}

function asTarget(decision: ConflictDecision, targetPath: string): TransferTarget {
  return decision.write ? { skipped: false, path: decision.targetPath, offset: decision.offset } : { skipped: true, path: targetPath, proof: decision.proof };
}

/**
 * The rule's decision about an existing target. When resuming, a target identical to the source
 * (size, and hash or time) is one this transfer finished before it was cut: skipped without a question.
 */
async function decide(host: string, sides: ConflictSides, options: { resume?: boolean; conflict?: ConflictHook }): Promise<TransferTarget> {
  const proof = options.resume ? await sameFile(sides) : undefined;
  if (proof) return { skipped: true, path: sides.targetPath, proof };
  return asTarget(await decideConflict(await ruleFor(host, sides.targetPath, options.resume ?? false, options.conflict), sides), sides.targetPath);
}

/**
 * Where a download goes. With a `partSuffix` the bytes go to `<name><suffix>` (renamed into
 * place by the caller once complete), and a resume continues that file, which is this
 * transfer's own; an existing final file is the user's, and the conflict rule decides about it
 * (a "resume" moves it to the partial name first, so it never looks complete while it grows).
 */
export async function downloadTarget(
  conn: FtpConnection,
  remotePath: string,
  localPath: string,
  remoteSize: number | undefined,
  options: { resume?: boolean; partSuffix?: string; conflict?: ConflictHook },
): Promise<TransferTarget & { part: string }> {
  const suffix = options.partSuffix ?? '';
  const part = await localFacts(localPath + suffix);
  if (options.resume && part?.type === 'file') return { skipped: false, path: localPath, part: localPath + suffix, offset: remoteSize === undefined || part.size <= remoteSize ? part.size : 0 };
  const existing = suffix ? await localFacts(localPath) : part;
  const target: TransferTarget = !existing
    ? { skipped: false, path: localPath, offset: 0 }
    : await decide(conn.label, {
        source: { size: remoteSize ?? (await statPath(conn, remotePath))?.size ?? 0, modifiedAt: await remoteModifiedTime(conn, remotePath) },
        target: existing,
        targetPath: localPath,
        hashes: () => hashPair(conn, remotePath, localPath, 'source'),
        exists: async (candidate) => fs.existsSync(candidate) || fs.existsSync(candidate + suffix),
        paths: path,
      }, options);
  // Continuing the user's file: it becomes the partial file until it is complete.
  if (!target.skipped && target.offset > 0 && suffix) await fsp.rename(target.path, target.path + suffix);
  return { ...target, part: target.path + suffix };
}

/** Where an upload goes: the conflict rule decides about an existing remote file (resume continues a shorter one). */
export async function uploadTarget(
  conn: FtpConnection,
  localPath: string,
  remotePath: string,
  local: FileFacts,
  existing: FileFacts | undefined,
  options: { resume?: boolean; conflict?: ConflictHook },
): Promise<TransferTarget> {
  if (!existing) return { skipped: false, path: remotePath, offset: 0 };
  return decide(conn.label, {
    source: local,
    target: existing,
    targetPath: remotePath,
    hashes: () => hashPair(conn, remotePath, localPath, 'target'),
    exists: async (candidate) => (await statPath(conn, candidate)) !== undefined,
    paths: path.posix,
  }, options);
}
