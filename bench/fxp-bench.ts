/**
 * FXP benchmark (run by run.ts as BENCH_PHASES=fxp, or alone: node out/bench/fxp-bench.js).
 *
 * A 1 GiB FXP copy vsftpd -> Ferry and Ferry -> vsftpd against what the two servers do on their
 * own in the same run: curl downloading the file from the source (to /dev/null) and curl
 * uploading it to the target. A server-to-server copy needs both at once, so its bound is the
 * slower of the two: the target is FXP >= 0.9 x min(source's download, target's upload), per
 * repetition, median over the repetitions. Every rate is 1e6 bytes per second over the transfer
 * phase: curl's time_total - time_pretransfer (to the 226), the FXP copy from the start of
 * PASV/PORT/STOR/RETR to both 226s. The relay (the same copy through the client) runs alongside
 * for the client's payload bytes and CPU, and lftp's FXP of the same file as a second client.
 *
 * Both servers, curl and the FXP client share the machine's cores, and on a shared machine other
 * processes take some too: each measurement records the cores other processes used meanwhile
 * ("others"), and a second round pins each server to a core of its own (taskset; curl on the
 * other core) for a comparison that scheduling does not blur. See bench/README.md.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { worker } from './client-bench';
import { curl } from './curl';
import { makeRandomFile } from './files';
import { otherLoad } from './procstat';
import { RunningServer, runAlone, startFerry, startVsftpd } from './servers';
import { emit, median, printTargets, progress, TargetRow } from './stats';

const MiB = 1 << 20;
const QUICK = process.env.BENCH_QUICK === '1';
const SIZE = QUICK ? 64 * MiB : 1 << 30;
const REPS = Number(process.env.BENCH_REPS) || (QUICK ? 2 : 5);
/** Other processes using more than this many cores during a measurement make its repetition "busy". */
const BUSY_CORES = 0.25;

/** One measurement: a rate, how busy the rest of the machine was, and the client's side of a copy. */
interface Sample {
  mbps: number;
  others: number;
  clientCpu?: number;
  clientBytes?: number;
  readBytes?: number;
  /** FXP: the whole copyFile, logins and checks included (what a user waits for). */
  endToEndMbps?: number;
}

/** What client-worker.ts reports for a copy between two servers. */
interface WorkerResult {
  ms: number;
  transferMs: number;
  cpu: number;
  clientBytes: number;
  readBytes: number;
}

interface Direction {
  name: string;
  from: RunningServer;
  to: RunningServer;
}

const site = (s: RunningServer) => ({ host: s.host, port: s.port, user: s.user, password: s.pass, dataMode: 'passive' as const });
const rate = (seconds: number) => SIZE / 1e6 / seconds;

/** Size of a file the servers wrote, then gone (a fresh upload next to another fresh 1 GiB file runs slower). */
function takeUpload(root: string, rel: string): number | undefined {
  const file = path.join(root, rel);
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  fs.rmSync(file, { force: true });
  return size;
}

/** The measurements of one round, kept per kind and server or direction ("dl:vsftpd", "fxp:ferry_to_vsftpd"). */
class FxpBench {
  private readonly samples = new Map<string, Sample[]>();

  constructor(
    private readonly root: string,
    private readonly servers: RunningServer[],
    /** CPU each server is pinned to in the pinned round; curl then runs on the other one. */
    private readonly pinned?: Map<RunningServer, number>,
  ) {}

  private add(key: string, sample: Sample): void {
    this.samples.set(key, [...(this.samples.get(key) ?? []), sample]);
  }

  get(key: string): Sample[] {
    return this.samples.get(key) ?? [];
  }

  private curlCpu(server: RunningServer): number | undefined {
    const cpu = this.pinned?.get(server);
    return cpu === undefined ? undefined : 1 - cpu;
  }

  async download(server: RunningServer): Promise<void> {
    const others = otherLoad(this.servers);
    const r = await curl(['-u', `${server.user}:${server.pass}`, '-o', '/dev/null', `ftp://${server.host}:${server.port}/big.bin`], 300, this.curlCpu(server));
    const t = r.transfers[0];
    if (r.exitCode !== 0 || t?.bytesDown !== SIZE) throw new Error(`curl download from ${server.name}: exit ${r.exitCode} ${r.stderr}`);
    this.add(`dl:${server.name}`, { mbps: rate(t.total - t.preTransfer), others: others() });
  }

  async upload(server: RunningServer): Promise<void> {
    const rel = `${server.uploadDir}/fxp-bench-curl.bin`;
    const others = otherLoad(this.servers);
    const r = await curl(['-u', `${server.user}:${server.pass}`, '-T', path.join(this.root, 'big.bin'), `ftp://${server.host}:${server.port}/${rel}`], 300, this.curlCpu(server));
    const load = others();
    const t = r.transfers[0];
    const size = takeUpload(this.root, rel);
    if (r.exitCode !== 0 || t?.bytesUp !== SIZE || size !== SIZE) throw new Error(`curl upload to ${server.name}: exit ${r.exitCode}, ${size} bytes on disk ${r.stderr}`);
    this.add(`ul:${server.name}`, { mbps: rate(t.total - t.preTransfer), others: load });
  }

  async copy(op: 'fxp' | 'relay', d: Direction): Promise<void> {
    const rel = `${d.to.uploadDir}/fxp-bench-${op}.bin`;
    const others = otherLoad(this.servers);
    const r = await worker<WorkerResult>(op, { site: site(d.from), target: site(d.to), remote: 'big.bin', targetPath: rel });
    const load = others();
    const size = takeUpload(this.root, rel);
    if (size !== SIZE) throw new Error(`${op} ${d.name}: ${size} bytes on the target`);
    this.add(`${op}:${d.name}`, {
      mbps: rate(r.transferMs / 1000),
      others: load,
      clientCpu: r.cpu,
      clientBytes: r.clientBytes,
      readBytes: r.readBytes,
      endToEndMbps: rate(r.ms / 1000),
    });
  }

  /**
   * The same copy with lftp's FXP (the same roles: target passive, source PORT), timed as a
   * process from start to exit, like `fxp_end_to_end_MBps` (logins and checks included).
   */
  async lftp(d: Direction): Promise<void> {
    const rel = `${d.to.uploadDir}/fxp-bench-lftp.bin`;
    const url = (s: RunningServer, p: string) => `ftp://${encodeURIComponent(s.user)}:${encodeURIComponent(s.pass)}@${s.host}:${s.port}/${p}`;
    const others = otherLoad(this.servers);
    const started = process.hrtime.bigint();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile('lftp', ['-c', `set ftp:use-fxp yes; set ftp:fxp-force yes; set ftp:fxp-passive-source no; set net:max-retries 1; get ${url(d.from, 'big.bin')} -o ${url(d.to, rel)}`], { timeout: 300_000 }, (err, _out, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const load = others();
    const size = takeUpload(this.root, rel);
    if (r.code !== 0 || size !== SIZE) throw new Error(`lftp ${d.name}: exit ${r.code}, ${size} bytes on the target: ${r.stderr.trim()}`);
    this.add(`lftp:${d.name}`, { mbps: rate(seconds), others: load });
  }

  /**
   * Per repetition: the FXP rate over min(source download, target upload) of the same
   * repetition. `quiet`: only repetitions where no other process used more than BUSY_CORES
   * during any of the three measurements.
   */
  ratios(d: Direction, quiet = false): number[] {
    const [fxp, dl, ul] = [this.get(`fxp:${d.name}`), this.get(`dl:${d.from.name}`), this.get(`ul:${d.to.name}`)];
    const out: number[] = [];
    fxp.forEach((f, i) => {
      if (quiet && [f, dl[i], ul[i]].some((s) => s.others > BUSY_CORES)) return;
      out.push(f.mbps / Math.min(dl[i].mbps, ul[i].mbps));
    });
    return out;
  }
}

/** lftp is there to compare with (apt-get install lftp). */
function hasLftp(): boolean {
  return spawnSync('lftp', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One round: every measurement REPS times, in an order that rotates per repetition. */
async function round(bench: FxpBench, directions: Direction[], servers: RunningServer[], full: boolean, label: string): Promise<void> {
  const ops: (() => Promise<void>)[] = [];
  for (const s of servers) ops.push(() => bench.download(s), () => bench.upload(s));
  for (const d of directions) {
    ops.push(() => bench.copy('fxp', d));
    if (full) ops.push(() => bench.copy('relay', d));
    if (full && hasLftp()) ops.push(() => bench.lftp(d));
  }
  for (let rep = 0; rep < REPS; rep++) {
    progress(`fxp ${label}rep ${rep + 1}/${REPS}`);
    for (let i = 0; i < ops.length; i++) await ops[(i + rep) % ops.length]();
  }
}

/** A metric's median, then each repetition's value as `metric#N`. */
function series(metric: string, values: number[], unit: string, digits = 2): void {
  emit(metric, median(values), unit, digits);
  values.forEach((v, i) => emit(`${metric}#${i + 1}`, v, unit, digits));
}


/** The round's rates and ratios against curl, and a target row per direction (info only for the pinned round). */
function report(bench: FxpBench, directions: Direction[], servers: RunningServer[], prefix: string, targets: TargetRow[], info: boolean): void {
  for (const s of servers) {
    series(`${prefix}src_dl_MBps.${s.name}`, bench.get(`dl:${s.name}`).map((x) => x.mbps), 'MB/s', 0);
    series(`${prefix}dst_ul_MBps.${s.name}`, bench.get(`ul:${s.name}`).map((x) => x.mbps), 'MB/s', 0);
  }
  for (const d of directions) {
    const fxp = bench.get(`fxp:${d.name}`);
    series(`${prefix}copy_MBps.${d.name}.fxp`, fxp.map((x) => x.mbps), 'MB/s', 0);
    emit(`${prefix}end_to_end_MBps.${d.name}.fxp`, median(fxp.map((x) => x.endToEndMbps!)), 'MB/s', 0);
    const ratios = bench.ratios(d);
    series(`${prefix}ratio.${d.name}.fxp_vs_min_src_dl_dst_ul`, ratios, 'x');
    const quiet = bench.ratios(d, true);
    emit(`${prefix}ratio_quiet.${d.name}.fxp_vs_min_src_dl_dst_ul`, median(quiet), 'x');
    emit(`${prefix}ratio_quiet_reps.${d.name}`, quiet.length, `of ${ratios.length}`, 0);
    const label = `FXP ${d.name.replace('_to_', ' -> ')}${info ? ', servers pinned' : ''} vs min(dl, ul)`;
    const value = median(ratios);
    targets.push({ label, wanted: info ? '(info)' : '>= 0.90 x', value, ok: info || value >= 0.9, unit: 'x' });
  }
  const all = [...new Set(directions.flatMap((d) => [`fxp:${d.name}`, `relay:${d.name}`, `dl:${d.from.name}`, `ul:${d.to.name}`]))];
  emit(`${prefix}others_cores`, median(all.flatMap((k) => bench.get(k).map((x) => x.others))), 'cores');
}

/** The client's side: relay and lftp rates, payload and bytes read, CPU of FXP against the relay. */
function reportClient(bench: FxpBench, directions: Direction[], targets: TargetRow[]): void {
  for (const d of directions) {
    const [fxp, relay, lftp] = [bench.get(`fxp:${d.name}`), bench.get(`relay:${d.name}`), bench.get(`lftp:${d.name}`)];
    series(`fxp_copy_MBps.${d.name}.relay`, relay.map((x) => x.mbps), 'MB/s', 0);
    if (lftp.length > 0) {
      series(`fxp_end_to_end_MBps.${d.name}.lftp`, lftp.map((x) => x.mbps), 'MB/s', 0);
      const vsLftp = median(fxp.map((x, i) => x.endToEndMbps! / lftp[i].mbps));
      emit(`fxp_end_to_end_ratio.${d.name}.ferry_vs_lftp`, vsLftp, 'x');
      targets.push({ label: `FXP ${d.name.replace('_to_', ' -> ')} end to end vs lftp's FXP`, wanted: '(info)', value: vsLftp, unit: 'x' });
    }
    for (const [method, samples] of [['fxp', fxp], ['relay', relay]] as const) {
      emit(`fxp_client_payload_bytes.${d.name}.${method}`, median(samples.map((x) => x.clientBytes!)), 'B', 0);
      emit(`fxp_client_read_bytes.${d.name}.${method}`, median(samples.map((x) => x.readBytes!)), 'B', 0);
      emit(`fxp_client_cpu_s.${d.name}.${method}`, median(samples.map((x) => x.clientCpu!)), 's', 3);
    }
    const cpu = median(fxp.map((x, i) => x.clientCpu! / relay[i].clientCpu!));
    emit(`fxp_client_cpu_ratio.${d.name}.fxp_vs_relay`, cpu, 'x', 3);
    const label = d.name.replace('_to_', ' -> ');
    const payload = median(fxp.map((x) => x.clientBytes!));
    targets.push({ label: `FXP ${label} client payload bytes`, wanted: '0 B', value: payload, ok: payload === 0, unit: 'B' });
    // Everything the client process read during the copy (control replies, files): nowhere near the payload.
    const read = median(fxp.map((x) => x.readBytes!));
    targets.push({ label: `FXP ${label} bytes the client read`, wanted: '< 1 MiB', value: read, ok: read < MiB, unit: 'B' });
    targets.push({ label: `FXP ${label} client CPU vs relay`, wanted: '<= 0.10 x', value: cpu, ok: cpu <= 0.1, unit: 'x' });
  }
}

/** Each server on a core of its own (all its threads and future session processes), or false when that cannot be done. */
function pin(servers: RunningServer[]): Map<RunningServer, number> | undefined {
  if (process.env.BENCH_FXP_PIN === '0' || os.cpus().length < 2) return undefined;
  const pinned = new Map<RunningServer, number>();
  try {
    servers.forEach((s, i) => {
      execFileSync('taskset', ['-a', '-p', '-c', String(i % 2), String(s.pid)], { stdio: 'ignore' });
      pinned.set(s, i % 2);
    });
    return pinned;
  } catch (err) {
    progress(`fxp: no pinned round (taskset: ${(err as Error).message})`);
    return undefined;
  }
}

/** vsftpd and Ferry (FXP allowed) on one directory under `dir`; an untimed warm-up, the measured round, the pinned round. */
export async function runFxpBench(dir: string): Promise<void> {
  const root = path.join(dir, 'fxp-root');
  for (const sub of ['up-vsftpd', 'up-ferry']) fs.mkdirSync(path.join(root, sub), { recursive: true, mode: 0o777 });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(root, 0o755);
  for (const sub of ['up-vsftpd', 'up-ferry']) fs.chmodSync(path.join(root, sub), 0o777);
  progress(`fxp: writing a ${SIZE / MiB} MiB file`);
  makeRandomFile(path.join(root, 'big.bin'), SIZE);
  const vsftpd = await startVsftpd(root, dir);
  const ferry = await startFerry(root, ['allow_fxp=YES']);
  const servers = [vsftpd, ferry];
  const directions: Direction[] = [
    { name: 'vsftpd_to_ferry', from: vsftpd, to: ferry },
    { name: 'ferry_to_vsftpd', from: ferry, to: vsftpd },
  ];
  const targets: TargetRow[] = [];
  try {
    // Untimed: Ferry's first login (scrypt), JIT, page cache, one copy each way.
    const warm = new FxpBench(root, servers);
    for (const s of servers) await warm.download(s);
    for (const d of directions) await warm.copy('fxp', d);

    const bench = new FxpBench(root, servers);
    await round(bench, directions, servers, true, '');
    console.log(`\n# FXP: ${SIZE / MiB} MiB, ${REPS} reps, order rotating; MB = 1e6 bytes over the transfer phase (curl: time_total - time_pretransfer, to the 226;`);
    console.log('# FXP: from PASV/PORT/STOR/RETR to both 226s); ratio = FXP / min(curl download from the source, curl upload to the target), per rep');
    report(bench, directions, servers, 'fxp_', targets, false);
    reportClient(bench, directions, targets);

    const pinned = pin(servers);
    if (pinned) {
      const pinnedBench = new FxpBench(root, servers, pinned);
      await round(pinnedBench, directions, servers, false, 'pinned ');
      console.log(`# FXP with each server pinned to a core of its own (${servers.map((s) => `${s.name}: cpu ${pinned.get(s)}`).join(', ')}; curl on the other core)`);
      report(pinnedBench, directions, servers, 'fxp_pinned_', targets, true);
    }
    printTargets('FXP targets', 'fxp_targets_met', targets);
  } finally {
    await vsftpd.stop();
    await ferry.stop();
  }
}

if (require.main === module) runAlone('ferry-fxp-bench-', runFxpBench);
