/**
 * Guessing against a logged-in user (run by run.ts as BENCH_PHASES=guess, or alone:
 * node out/bench/guess-bench.js). A user logged in from 127.0.0.1 sends MLST of one file in a
 * loop, first with nobody else connected, then while 40 connections from 127.0.0.2 send wrong
 * passwords as fast as the server answers them (bench/guess-attacker.ts, its own process), then
 * once more after they stopped. Target (issue 12): Ferry's MLST median with the guessers at most
 * 2x the one without, with max_login_fails_per_ip = 0 so the ban does not end the attack early:
 * as built (MLST opens on the event loop through the addon) and without the addon's opens (MLST
 * waits for the thread pool, as scrypt does). Ferry also runs with no failure delay (the
 * verification cap alone against the fastest guessing) and with its defaults (the ban on).
 * pyftpdlib and ftp-srv run the same (plain-text passwords; ftp-srv has no MLST, so MDTM).
 * vsftpd is left out: its bench account is anonymous, there is no password to guess.
 * BENCH_GUESS=label,label runs only those scenarios. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RawFtp } from './ftp-raw';
import { cpuSeconds, otherLoad } from './procstat';
import { availability, RunningServer, runAlone, startFerry, startFtpSrv, startPyftpdlib } from './servers';
import { emit, fmt, median, percentile, printTargets, progress, TargetRow } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';
const GUESSERS = 40;
const GUESSER_ADDRESS = '127.0.0.2';
/** Each MLST loop is bounded by count and time, whichever ends first. */
const PROBES = 200;
const PROBE_SECONDS = QUICK ? 5 : 10;
/** Pause between two commands, so the samples spread over the attack (its waves of 8 s delays) rather than a burst. */
const PROBE_GAP_MS = 25;
/**
 * The guessers run this long before the measuring starts: their first failures are answered
 * after short delays, later ones after 8 s, so the first seconds are not the steady state.
 */
const RAMP_MS = QUICK ? 3000 : 10_000;
const LOGINS = 5;
const FILE = 'probe.txt';
const TARGET_RATIO = 2;

interface Scenario {
  label: string;
  server: 'ferry' | 'pyftpdlib' | 'ftpsrv';
  set?: string[];
  /** Environment of the server process. */
  env?: Record<string, string>;
  /** The file-status command: MLST where the server has it. */
  probe: string;
  expect: string;
  about: string;
  /** The scenario the target is measured on. */
  target?: boolean;
}

/**
 * Ferry without its addon's event-loop opens (no kernel confinement, no native I/O): MLST's open
 * then goes through the thread pool, as it did when issue 12 was measured, and as it does
 * wherever the addon is not built or not Linux. With the addon, MLST never waits for the pool.
 */
const POOL = { FERRY_CONFINE: '0', FERRY_NATIVE_IO: '0' };

const SCENARIOS: Scenario[] = [
  { label: 'ferry', server: 'ferry', set: ['max_login_fails_per_ip=0'], probe: 'MLST', expect: '250', about: 'login_fail_delay_ms 500 (default), no ban', target: true },
  { label: 'ferry_nodelay', server: 'ferry', set: ['max_login_fails_per_ip=0', 'login_fail_delay_ms=0'], probe: 'MLST', expect: '250', about: 'no delay, no ban: the verification cap alone' },
  { label: 'ferry_ban', server: 'ferry', probe: 'MLST', expect: '250', about: 'defaults: delay, ban after 10 failures' },
  {
    label: 'ferry_pool',
    server: 'ferry',
    env: POOL,
    set: ['max_login_fails_per_ip=0'],
    probe: 'MLST',
    expect: '250',
    about: 'FERRY_CONFINE=0 FERRY_NATIVE_IO=0 (MLST opens in the thread pool), delay, no ban',
    target: true,
  },
  {
    label: 'ferry_pool_nodelay',
    server: 'ferry',
    env: POOL,
    set: ['max_login_fails_per_ip=0', 'login_fail_delay_ms=0'],
    probe: 'MLST',
    expect: '250',
    about: 'FERRY_CONFINE=0 FERRY_NATIVE_IO=0, no delay, no ban',
  },
  { label: 'pyftpdlib', server: 'pyftpdlib', probe: 'MLST', expect: '250', about: '3 s before each 530, 3 failures per connection' },
  { label: 'ftpsrv', server: 'ftpsrv', probe: 'MDTM', expect: '213', about: 'no throttling; MDTM (no MLST)' },
];

/** What bench/guess-attacker.ts reports for its measuring window. */
interface AttackCounts {
  guesses: number;
  busy: number;
  banned: number;
  connects: number;
  seconds: number;
}

/** Milliseconds of each `command` reply, up to `count` of them or PROBE_SECONDS. */
async function probeTimes(c: RawFtp, command: string, expect: string, count = PROBES): Promise<number[]> {
  const times: number[] = [];
  const deadline = Date.now() + PROBE_SECONDS * 1000;
  while (times.length < count && Date.now() < deadline) {
    const t0 = process.hrtime.bigint();
    await c.command(command, expect);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
  }
  return times;
}

/** Milliseconds from USER to 230 on fresh connections (the good password, already verified once). */
async function loginTimes(server: RunningServer): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const c = await RawFtp.connect(server.port, server.host, 30_000);
    try {
      const t0 = process.hrtime.bigint();
      await c.login(server.user, server.pass);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } finally {
      c.close();
    }
  }
  return times;
}

/** The guessers' process: its counts once their window is over, and its CPU seconds meanwhile. */
function attack(server: RunningServer, measureMs: number): { counts: Promise<AttackCounts>; cpu(): number } {
  const script = path.join(__dirname, 'guess-attacker.js');
  const args = [script, String(server.port), server.user, String(GUESSERS), String(RAMP_MS), String(measureMs), GUESSER_ADDRESS];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const counts = new Promise<AttackCounts>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as AttackCounts);
      } catch {
        reject(new Error(`guess-attacker exited with ${code}: ${out}`));
      }
    });
  });
  return { counts, cpu: () => cpuSeconds(child.pid ?? -1) };
}

/** Starts the server with `s.env` added to the environment it inherits. */
async function start(s: Scenario, root: string, dir: string): Promise<RunningServer> {
  if (s.server === 'ferry') return startFerry(root, s.set ?? [], s.label, '127.0.0.1', s.env);
  if (s.server === 'pyftpdlib') return startPyftpdlib(root, dir);
  return startFtpSrv(root);
}

/** One phase's command times, fresh logins, and the cores the server and other processes used meanwhile. */
interface Phase {
  probes: number[];
  logins: number[];
  serverCores: number;
  otherCores: number;
}

async function phase(server: RunningServer, user: RawFtp, s: Scenario, attacker?: { cpu(): number }): Promise<Phase> {
  const others = otherLoad(attacker ? [server, attacker] : [server]);
  const cpu0 = server.cpu();
  const t0 = Date.now();
  const probes = await probeTimes(user, `${s.probe} ${FILE}`, s.expect);
  const serverCores = (server.cpu() - cpu0) / ((Date.now() - t0) / 1000);
  const otherCores = others();
  return { probes, logins: await loginTimes(server), serverCores, otherCores };
}

function report(s: Scenario, phases: Record<'quiet' | 'guessed' | 'after', Phase>, c: AttackCounts): number {
  const quiet = [...phases.quiet.probes, ...phases.after.probes];
  const ratio = median(phases.guessed.probes) / median(quiet);
  for (const [name, p] of Object.entries(phases)) {
    emit(`guess_mlst_median_ms.${s.label}.${name}`, median(p.probes), 'ms', 3);
    emit(`guess_mlst_p90_ms.${s.label}.${name}`, percentile(p.probes, 90), 'ms', 3);
    emit(`guess_mlst_count.${s.label}.${name}`, p.probes.length, 'commands', 0);
    emit(`guess_login_median_ms.${s.label}.${name}`, median(p.logins), 'ms', 2);
    emit(`guess_server_cores.${s.label}.${name}`, p.serverCores, 'cores', 2);
    emit(`guess_others_cores.${s.label}.${name}`, p.otherCores, 'cores', 2);
  }
  emit(`guess_mlst_ratio.${s.label}`, ratio, 'x', 2);
  emit(`guess_rate_per_s.${s.label}`, c.guesses / c.seconds, 'guesses/s', 1);
  emit(`guess_busy_per_s.${s.label}`, c.busy / c.seconds, '421/s', 1);
  emit(`guess_banned_per_s.${s.label}`, c.banned / c.seconds, '421/s', 1);
  emit(`guess_connects_per_s.${s.label}`, c.connects / c.seconds, 'connects/s', 1);
  progress(
    `guess ${s.label.padEnd(14)} ${s.probe} median ${fmt(median(quiet), 3)} -> ${fmt(median(phases.guessed.probes), 3)} ms (${fmt(ratio)} x), ` +
      `${fmt(c.guesses / c.seconds, 1)} guesses/s, ${c.busy} busy, ${c.banned} banned; server ${fmt(phases.guessed.serverCores)} cores, ` +
      `others ${fmt(phases.quiet.otherCores)} / ${fmt(phases.guessed.otherCores)} / ${fmt(phases.after.otherCores)} cores`,
  );
  return ratio;
}

/**
 * Quiet, guessed, quiet again (the machine's load drifts; both quiet phases are the baseline),
 * on a freshly started server. Resolves to the ratio guessed / quiet of the MLST medians.
 */
async function runScenario(s: Scenario, root: string, dir: string): Promise<number> {
  const server = await start(s, root, dir);
  const user = await RawFtp.connect(server.port, server.host);
  try {
    await user.login(server.user, server.pass);
    await probeTimes(user, `${s.probe} ${FILE}`, s.expect, 50); // warm-up: JIT, caches
    const quiet = await phase(server, user, s);
    const attacker = attack(server, PROBE_SECONDS * 1000 + 2000);
    await new Promise((r) => setTimeout(r, RAMP_MS));
    const guessed = await phase(server, user, s, attacker);
    const counts = await attacker.counts;
    await new Promise((r) => setTimeout(r, 1000));
    const after = await phase(server, user, s);
    return report(s, { quiet, guessed, after }, counts);
  } finally {
    user.close();
    await server.stop();
  }
}

/** The `guess` part: every scenario whose server is available, then the target table. */
export async function runGuessBench(dir: string): Promise<void> {
  const root = path.join(dir, 'guess-root');
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(root, FILE), 'a file whose facts the logged-in user asks for\n');
  const missing = availability();
  console.log(`# guess: ${PROBES} MLST ${PROBE_GAP_MS} ms apart (at most ${PROBE_SECONDS} s) by a logged-in user from 127.0.0.1, without and with ${GUESSERS} connections from ${GUESSER_ADDRESS} guessing passwords`);
  const outcomes = new Map<string, number>();
  for (const scenario of SCENARIOS) {
    const only = process.env.BENCH_ONLY?.split(',');
    if (process.env.BENCH_GUESS && !process.env.BENCH_GUESS.split(',').includes(scenario.label)) continue;
    const why = scenario.server === 'ferry' ? undefined : only && !only.includes(scenario.server) ? 'not in BENCH_ONLY' : missing[scenario.server];
    if (why) {
      progress(`guess: skipping ${scenario.label}: ${why}`);
      continue;
    }
    console.log(`# guess ${scenario.label}: ${scenario.about}`);
    try {
      outcomes.set(scenario.label, await runScenario(scenario, root, dir));
    } catch (err) {
      progress(`guess ${scenario.label} FAILED: ${(err as Error).message}`);
    }
  }
  const rows: TargetRow[] = SCENARIOS.filter((sc) => outcomes.has(sc.label)).map((sc) => {
    const ratio = outcomes.get(sc.label)!;
    return { label: `${sc.label}: ${sc.probe} median, ${GUESSERS} guessers / none`, wanted: sc.target ? `<= ${fmt(TARGET_RATIO)} x` : '(info)', value: ratio, ok: ratio <= TARGET_RATIO, unit: 'x' };
  });
  printTargets('guess targets', 'guess_targets_met', rows);
}

if (require.main === module) runAlone('ferry-guess-bench-', runGuessBench);
