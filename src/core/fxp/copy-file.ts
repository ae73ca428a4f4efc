import * as path from 'node:path';
import { CancelledError, ConnectionError, FerryClientError, FtpClient, RemoteReplyError, VerificationError } from '../client';
import type { FtpConnection } from '../client/connection';
import type { RemoteEntry } from '../client/remote-entry';
import { remoteHash } from '../client/verify';
import { fxpCopy, FxpDataProtection, FxpProtectionPlan } from './fxp-copy';
import { FxpRefusedError, FxpStalledError } from './fxp-errors';
import { relayCopy } from './relay';

/**
 * What to do when the target file exists. `skip-identical` skips it when it has the source's size
 * and hash (or, without a common hash, modification time to the second), and overwrites otherwise.
 */
export type ConflictRule = 'overwrite' | 'skip' | 'skip-identical' | 'resume' | 'rename';

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

/**
 * skip-identical: what proves the existing target equals the source ("size+sha256", "size+mtime"),
 * or undefined when it may differ. Modification times count to the second (MDTM and many MLST
 * replies carry no fraction); they match on files an earlier copy gave the source's time.
 */
async function identical(source: CopyEndpoint, target: CopyEndpoint, src: RemoteEntry, dst: RemoteEntry): Promise<string | undefined> {
  if (dst.type !== 'file' || dst.size !== src.size) return undefined;
  const hashes = await compareHashes(source, target, dst.path);
  if (hashes) return hashes.source === hashes.target ? `size+${hashes.algorithm}` : undefined;
  const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : NaN);
  return seconds(src.modifiedAt) === seconds(dst.modifiedAt) ? 'size+mtime' : undefined;
}

/** Where to write and from which offset, or a finished "skipped" result, after the conflict rule looked at the target. */
async function applyConflictRule(source: CopyEndpoint, target: CopyEndpoint, src: RemoteEntry, conflict: ConflictRule): Promise<{ targetPath: string; offset: number } | CopyResult> {
  const existing = await target.client.stat(target.path);
  const skipped = (verified: string): CopyResult => ({ method: 'skipped', targetPath: target.path, size: existing?.size ?? 0, offset: 0, clientBytes: 0, verified });
  if (!existing) return { targetPath: target.path, offset: 0 };
  if (conflict === 'skip') return skipped('none');
  if (conflict === 'skip-identical') {
    const proof = await identical(source, target, src, existing);
    if (proof) return skipped(proof);
  }
  if (conflict === 'rename') return { targetPath: await freeName(target), offset: 0 };
  if (conflict === 'resume' && existing.type === 'file' && existing.size <= src.size) return { targetPath: target.path, offset: existing.size };
  return { targetPath: target.path, offset: 0 };
}

/** Verifies, then gives the target the source's modification time (a refusal is only logged: the bytes are right). */
async function complete(source: CopyEndpoint, target: CopyEndpoint, src: RemoteEntry, result: Omit<CopyResult, 'verified'>, options: CopyOptions): Promise<CopyResult> {
  const verified = await verifyCopy(source, target, result.targetPath, result.size, options.verify ?? true);
  if ((options.preserveTime ?? true) && src.modifiedAt) {
    await target.client.setModifiedTime(result.targetPath, src.modifiedAt).catch((err: Error) => options.log?.(`cannot set the modification time of ${result.targetPath}: ${err.message}`));
  }
  return { ...result, verified };
}

/** Tries each FXP plan in turn; the result of the first that works, or undefined with the reasons in `refusals`. */
async function tryFxp(source: CopyEndpoint, target: CopyEndpoint, plan: { targetPath: string; offset: number; size: number; conflict: ConflictRule }, refusals: string[], options: CopyOptions): Promise<Omit<CopyResult, 'verified'> | undefined> {
  const log = options.log ?? (() => undefined);
  const { targetPath, size, conflict } = plan;
  const plans = await fxpPlans(source, target, options);
  if (typeof plans === 'string') refusals.push(plans);
  const endpoint = { source, target };
  for (const way of typeof plans === 'string' ? [] : plans) {
    const label = `${way.passive} passive${way.protection ? `, ${way.protection.mode}${'side' in way.protection ? ` on the ${way.protection.side}` : ''}` : ''}`;
    const tlsServer = tlsServerOf(way);
    if (tlsServer && requiresReuse.has(endpoint[tlsServer].client)) {
      refusals.push(`${label}: not tried, the ${tlsServer} server requires TLS session reuse`);
      continue;
    }
    try {
      options.onMethod?.('fxp', way.protection?.mode);
      const { protection } = await source.client.pool.run(
        (srcConn) =>
          target.client.pool.run(
            (dstConn) =>
              fxpCopy(srcConn, dstConn, source.path, targetPath, {
                passive: way.passive,
                protection: way.protection,
                offset: plan.offset,
                stallTimeoutMs: options.stallTimeoutMs,
                pollIntervalMs: options.pollIntervalMs,
                signal: options.signal,
                log,
                onProgress: (done) => options.onProgress?.(done, size),
                // On another pooled connection; a busy pool must not block the watchdog.
                pollTargetSize: () => Promise.race([targetSize(target, targetPath), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]),
              }),
            { context: { operation: 'FXP copy', path: targetPath }, signal: options.signal },
          ),
        { context: { operation: 'FXP copy', path: source.path }, signal: options.signal },
      );
      // Mixed TLS/plain pairs learn their (clear) protection only from the copy itself.
      if (protection !== way.protection?.mode) options.onMethod?.('fxp', protection);
      options.onProgress?.(size, size);
      return { method: 'fxp', targetPath, size, offset: plan.offset, clientBytes: 0, passive: way.passive, protection };
    } catch (err) {
      // A refusal, a stall, or a server dropping the connection over the data handshake: try the next way.
      const worthAnother = err instanceof FxpRefusedError || err instanceof FxpStalledError || err instanceof ConnectionError || err instanceof RemoteReplyError;
      if (err instanceof CancelledError || !worthAnother) throw err;
      if (err instanceof FxpRefusedError && /session reuse/i.test(err.reply)) requiresReuse.add(endpoint[err.server].client);
      refusals.push(`${label}: ${err.message}`);
      log(`FXP (${label}) failed: ${err.message}`);
      // Whatever reached the target came from this attempt: continue from there.
      if (plan.offset > 0 || conflict === 'resume') plan.offset = Math.min(await targetSize(target, targetPath), size);
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
  const plan = { ...decided, size, conflict };
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
