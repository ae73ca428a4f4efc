import * as path from 'node:path';
import { CancelledError, ConnectionError, FerryClientError, FtpClient, RemoteReplyError, VerificationError } from '../client';
import type { FtpConnection } from '../client/connection';
import type { RemoteEntry } from '../client/remote-entry';
import { ConflictRule, decideConflict } from '../client/conflicts';
import { remoteHash } from '../client/verify';
import { fxpCopy, FxpCopyOptions, FxpDataProtection, FxpProtectionPlan } from './fxp-copy';
import { FxpRefusedError, FxpStalledError } from './fxp-errors';
import { relayCopy } from './relay';

export type { ConflictRule } from '../client/conflicts';

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
  /** Give the target the source's modification time after the copy (default true): what makes skip-identical work on later copies. */
  preserveTime?: boolean;
  signal?: AbortSignal;
  /** Bytes present on the target, total size. */
  onProgress?: (done: number, total: number) => void;
  /** Called when the method is decided or changes (so a queue can show "relay"), with an FXP data channel's protection once known. */
  onMethod?: (method: 'fxp' | 'relay', protection?: FxpDataProtection) => void;
  /** Called once the target path is decided, before any byte is written (rename picks a free name). */
  onTargetPath?: (targetPath: string) => void;
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

/**
 * Servers seen refusing a server-to-server TLS data connection with "session reuse required"
 * (vsftpd's and Ferry's require_ssl_reuse): as TLS server they accept only a data connection
 * that resumes their own control connection's session, which the other server, the TLS client,
 * can never hold. Ways that would make them the TLS server are not tried again with them; the
 * other server has to be (and two such servers cannot do TLS FXP at all: relay, or turn the
 * option off on one of them).
 */
const requiresReuse = new WeakSet<FtpClient>();

/** The server that plays TLS server on a way's data connection: SSCN ON and CPSV make the other one the TLS client. */
function tlsServerOf(way: FxpPlan): 'source' | 'target' | undefined {
  const protection = way.protection;
  if (protection?.mode === 'sscn') return protection.side === 'source' ? 'target' : 'source';
  if (protection?.mode === 'cpsv') return way.passive === 'source' ? 'target' : 'source';
  return undefined;
}

async function targetSize(target: CopyEndpoint, targetPath: string): Promise<number> {
  return (await target.client.stat(targetPath))?.size ?? 0;
}

/** Both files' hashes when the servers offer one algorithm in common (HASH or the legacy X commands); undefined otherwise. */
async function compareHashes(source: CopyEndpoint, target: CopyEndpoint, targetPath: string): Promise<{ algorithm: string; source: string; target: string } | undefined> {
  const [srcCaps, dstCaps] = await Promise.all([source.client.connect(), target.client.connect()]).then((both) => both.map((c) => c.capabilities));
  const common = srcCaps.hash.some((h) => dstCaps.hash.includes(h)) || srcCaps.legacyHashes.some((h) => dstCaps.legacyHashes.includes(h));
  if (!common) return undefined;
  const [a, b] = await Promise.all([
    source.client.pool.run((c: FtpConnection) => remoteHash(c, source.path), { context: { operation: 'hash', path: source.path } }),
    target.client.pool.run((c: FtpConnection) => remoteHash(c, targetPath), { context: { operation: 'hash', path: targetPath } }),
  ]);
  if (!a || !b || a.algorithm !== b.algorithm) return undefined;
  return { algorithm: a.algorithm, source: a.hex, target: b.hex };
}

/** Sizes always; a hash when both servers offer one algorithm in common. */
async function verifyCopy(source: CopyEndpoint, target: CopyEndpoint, targetPath: string, size: number, withHash: boolean): Promise<string> {
  const got = await targetSize(target, targetPath);
  const context = { operation: 'verify copy', host: target.client.pool.label, path: targetPath };
  if (got !== size) throw new VerificationError(`target has ${got} bytes, source ${size}`, context);
  const hashes = withHash ? await compareHashes(source, target, targetPath) : undefined;
  if (!hashes) return 'size';
  if (hashes.source !== hashes.target) throw new VerificationError(`${hashes.algorithm} differs: source ${hashes.source}, target ${hashes.target}`, context);
  return `size+${hashes.algorithm}`;
}

/** Where to write and from which offset, or a finished "skipped" result, after the conflict rule (client/conflicts.ts) looked at the target. */
async function applyConflictRule(source: CopyEndpoint, target: CopyEndpoint, src: RemoteEntry, conflict: ConflictRule): Promise<{ targetPath: string; offset: number } | CopyResult> {
  const existing = await target.client.stat(target.path);
  const decided = await decideConflict(conflict, {
    source: src,
    target: existing,
    targetPath: target.path,
    hashes: () => compareHashes(source, target, target.path),
    exists: async (candidate) => (await target.client.stat(candidate)) !== undefined,
    paths: path.posix,
  });
  if (decided.write) return decided;
  return { method: 'skipped', targetPath: target.path, size: existing?.size ?? 0, offset: 0, clientBytes: 0, verified: decided.proof };
}

/** Verifies, then gives the target the source's modification time (a refusal is only logged: the bytes are right). */
async function complete(source: CopyEndpoint, target: CopyEndpoint, src: RemoteEntry, result: Omit<CopyResult, 'verified'>, options: CopyOptions): Promise<CopyResult> {
  const verified = await verifyCopy(source, target, result.targetPath, result.size, options.verify ?? true);
  if ((options.preserveTime ?? true) && src.modifiedAt) {
    await target.client.setModifiedTime(result.targetPath, src.modifiedAt).catch((err: Error) => options.log?.(`cannot set the modification time of ${result.targetPath}: ${err.message}`));
  }
  return { ...result, verified };
}

/** Where and how much one copy writes: the target path, the offset to start from (it moves after a failed attempt), the source size. */
interface CopyPlan {
  targetPath: string;
  offset: number;
  size: number;
  conflict: ConflictRule;
}

/** The label a way has in logs and refusals, e.g. "target passive, sscn on the source". */
function wayLabel(way: FxpPlan): string {
  const protection = way.protection;
  if (!protection) return `${way.passive} passive`;
  return `${way.passive} passive, ${protection.mode}${'side' in protection ? ` on the ${protection.side}` : ''}`;
}

/** One FXP attempt along `way`, on a pooled control connection of each server. */
function fxpAttempt(source: CopyEndpoint, target: CopyEndpoint, way: FxpPlan, plan: CopyPlan, options: CopyOptions): Promise<{ protection?: FxpDataProtection }> {
  const { targetPath, size } = plan;
  const fxpOptions: FxpCopyOptions = {
    passive: way.passive,
    protection: way.protection,
    offset: plan.offset,
    stallTimeoutMs: options.stallTimeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    signal: options.signal,
    log: options.log,
    onProgress: (done) => options.onProgress?.(done, size),
    // On another pooled connection; a busy pool must not block the watchdog.
    pollTargetSize: () => Promise.race([targetSize(target, targetPath), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]),
  };
  const withTarget = (srcConn: FtpConnection) =>
    target.client.pool.run((dstConn) => fxpCopy(srcConn, dstConn, source.path, targetPath, fxpOptions), { context: { operation: 'FXP copy', path: targetPath }, signal: options.signal });
  return source.client.pool.run(withTarget, { context: { operation: 'FXP copy', path: source.path }, signal: options.signal });
}

/** A failed attempt that another way may still get past: a refusal, a stall, or a server dropping the connection over the data handshake. */
function worthAnotherWay(err: unknown): err is Error {
  if (err instanceof CancelledError) return false;
  return err instanceof FxpRefusedError || err instanceof FxpStalledError || err instanceof ConnectionError || err instanceof RemoteReplyError;
}

/** Tries each FXP plan in turn; the result of the first that works, or undefined with the reasons in `refusals`. */
async function tryFxp(source: CopyEndpoint, target: CopyEndpoint, plan: CopyPlan, refusals: string[], options: CopyOptions): Promise<Omit<CopyResult, 'verified'> | undefined> {
  const { targetPath, size } = plan;
  const plans = await fxpPlans(source, target, options);
  if (typeof plans === 'string') refusals.push(plans);
  const endpoint = { source, target };
  for (const way of typeof plans === 'string' ? [] : plans) {
    const label = wayLabel(way);
    const tlsServer = tlsServerOf(way);
    if (tlsServer && requiresReuse.has(endpoint[tlsServer].client)) {
      refusals.push(`${label}: not tried, the ${tlsServer} server requires TLS session reuse`);
      continue;
    }
    try {
      options.onMethod?.('fxp', way.protection?.mode);
      const { protection } = await fxpAttempt(source, target, way, plan, options);
      // Mixed TLS/plain pairs learn their (clear) protection only from the copy itself.
      if (protection !== way.protection?.mode) options.onMethod?.('fxp', protection);
      options.onProgress?.(size, size);
      return { method: 'fxp', targetPath, size, offset: plan.offset, clientBytes: 0, passive: way.passive, protection };
    } catch (err) {
      if (!worthAnotherWay(err)) throw err;
      if (err instanceof FxpRefusedError && /session reuse/i.test(err.reply)) requiresReuse.add(endpoint[err.server].client);
      refusals.push(`${label}: ${err.message}`);
      options.log?.(`FXP (${label}) failed: ${err.message}`);
      // Whatever reached the target came from this attempt: continue from there.
      if (plan.offset > 0 || plan.conflict === 'resume') plan.offset = Math.min(await targetSize(target, targetPath), size);
    }
  }
  return undefined;
}

/**
 * Copies one file between two sites: FXP with the preferred passive role, the other role on
 * refusal, then (if allowed) a relay through this machine. Resumes from what the target
 * already has when the conflict rule says so (and after a failed attempt of its own), and
 * verifies the result. Never reports success without the sizes matching.
 */
export async function copyFile(source: CopyEndpoint, target: CopyEndpoint, options: CopyOptions = {}): Promise<CopyResult> {
  const srcEntry = await source.client.stat(source.path);
  if (srcEntry?.type !== 'file') throw new Error(`${source.path} on ${source.client.pool.label} is not a file`);
  const size = srcEntry.size;
  const conflict = options.conflict ?? 'overwrite';
  const decided = await applyConflictRule(source, target, srcEntry, conflict);
  if ('method' in decided) return decided;
  options.onTargetPath?.(decided.targetPath);
  const plan: CopyPlan = { ...decided, size, conflict };
  if (plan.offset >= size && size > 0) return complete(source, target, srcEntry, { method: 'fxp', targetPath: plan.targetPath, size, offset: plan.offset, clientBytes: 0 }, options);
  const refusals: string[] = [];
  const fxp = await tryFxp(source, target, plan, refusals, options);
  if (fxp) return complete(source, target, srcEntry, fxp, options);
  if (options.allowRelay === false) {
    throw new FerryClientError(
      `FXP failed both ways (${refusals.join('; ')}) and relaying through this machine is disabled`,
      { operation: 'FXP copy', host: `${source.client.pool.label} -> ${target.client.pool.label}`, path: plan.targetPath },
      refusals.some((r) => /session reuse/i.test(r))
        ? 'allow the relay, or let one server accept TLS data connections from the other (Ferry and vsftpd: require_ssl_reuse = NO; proftpd: TLSOptions NoSessionReuseRequired)'
        : 'allow the relay, or permit FXP on the servers (Ferry: allow_fxp = YES; vsftpd: port_promiscuous/pasv_promiscuous)',
    );
  }
  options.log?.(`relaying ${source.path} through this machine from offset ${plan.offset}`);
  options.onMethod?.('relay');
  const clientBytes = await relayCopy(source.client, target.client, source.path, plan.targetPath, plan.offset, { signal: options.signal, onProgress: (done) => options.onProgress?.(done, size) });
  return complete(source, target, srcEntry, { method: 'relay', targetPath: plan.targetPath, size, offset: plan.offset, clientBytes }, options);
}
