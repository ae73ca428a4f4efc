/**
 * `npm run bench`: Ferry's embedded server against vsftpd, pyftpdlib and ftp-srv, side by
 * side in one run on 127.0.0.1 with curl (and a raw socket client) as the client.
 *
 * Every measurement is repeated with the servers interleaved (the order rotates per
 * repetition) and reported as the median plus per-repetition pair ratios, because loopback
 * throughput on a small shared machine swings by 2x from one second to the next.
 * Output: `metric value unit` lines on stdout, then a summary table against the targets.
 *
 *   BENCH_QUICK=1   small sizes and counts, a smoke run of about a minute
 *   BENCH_REPS=N    repetitions of each throughput / small-file / login measurement
 *   BENCH_DIR=DIR   where the test files go (default: /dev/shm when it has room, else the OS temp dir)
 *   BENCH_ONLY=a,b  only these competitors (ferry is always included)
 *   BENCH_FERRY_UNCONFINED=1  also Ferry with FERRY_CONFINE=0 (path checks only), to measure what confinement costs
 *   BENCH_PHASES=.. only these parts: dl,ul,small,login,idle,rate,client,fxp,queue,guess,sites,activation (default: all; client =
 *                   bench/client-bench.ts, fxp = bench/fxp-bench.ts, queue = bench/queue-bench.ts,
 *                   guess = bench/guess-bench.ts: a logged-in user's MLST while 40 connections guess passwords,
 *                   sites = bench/sites-bench.ts: the Sites view's rows of a 10 000-entry folder in the extension host)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { curl } from './curl';
import { RawFtp } from './ftp-raw';
import { descendants, memory } from './procstat';
import { availability, ferryNodeVersion, killAllServers, RunningServer, startFerry, startFtpSrv, startPyftpdlib, startVsftpd } from './servers';
import { emit, fmt, median, percentile, progress } from './stats';
import { runClientBench } from './client-bench';
import { makeRandomFile } from './files';
import { runFxpBench } from './fxp-bench';
import { runGuessBench } from './guess-bench';
import { runQueueBench } from './queue-bench';
import { runSitesBench } from './sites-bench';
import { runActivationBench } from './activation-bench';

const QUICK = process.env.BENCH_QUICK === '1';
const MiB = 1 << 20;
const GiB = 1 << 30;
const REPS = Number(process.env.BENCH_REPS) || (QUICK ? 2 : 5);
const BIG = QUICK ? 64 * MiB : GiB;
const SMALL_COUNT = QUICK ? 40 : 200;
const SMALL_SIZE = 64 * 1024;
const SMALL_PARALLEL = 20;
/**
 * Untimed rounds of the small-file fetch per server before the timed ones. Ferry's JIT needs
 * about 600 downloads to finish optimizing this path (V8 compiles in background threads that
 * compete with curl for the two cores); the first round is still reported, as small_cold_wall_s.
 */
const SMALL_WARMUP = QUICK ? 1 : 3;
const LOGINS = QUICK ? 50 : 200;
const IDLE_SESSIONS = QUICK ? 100 : 500;
const IDLE_SESSIONS_FERRY = QUICK ? 400 : 2000;
/** How long idle sessions are held before the "settled" memory reading. */
const IDLE_SETTLE_MS = QUICK ? 6000 : 30_000;
const RATE = 10_000_000;
const RATE_SECONDS = QUICK ? 3 : 10;
const COMPETITORS = ['vsftpd', 'ftpsrv', 'pyftpdlib'] as const;
const PHASES = new Set((process.env.BENCH_PHASES ?? 'dl,ul,small,login,idle,rate,client,fxp,queue,guess,sites,activation').split(','));
/** Phases that need the four servers of the server comparison (started once for all of them). */
const SERVER_PHASES = ['dl', 'ul', 'small', 'login', 'idle', 'rate'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** name -> per-repetition values (NaN = failed), per metric. */
const results = new Map<string, Map<string, number[]>>();
function record(metric: string, server: string, rep: number, value: number): void {
  if (!results.has(metric)) results.set(metric, new Map());
  const m = results.get(metric)!;
  if (!m.has(server)) m.set(server, []);
  m.get(server)![rep] = value;
}
function values(metric: string, server: string): number[] {
  return results.get(metric)?.get(server) ?? [];
}
/** Median of per-repetition ratios ferry/other (only repetitions where both succeeded). */
function pairRatios(metric: string, other: string): number[] {
  const a = values(metric, 'ferry');
  const b = values(metric, other);
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(a[i] / b[i]);
  return out;
}

function chooseDir(): string {
  const need = BIG * 3 + 512 * MiB;
  const candidates = process.env.BENCH_DIR ? [process.env.BENCH_DIR] : ['/dev/shm', os.tmpdir()];
  for (const dir of candidates) {
    try {
      const st = fs.statfsSync(dir);
      if (st.bavail * st.bsize >= need || process.env.BENCH_DIR) return fs.mkdtempSync(path.join(dir, 'ferry-bench-'));
    } catch {
      /* next */
    }
  }
  throw new Error(`no directory with ${Math.round(need / MiB)} MiB free (set BENCH_DIR)`);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function url(server: RunningServer, rel: string): string {
  return `ftp://127.0.0.1:${server.port}/${rel}`;
}

/** Waits until a forking server's per-session processes are gone (their CPU is then in cutime). */
async function settle(server: RunningServer): Promise<void> {
  if (!server.forks) {
    await sleep(50);
    return;
  }
  const deadline = Date.now() + 5000;
  while (descendants(server.pid, true).length > 0 && Date.now() < deadline) await sleep(20);
}

function start(name: string, root: string, dir: string): Promise<RunningServer> {
  switch (name) {
    case 'ferry':
      return startFerry(root);
    case 'vsftpd':
      return startVsftpd(root, dir);
    case 'pyftpdlib':
      return startPyftpdlib(root, dir);
    default:
      return startFtpSrv(root);
  }
}

type Kind = 'dl_pasv' | 'dl_actv' | 'ul';

interface Context {
  dir: string;
  root: string;
  bigHash: string;
}

async function throughput(ctx: Context, server: RunningServer, kind: Kind, rep: number): Promise<void> {
  const creds = ['-u', `${server.user}:${server.pass}`];
  const target = `${server.uploadDir}/ul-${rep}.bin`;
  const args =
    kind === 'ul'
      ? [...creds, '-T', path.join(ctx.root, 'big.bin'), url(server, target)]
      : [...creds, '-o', '/dev/null', ...(kind === 'dl_actv' ? ['-P', '127.0.0.1'] : []), url(server, 'big.bin')];
  await settle(server);
  const cpu0 = server.cpu();
  const r = await curl(args);
  await settle(server);
  const cpu1 = server.cpu();
  const t = r.transfers[0];
  const bytes = kind === 'ul' ? t?.bytesUp : t?.bytesDown;
  let ok = r.exitCode === 0 && t !== undefined && bytes === BIG;
  let note = '';
  if (kind === 'ul') {
    const file = path.join(ctx.root, target);
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size !== BIG) {
      ok = false;
      note = ` (file on disk has ${size} bytes)`;
    } else if (server.name === 'ferry' && (await sha256File(file)) !== ctx.bigHash) {
      ok = false;
      note = ' (uploaded content differs!)';
    }
    fs.rmSync(file, { force: true });
  }
  if (!ok) {
    progress(`${kind} ${server.name} rep ${rep + 1} FAILED: exit ${r.exitCode} ${t?.code ?? ''} ${bytes ?? ''} bytes${note} ${r.stderr}`);
    record(`${kind}_MBps`, server.name, rep, NaN);
    record(`${kind}_cpu_s_per_GiB`, server.name, rep, NaN);
    return;
  }
  const seconds = t.total - t.preTransfer;
  const mbps = bytes / 1e6 / seconds;
  const cpu = (cpu1 - cpu0) / (bytes / GiB);
  record(`${kind}_MBps`, server.name, rep, mbps);
  record(`${kind}_cpu_s_per_GiB`, server.name, rep, cpu);
  progress(`${kind} ${server.name.padEnd(9)} rep ${rep + 1}: ${fmt(mbps, 1)} MB/s, server cpu ${fmt(cpu)} s/GiB`);
}

async function smallFiles(server: RunningServer, rep: number, metric = 'small_wall_s'): Promise<void> {
  const args = ['-u', `${server.user}:${server.pass}`, '--parallel', '--parallel-max', String(SMALL_PARALLEL)];
  for (let i = 0; i < SMALL_COUNT; i++) args.push(url(server, `small/f${String(i).padStart(3, '0')}.bin`), '-o', '/dev/null');
  await settle(server);
  const r = await curl(args);
  const good = r.transfers.filter((t) => t.exit === 0 && t.bytesDown === SMALL_SIZE).length;
  if (good !== SMALL_COUNT) {
    progress(`${metric} ${server.name} rep ${rep + 1} FAILED: ${good}/${SMALL_COUNT} ok, exit ${r.exitCode} ${r.stderr.split('\n')[0]}`);
    record(metric, server.name, rep, NaN);
    return;
  }
  record(metric, server.name, rep, r.wall);
  progress(`${metric} ${server.name.padEnd(9)} rep ${rep + 1}: ${fmt(r.wall, 3)} s for ${SMALL_COUNT} x 64 KiB`);
}

/** Milliseconds from USER to the 221 of QUIT, on a fresh connection each (greeting excluded). */
async function logins(server: RunningServer, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = await RawFtp.connect(server.port);
    try {
      const t0 = process.hrtime.bigint();
      await c.command(`USER ${server.user}`, '331');
      await c.command(`PASS ${server.pass}`, '230');
      await c.command('QUIT', '221');
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } finally {
      c.close();
    }
  }
  return times;
}

/** Opens logged-in sessions until `sessions` holds `count` (25 logins in flight at a time). */
async function holdSessions(server: RunningServer, sessions: RawFtp[], count: number): Promise<void> {
  let next = sessions.length;
  const worker = async () => {
    while (next < count) {
      next++;
      const c = await RawFtp.connect(server.port, '127.0.0.1', 60_000);
      await c.login(server.user, server.pass);
      sessions.push(c);
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
}

/** The lowest memory reading over `ms` (one sample a second): what garbage collection settles at. */
async function lowestMemory(server: RunningServer, ms: number): Promise<ReturnType<typeof memory>> {
  let low = memory(server.pid, server.forks);
  for (let waited = 0; waited < ms; waited += 1000) {
    await sleep(1000);
    const m = memory(server.pid, server.forks);
    if (m.rss < low.rss) low = m;
  }
  return low;
}

/**
 * Memory per idle logged-in session, on a freshly started server (so buffers and garbage of
 * the transfer tests do not blur it). A garbage-collected server holds a login burst's
 * garbage and a grown young generation for a while (V8's memory reducer returns it 10-25 s
 * later), and its start-up garbage likewise; so both the baseline and the loaded reading are
 * the lowest RSS over IDLE_SETTLE_MS. The reading 3 s after the burst is reported as well.
 */
async function idleMemory(server: RunningServer): Promise<void> {
  const sessions: RawFtp[] = [];
  try {
    await logins(server, 3);
    const before = await lowestMemory(server, IDLE_SETTLE_MS);
    const steps = server.name === 'ferry' ? [IDLE_SESSIONS, IDLE_SESSIONS_FERRY] : [IDLE_SESSIONS];
    for (const n of steps) {
      const t0 = Date.now();
      await holdSessions(server, sessions, n);
      const openSeconds = (Date.now() - t0) / 1000;
      const suffix = n === IDLE_SESSIONS ? '' : `_${n}`;
      await sleep(3000);
      const early = memory(server.pid, server.forks);
      const settled = await lowestMemory(server, IDLE_SETTLE_MS - 3000);
      for (const [label, after] of [['_3s', early], ['', settled]] as const) {
        emit(`idle_rss_per_session${suffix}${label}.${server.name}`, (after.rss - before.rss) / n, 'bytes', 0);
        if (server.forks) emit(`idle_pss_per_session${suffix}${label}.${server.name}`, (after.pss - before.pss) / n, 'bytes', 0);
        emit(`idle_rss_total${suffix}${label}.${server.name}`, after.rss / MiB, 'MiB', 1);
        record(`idle_rss_per_session${suffix}${label}`, server.name, 0, (after.rss - before.rss) / n);
      }
      progress(
        `idle ${server.name}: ${n} sessions (logged in within ${fmt(openSeconds)} s): rss ${fmt(before.rss / MiB, 1)} -> ${fmt(early.rss / MiB, 1)} MiB after 3 s, lowest ${fmt(settled.rss / MiB, 1)} MiB within ${IDLE_SETTLE_MS / 1000} s (${settled.processes} processes)`,
      );
    }
  } catch (err) {
    progress(`idle ${server.name} FAILED with ${sessions.length} sessions open: ${(err as Error).message}`);
  } finally {
    for (const s of sessions) s.close();
    await sleep(server.forks ? 2000 : 500);
  }
}

async function rateLimit(ctx: Context): Promise<void> {
  const rateFile = path.join(ctx.root, 'rate.bin');
  const size = RATE * RATE_SECONDS;
  fs.copyFileSync(path.join(ctx.root, 'big.bin'), rateFile);
  fs.truncateSync(rateFile, size);
  const server = await startFerry(ctx.root, [`max_download_rate=${RATE}`], 'ferry-rate');
  try {
    const r = await curl(['-u', `${server.user}:${server.pass}`, '-o', '/dev/null', url(server, 'rate.bin')], RATE_SECONDS * 3 + 30);
    const t = r.transfers[0];
    if (r.exitCode !== 0 || t?.bytesDown !== size) throw new Error(`curl exit ${r.exitCode}: ${r.stderr}`);
    const measured = size / (t.total - t.preTransfer);
    emit('rate_configured.ferry', RATE / 1e6, 'MB/s');
    emit('rate_measured.ferry', measured / 1e6, 'MB/s', 3);
    emit('rate_seconds.ferry', t.total - t.preTransfer, 's', 3);
    emit('rate_accuracy.ferry', measured / RATE, 'x', 4);
    record('rate_accuracy', 'ferry', 0, measured / RATE);
  } catch (err) {
    progress(`rate limit FAILED: ${(err as Error).message}`);
  } finally {
    await server.stop();
    fs.rmSync(rateFile, { force: true });
  }
}

function reportSeries(metric: string, unit: string, names: string[], lowerIsBetter = false): void {
  for (const name of names) {
    const v = values(metric, name);
    if (v.length === 0) continue;
    emit(`${metric}.${name}`, median(v), unit);
    v.forEach((x, i) => emit(`${metric}.${name}#${i + 1}`, x, unit));
  }
  const base = metric.replace(/_(MBps|wall_s|median_ms)$/, '');
  for (const other of names.filter((n) => n !== 'ferry')) {
    const ratios = pairRatios(metric, other);
    if (ratios.every((r) => !Number.isFinite(r))) continue;
    emit(`${base}_ratio.ferry_vs_${other}`, median(ratios), 'x');
    ratios.forEach((r, i) => emit(`${base}_ratio.ferry_vs_${other}#${i + 1}`, r, 'x'));
  }
  void lowerIsBetter;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const finished = () => console.log(`# bench finished in ${fmt((Date.now() - startedAt) / 1000, 0)} s`);
  const dir = chooseDir();
  const root = path.join(dir, 'root');
  const cleanup = () => {
    killAllServers();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  process.on('SIGTERM', () => {
    cleanup();
    process.exit(143);
  });
  const servers: RunningServer[] = [];
  try {
    if (!SERVER_PHASES.some((p) => PHASES.has(p))) {
      await laterPhases(dir);
      finished();
      return;
    }
    fs.mkdirSync(root, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(root, 0o755);
    progress(`files in ${dir} (${QUICK ? 'QUICK: ' : ''}${BIG / MiB} MiB file, ${REPS} repetitions)`);
    const bigHash = makeRandomFile(path.join(root, 'big.bin'), BIG);
    fs.mkdirSync(path.join(root, 'small'), { mode: 0o755 });
    for (let i = 0; i < SMALL_COUNT; i++) makeRandomFile(path.join(root, 'small', `f${String(i).padStart(3, '0')}.bin`), SMALL_SIZE);
    for (const n of ['ferry', ...COMPETITORS]) fs.mkdirSync(path.join(root, `up-${n}`), { mode: 0o777 });
    const ctx: Context = { dir, root, bigHash };

    const only = process.env.BENCH_ONLY?.split(',');
    const missing = availability();
    servers.push(await start('ferry', root, dir));
    // The cost of kernel confinement (openat2 beneath the root, issue 12): the same server with path checks only.
    if (process.env.BENCH_FERRY_UNCONFINED === '1') servers.push(await startFerry(root, [], 'ferry_unconfined', '127.0.0.1', { FERRY_CONFINE: '0' }));
    for (const name of COMPETITORS) {
      if (only && !only.includes(name)) continue;
      if (missing[name]) {
        progress(`skipping ${name}: ${missing[name]}`);
        continue;
      }
      try {
        servers.push(await start(name, root, dir));
      } catch (err) {
        progress(`skipping ${name}: ${(err as Error).message}`);
      }
    }
    const names = servers.map((s) => s.name);
    progress(`servers: ${servers.map((s) => `${s.name}=:${s.port}(pid ${s.pid})`).join(' ')}`);

    // Correctness first (untimed): Ferry's download must be the file, passive and active.
    const ferry = servers[0];
    for (const active of [false, true]) {
      const out = path.join(dir, 'verify.bin');
      await curl(['-u', 'tester:secret', '-o', out, ...(active ? ['-P', '127.0.0.1'] : []), url(ferry, 'big.bin')]);
      const ok = (await sha256File(out)) === bigHash;
      fs.rmSync(out, { force: true });
      if (!ok) throw new Error(`Ferry ${active ? 'active' : 'passive'} download differs from the file`);
    }
    // Warm-up: one download per server (JIT, page cache, socket buffers).
    for (const s of servers) await curl(['-u', `${s.user}:${s.pass}`, '-o', '/dev/null', url(s, 'big.bin')]);

    const rotated = (rep: number) => servers.map((_, i) => servers[(i + rep) % servers.length]);
    const kinds = (['dl_pasv', 'dl_actv', 'ul'] as Kind[]).filter((k) => PHASES.has(k.slice(0, 2)));
    for (const kind of kinds) {
      for (let rep = 0; rep < REPS; rep++) for (const s of rotated(rep)) await throughput(ctx, s, kind, rep);
    }
    for (const s of servers) await logins(s, 5); // warm-up (Ferry's first login pays the scrypt)
    if (PHASES.has('small')) {
      for (const s of servers) for (let round = 0; round < SMALL_WARMUP; round++) await smallFiles(s, 0, round === 0 ? 'small_cold_wall_s' : 'small_warmup_wall_s');
      for (let rep = 0; rep < REPS; rep++) for (const s of rotated(rep)) await smallFiles(s, rep);
    }

    const allLogins = new Map<string, number[]>();
    for (let rep = 0; rep < REPS && PHASES.has('login'); rep++) {
      for (const s of rotated(rep)) {
        const t = await logins(s, Math.ceil(LOGINS / REPS));
        allLogins.set(s.name, [...(allLogins.get(s.name) ?? []), ...t]);
        record('login_median_ms', s.name, rep, median(t));
      }
    }

    console.log(`# Ferry bench ${new Date().toISOString()} node ${process.version} (Ferry's server: ${ferryNodeVersion()}), ${os.cpus().length} cpus, files on ${dir}${QUICK ? ' (BENCH_QUICK)' : ''}`);
    console.log(`# throughput: MB = 1e6 bytes over curl's transfer phase (time_total - time_pretransfer, i.e. up to the 226); ${REPS} reps, servers interleaved; x#N = repetition N`);
    for (const kind of kinds) {
      reportSeries(`${kind}_MBps`, 'MB/s', names);
      for (const n of names) emit(`${kind}_cpu_s_per_GiB.${n}`, median(values(`${kind}_cpu_s_per_GiB`, n)), 's/GiB');
    }
    if (PHASES.has('small')) {
      console.log(`# small files: wall seconds of one curl --parallel --parallel-max ${SMALL_PARALLEL} fetching ${SMALL_COUNT} x 64 KiB, after ${SMALL_WARMUP} untimed rounds per server`);
      console.log(`# (small_cold_wall_s: the first of those rounds, ${SMALL_COUNT} files into a server that has only done the large transfers)`);
      for (const n of names) emit(`small_cold_wall_s.${n}`, values('small_cold_wall_s', n)[0], 's', 3);
    }
    reportSeries('small_wall_s', 's', names, true);
    if (PHASES.has('login')) console.log(`# login: ms from USER to the 221 of QUIT (USER/PASS/QUIT round trips, same good password), fresh connection each; vsftpd logs in anonymously`);
    for (const n of PHASES.has('login') ? names : []) {
      const t = allLogins.get(n) ?? [];
      emit(`login_median_ms.${n}`, median(t), 'ms', 3);
      emit(`login_p90_ms.${n}`, percentile(t, 90), 'ms', 3);
    }
    for (const other of names.filter((n) => n !== 'ferry' && PHASES.has('login'))) emit(`login_ratio.ferry_vs_${other}`, median(pairRatios('login_median_ms', other)), 'x', 3);

    if (PHASES.has('idle')) {
      console.log(
        `# idle sessions: RSS delta / sessions of a freshly started server (vsftpd: sum over its processes, also PSS); baseline and plain = lowest RSS over ${IDLE_SETTLE_MS / 1000} s, _3s = 3 s after the last login`,
      );
    }
    for (let i = 0; i < servers.length && PHASES.has('idle'); i++) {
      const name = servers[i].name;
      await servers[i].stop();
      servers[i] = await start(name, root, dir);
      await idleMemory(servers[i]);
    }

    if (PHASES.has('rate')) {
      console.log(`# rate limit: Ferry with max_download_rate=${RATE} B/s, one ${RATE_SECONDS} s download`);
      await rateLimit(ctx);
    }

    summary(names);
    for (const s of servers) await s.stop();
    // The files of the server part are not needed any more: each later part makes its own.
    fs.rmSync(root, { recursive: true, force: true });
    await laterPhases(dir);
    finished();
  } finally {
    for (const s of servers) await s.stop();
    cleanup();
  }
}

/** The parts that start servers of their own: client, FXP, queue, guess, sites. */
async function laterPhases(dir: string): Promise<void> {
  if (PHASES.has('client')) {
    console.log('\n# client (Ferry vs curl vs basic-ftp against vsftpd) benchmarks');
    await runClientBench(dir);
  }
  if (PHASES.has('fxp')) {
    console.log('\n# FXP benchmarks (vsftpd <-> Ferry, against curl on each server in the same run)');
    await runFxpBench(dir);
  }
  if (PHASES.has('queue')) {
    console.log('\n# queue and panel benchmarks (TransferQueue between Ferry servers, the panel rendered in happy-dom)');
    await runQueueBench(dir);
  }
  if (PHASES.has('guess')) {
    console.log('\n# guessing benchmarks (a logged-in user\'s MLST while 40 connections guess passwords)');
    await runGuessBench(dir);
  }
  if (PHASES.has('sites')) {
    console.log('\n# Sites view benchmarks (10 000 and 300 entries, in the extension host of the workbench tests)');
    await runSitesBench();
  }
  if (PHASES.has('activation')) {
    console.log('\n# activation (in the extension host of the workbench tests)');
    await runActivationBench();
  }
}

function summary(names: string[]): void {
  const has = (n: string) => names.includes(n);
  const ratio = (metric: string, other: string) => (has(other) ? median(pairRatios(metric, other)) : NaN);
  const rows: [string, string, number, (v: number) => boolean, string][] = [
    ['download PASV vs vsftpd', '>= 0.80 x', ratio('dl_pasv_MBps', 'vsftpd'), (v) => v >= 0.8, 'x'],
    ['download PORT vs vsftpd', '>= 0.80 x', ratio('dl_actv_MBps', 'vsftpd'), (v) => v >= 0.8, 'x'],
    ['download PASV vs ftp-srv', '>= 2.00 x', ratio('dl_pasv_MBps', 'ftpsrv'), (v) => v >= 2, 'x'],
    ['download PORT vs ftp-srv', '>= 2.00 x', ratio('dl_actv_MBps', 'ftpsrv'), (v) => v >= 2, 'x'],
    ['upload (to 226) vs vsftpd', '>= 0.90 x', ratio('ul_MBps', 'vsftpd'), (v) => v >= 0.9, 'x'],
    ['server CPU, download PASV', '<= 0.40 s/GiB', median(values('dl_pasv_cpu_s_per_GiB', 'ferry')), (v) => v <= 0.4, 's/GiB'],
    ['server CPU, download PORT', '<= 0.40 s/GiB', median(values('dl_actv_cpu_s_per_GiB', 'ferry')), (v) => v <= 0.4, 's/GiB'],
    ['  server CPU, upload', '(info)', median(values('ul_cpu_s_per_GiB', 'ferry')), () => true, 's/GiB'],
    [`${SMALL_COUNT} x 64 KiB, 20 parallel vs pyftpdlib`, '<= 1.00 x', ratio('small_wall_s', 'pyftpdlib'), (v) => v <= 1, 'x'],
    ['  same, first round (cold JIT)', '(info)', ratio('small_cold_wall_s', 'pyftpdlib'), () => true, 'x'],
    [`idle session memory (${IDLE_SESSIONS_FERRY} held, settled)`, '<= 6000 B', median(values(`idle_rss_per_session_${IDLE_SESSIONS_FERRY}`, 'ferry')), (v) => v <= 6000, 'B'],
    [`  same, 3 s after the login burst`, '(info)', median(values(`idle_rss_per_session_${IDLE_SESSIONS_FERRY}_3s`, 'ferry')), () => true, 'B'],
    ['repeat login, median', '<= 1.00 ms', median(values('login_median_ms', 'ferry')), (v) => v <= 1, 'ms'],
    [`rate limit accuracy (${RATE_SECONDS} s)`, '1.00 +- 0.05', median(values('rate_accuracy', 'ferry')), (v) => Math.abs(v - 1) <= 0.05, 'x'],
  ];
  console.log('');
  console.log('# summary: medians (reps) per server');
  const table: [string, string, number][] = [
    ['dl_pasv_MBps', 'MB/s', 1],
    ['dl_actv_MBps', 'MB/s', 1],
    ['ul_MBps', 'MB/s', 1],
    ['dl_pasv_cpu_s_per_GiB', 's/GiB', 2],
    ['dl_actv_cpu_s_per_GiB', 's/GiB', 2],
    ['ul_cpu_s_per_GiB', 's/GiB', 2],
    ['small_wall_s', 's', 3],
    ['login_median_ms', 'ms', 3],
    [`idle_rss_per_session_3s`, 'B', 0],
    [`idle_rss_per_session`, 'B', 0],
  ];
  console.log(`#   ${'metric'.padEnd(30)}${names.map((n) => n.padStart(12)).join('')}`);
  for (const [metric, unit, digits] of table) {
    console.log(`#   ${(metric + ' ' + unit).padEnd(30)}${names.map((n) => fmt(median(values(metric, n)), digits).padStart(12)).join('')}`);
  }
  console.log('');
  console.log(`# targets${QUICK ? ' (BENCH_QUICK: sizes reduced, indicative only)' : ''}`);
  console.log(`#   ${'target'.padEnd(44)}${'wanted'.padEnd(16)}${'measured'.padStart(12)}  result`);
  let met = 0;
  let targets = 0;
  for (const [label, wanted, value, ok, unit] of rows) {
    const info = wanted === '(info)';
    const result = info ? '' : Number.isFinite(value) ? (ok(value) ? 'MET' : 'NOT MET') : 'n/a';
    if (!info) targets++;
    if (result === 'MET') met++;
    console.log(`#   ${label.padEnd(44)}${wanted.padEnd(16)}${(fmt(value, unit === 'B' ? 0 : 2) + ' ' + unit).padStart(12)}  ${result}`);
  }
  emit('targets_met', met, `of ${targets}`, 0);
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error)?.stack ?? err}`);
  killAllServers();
  process.exitCode = 1;
});
