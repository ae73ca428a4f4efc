import * as path from 'node:path';
import { CancelledError, ConnectionError, FerryClientError, FtpClient, RemoteReplyError, VerificationError } from '../client';
import type { FtpConnection } from '../client/connection';
import { remoteHash } from '../client/verify';
import { fxpCopy, FxpDataProtection, FxpProtectionPlan } from './fxp-copy';
import { FxpRefusedError, FxpStalledError } from './fxp-errors';
import { relayCopy } from './relay';

/** What to do when the target file exists. */
export type ConflictRule = 'overwrite' | 'skip' | 'resume' | 'rename';

export interface CopyEndpoint {
  client: FtpClient;
  path: string;
}

export interface CopyOptions {
  conflict?: ConflictRule;
  /** Which server listens first (default: target); the other role is tried on refusal. */
  passive?: 'source' | 'target';
  /** Copy through this machine when FXP is refused (default true). */
  allowRelay?: boolean;
  /** With TLS on both and no SSCN/CPSV: clear server-to-server data (default false). */
  allowClearData?: boolean;
  /** Compare sizes (always) and a hash when both servers offer the same one (default true). */
  verify?: boolean;
  stallTimeoutMs?: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Bytes present on the target, total size. */
  onProgress?: (done: number, total: number) => void;
  /** Called when the method is decided or changes (so a queue can show "relay"). */
  onMethod?: (method: 'fxp' | 'relay') => void;
  log?: (line: string) => void;
}

export interface CopyResult {
  method: 'fxp' | 'relay' | 'skipped';
  targetPath: string;
  size: number;
  /** Where this copy started on the target (resume). */
  offset: number;
  /** Payload bytes that passed through this machine (0 for FXP). */
  clientBytes: number;
  /** "size", or "size+sha256" etc. */
  verified: string;
  passive?: 'source' | 'target';
  protection?: FxpDataProtection;
}

interface FxpPlan {
  passive: 'source' | 'target';
  protection?: FxpProtectionPlan;
}

/**
 * The ways to try, in order: the preferred passive role first. With TLS on both sides each
 * server offering SSCN may play the TLS client (some verify the other's certificate and fail,
 * so both are worth a try), then CPSV, then clear data if allowed. A string says why none exists.
 */
async function fxpPlans(source: CopyEndpoint, target: CopyEndpoint, options: CopyOptions): Promise<FxpPlan[] | string> {
  const roles: ('source' | 'target')[] = options.passive === 'source' ? ['source', 'target'] : ['target', 'source'];
  const [s, t] = await Promise.all([source.client.connect(), target.client.connect()]);
  if (!(s.secure && t.secure)) return roles.map((passive) => ({ passive }));
  const caps = { source: s.capabilities, target: t.capabilities };
  const plans: FxpPlan[] = [];
  for (const passive of roles) {
    const other: 'source' | 'target' = passive === 'source' ? 'target' : 'source';
    for (const side of [passive, other]) if (caps[side].sscn) plans.push({ passive, protection: { mode: 'sscn', side } });
    if (caps[passive].cpsv) plans.push({ passive, protection: { mode: 'cpsv' } });
  }
  if (options.allowClearData) for (const passive of roles) plans.push({ passive, protection: { mode: 'clear' } });
  return plans.length > 0 ? plans : 'both servers use TLS, neither offers SSCN or CPSV, and clear server-to-server data is not allowed';
}

/** "name (1).ext", "name (2).ext", ... until the target has no such file. */
async function freeName(target: CopyEndpoint): Promise<string> {
  const dir = path.posix.dirname(target.path);
  const ext = path.posix.extname(target.path);
  const stem = path.posix.basename(target.path, ext);
  for (let i = 1; i < 1000; i++) {
    const candidate = path.posix.join(dir, `${stem} (${i})${ext}`);
    if (!(await target.client.stat(candidate))) return candidate;
  }
  throw new Error(`no free name next to ${target.path}`);
}

async function targetSize(target: CopyEndpoint, targetPath: string): Promise<number> {
  return (await target.client.stat(targetPath))?.size ?? 0;
}

/** Sizes always; a hash when both servers offer one algorithm in common. */
async function verifyCopy(source: CopyEndpoint, target: CopyEndpoint, targetPath: string, size: number, withHash: boolean): Promise<string> {
  const got = await targetSize(target, targetPath);
  const context = { operation: 'verify copy', host: target.client.pool.label, path: targetPath };
  if (got !== size) throw new VerificationError(`target has ${got} bytes, source ${size}`, context);
  if (!withHash) return 'size';
  const srcCaps = await source.client.connect().then((c) => c.capabilities);
  const dstCaps = await target.client.connect().then((c) => c.capabilities);
  const common = srcCaps.hash.some((h) => dstCaps.hash.includes(h)) || srcCaps.legacyHashes.some((h) => dstCaps.legacyHashes.includes(h));
  if (!common) return 'size';
  const [a, b] = await Promise.all([
    source.client.pool.run((c: FtpConnection) => remoteHash(c, source.path), { context: { operation: 'hash', path: source.path } }),
    target.client.pool.run((c: FtpConnection) => remoteHash(c, targetPath), { context: { operation: 'hash', path: targetPath } }),
  ]);
  if (!a || !b || a.algorithm !== b.algorithm) return 'size';
  if (a.hex !== b.hex) throw new VerificationError(`${a.algorithm} differs: source ${a.hex}, target ${b.hex}`, context);
  return `size+${a.algorithm}`;
}

/**
 * Copies one file between two sites: FXP with the preferred passive role, the other role on
 * refusal, then (if allowed) a relay through this machine. Resumes from what the target
 * already has when the conflict rule says so (and after a failed attempt of its own), and
 * verifies the result. Never reports success without the sizes matching.
 */
export async function copyFile(source: CopyEndpoint, target: CopyEndpoint, options: CopyOptions = {}): Promise<CopyResult> {
  const log = options.log ?? (() => undefined);
  const srcEntry = await source.client.stat(source.path);
  if (srcEntry?.type !== 'file') throw new Error(`${source.path} on ${source.client.pool.label} is not a file`);
  const size = srcEntry.size;
  let targetPath = target.path;
  let offset = 0;
  const existing = await target.client.stat(targetPath);
  const conflict = options.conflict ?? 'overwrite';
  if (existing) {
    if (conflict === 'skip') return { method: 'skipped', targetPath, size: existing.size, offset: 0, clientBytes: 0, verified: 'none' };
    if (conflict === 'rename') targetPath = await freeName(target);
    if (conflict === 'resume' && existing.type === 'file' && existing.size <= size) offset = existing.size;
  }
  const verify = options.verify ?? true;
  const progress = (done: number) => options.onProgress?.(done, size);
  const refusals: string[] = [];
  if (offset < size || size === 0) {
    const plans = await fxpPlans(source, target, options);
    if (typeof plans === 'string') refusals.push(plans);
    for (const plan of typeof plans === 'string' ? [] : plans) {
      const label = `${plan.passive} passive${plan.protection ? `, ${plan.protection.mode}${'side' in plan.protection ? ` on the ${plan.protection.side}` : ''}` : ''}`;
      try {
        options.onMethod?.('fxp');
        const { protection } = await source.client.pool.run(
          (srcConn) =>
            target.client.pool.run(
              (dstConn) =>
                fxpCopy(srcConn, dstConn, source.path, targetPath, {
                  passive: plan.passive,
                  protection: plan.protection,
                  offset,
                  stallTimeoutMs: options.stallTimeoutMs,
                  pollIntervalMs: options.pollIntervalMs,
                  signal: options.signal,
                  log,
                  onProgress: progress,
                  // On another pooled connection; a busy pool must not block the watchdog.
                  pollTargetSize: () => Promise.race([targetSize(target, targetPath), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]),
                }),
              { context: { operation: 'FXP copy', path: targetPath }, signal: options.signal },
            ),
          { context: { operation: 'FXP copy', path: source.path }, signal: options.signal },
        );
        progress(size);
        return { method: 'fxp', targetPath, size, offset, clientBytes: 0, verified: await verifyCopy(source, target, targetPath, size, verify), passive: plan.passive, protection };
      } catch (err) {
        // A refusal, a stall, or a server dropping the connection over the data handshake: try the next way.
        const worthAnother = err instanceof FxpRefusedError || err instanceof FxpStalledError || err instanceof ConnectionError || err instanceof RemoteReplyError;
        if (err instanceof CancelledError || !worthAnother) throw err;
        refusals.push(`${label}: ${err.message}`);
        log(`FXP (${label}) failed: ${err.message}`);
        // Whatever reached the target came from this attempt: continue from there.
        if (offset > 0 || conflict === 'resume') offset = Math.min(await targetSize(target, targetPath), size);
      }
    }
    if (options.allowRelay === false) {
      throw new FerryClientError(
        `FXP failed both ways (${refusals.join('; ')}) and relaying through this machine is disabled`,
        { operation: 'FXP copy', host: `${source.client.pool.label} -> ${target.client.pool.label}`, path: targetPath },
        'allow the relay, or permit FXP on the servers (Ferry: allow_fxp = YES; vsftpd: port_promiscuous/pasv_promiscuous)',
      );
    }
    log(`relaying ${source.path} through this machine from offset ${offset}`);
    options.onMethod?.('relay');
    const clientBytes = await relayCopy(source.client, target.client, source.path, targetPath, offset, { signal: options.signal, onProgress: progress });
    return { method: 'relay', targetPath, size, offset, clientBytes, verified: await verifyCopy(source, target, targetPath, size, verify) };
  }
  return { method: 'fxp', targetPath, size, offset, clientBytes: 0, verified: await verifyCopy(source, target, targetPath, size, verify) };
}
