/**
 * Client benchmarks (run by run.ts, or alone: node out/bench/client-bench.js):
 *  - 1 GiB download and upload against vsftpd: Ferry's client vs curl vs basic-ftp's defaults,
 *    passive and active (basic-ftp has no active mode);
 *  - listing a 10 000-entry directory end to end.
 * Each client runs in its own process; repetitions interleave the competitors. (FXP: fxp-bench.ts.)
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { curl } from './curl';
import { makeRandomFile } from './files';
import { RunningServer, runAlone, startFerry, startVsftpd } from './servers';
import { emit, median, printTargets, progress, TargetRow } from './stats';

const MiB = 1 << 20;
const QUICK = process.env.BENCH_QUICK === '1';
const SIZE = QUICK ? 64 * MiB : 1 << 30;
const REPS = Number(process.env.BENCH_REPS) || (QUICK ? 2 : 5);
const LIST_ENTRIES = 10_000;
const WORKER = path.join(__dirname, 'client-worker.js');

interface WorkerResult {
  ms: number;
  /** Until the transfer's 226, before Ferry's own size check (what curl's time_total covers). */
  transferMs?: number;
  cpu: number;
  rss: number;
  entries?: number;
}

/** Runs one operation of bench/client-worker.ts in a process of its own; resolves with the JSON line it prints. */
export function worker<T = WorkerResult>(op: string, args: object): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKER, op, JSON.stringify(args)], { timeout: 600_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${op} failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

function site(server: RunningServer, dataMode: 'passive' | 'active') {
  return { host: '127.0.0.1', port: server.port, user: server.user, password: server.pass, dataMode };
}

const mbps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

/** Target rows collected while measuring, printed at the end. */
const targets: TargetRow[] = [];
function target(label: string, wanted: string, value: number, ok: (v: number) => boolean, unit: string): void {
  targets.push({ label, wanted, value, ok: Number.isFinite(value) && ok(value), unit });
}

/** Median of a metric and the median of per-repetition ratios against a reference; returns ratios by name. */
function report(metric: string, unit: string, byName: Map<string, number[]>, reference: string): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const [name, values] of byName) {
    emit(`${metric}.${name}`, median(values), unit);
    values.forEach((v, i) => emit(`${metric}.${name}#${i + 1}`, v, unit));
  }
  const ref = byName.get(reference) ?? [];
  for (const [name, values] of byName) {
    if (name === reference) continue;
    ratios.set(name, median(values.map((v, i) => v / ref[i])));
    emit(`${metric}_ratio.${name}_vs_${reference}`, ratios.get(name)!, 'x');
  }
  return ratios;
}

export async function runClientBench(dir: string): Promise<void> {
  const root = path.join(dir, 'client-root');
  fs.mkdirSync(path.join(root, 'up-vsftpd'), { recursive: true });
  fs.mkdirSync(path.join(root, 'many'), { recursive: true });
  const big = path.join(root, 'big.bin');
  progress(`client: writing a ${SIZE / MiB} MiB file and ${LIST_ENTRIES} small ones`);
  makeRandomFile(big, SIZE);
  for (let i = 0; i < LIST_ENTRIES; i++) fs.writeFileSync(path.join(root, 'many', `entry-${String(i).padStart(5, '0')} name.txt`), '');
  const local = path.join(dir, 'client-local.bin');

  const vsftpd = await startVsftpd(root, dir);
  const ferry = await startFerry(root);
  try {
    for (const mode of ['passive', 'active'] as const) {
      const down = new Map<string, number[]>();
      const up = new Map<string, number[]>();
      const add = (m: Map<string, number[]>, name: string, value: number) => m.set(name, [...(m.get(name) ?? []), value]);
      const curlMode = mode === 'active' ? ['-P', '127.0.0.1'] : [];
      const url = `ftp://127.0.0.1:${vsftpd.port}`;
      const auth = ['-u', `${vsftpd.user}:${vsftpd.pass}`];
      // Each contender's download and upload, measured the same way. Every upload is deleted as
      // soon as it is measured: on this machine a 1 GiB upload that lands next to another fresh
      // 1 GiB file ran at half speed (new tmpfs pages are slower to get than reused ones), which
      // used to penalize whoever went second, always Ferry.
      const contenders: (() => Promise<void>)[] = [
        async () => {
          const c = await curl([...auth, ...curlMode, '-o', local, `${url}/big.bin`]);
          add(down, 'curl', mbps(SIZE, c.transfers[0].total * 1000));
          const cu = await curl([...auth, ...curlMode, '-T', big, `${url}/up-vsftpd/curl.bin`]);
          add(up, 'curl', mbps(SIZE, cu.transfers[0].total * 1000));
        },
        async () => {
          const get = await worker('ferry-get', { site: site(vsftpd, mode), remote: 'big.bin', local });
          add(down, 'ferry', mbps(SIZE, get.transferMs ?? get.ms));
          add(down, 'ferry_verified', mbps(SIZE, get.ms));
          const put = await worker('ferry-put', { site: site(vsftpd, mode), remote: 'up-vsftpd/ferry.bin', local: big });
          add(up, 'ferry', mbps(SIZE, put.transferMs ?? put.ms));
          // Including the SIZE check on the same session, which vsftpd answers slowly right after a large upload.
          add(up, 'ferry_verified', mbps(SIZE, put.ms));
        },
      ];
      // basic-ftp as most extensions use it: its defaults, passive only.
      if (mode === 'passive') {
        contenders.push(async () => {
          add(down, 'basicftp', mbps(SIZE, (await worker('basicftp-get', { site: site(vsftpd, mode), remote: 'big.bin', local })).ms));
          add(up, 'basicftp', mbps(SIZE, (await worker('basicftp-put', { site: site(vsftpd, mode), remote: 'up-vsftpd/basic.bin', local: big })).ms));
        });
      }
      for (let rep = 0; rep < REPS; rep++) {
        progress(`client ${mode} rep ${rep + 1}/${REPS}`);
        // The order rotates per repetition, as in the server benchmark.
        for (let i = 0; i < contenders.length; i++) {
          await contenders[(i + rep) % contenders.length]();
          for (const f of ['curl.bin', 'ferry.bin', 'basic.bin']) fs.rmSync(path.join(root, 'up-vsftpd', f), { force: true });
        }
      }
      const dl = report(`client_dl_${mode}_MBps`, 'MB/s', down, 'curl');
      const ul = report(`client_ul_${mode}_MBps`, 'MB/s', up, 'curl');
      target(`client download ${mode} vs curl`, '>= 0.80 x', dl.get('ferry')!, (v) => v >= 0.8, 'x');
      target(`client upload ${mode} vs curl`, '>= 0.80 x', ul.get('ferry')!, (v) => v >= 0.8, 'x');
    }
    for (const server of [vsftpd, ferry]) {
      const times: number[] = [];
      // rep -1: one untimed listing per server first, as the server part warms each server up (a
      // fresh Ferry server compiles its listing path on the first one); reported as _first.
      for (let rep = -1; rep < REPS; rep++) {
        const r = await worker('ferry-list', { site: site(server, 'passive'), remote: 'many' });
        if (r.entries !== LIST_ENTRIES) throw new Error(`listed ${r.entries} entries on ${server.name}, expected ${LIST_ENTRIES}`);
        if (rep < 0) emit(`client_list10k_first_ms.${server.name}`, r.ms, 'ms');
        else times.push(r.ms);
      }
      emit(`client_list10k_ms.${server.name}`, median(times), 'ms');
      target(`list 10 000 entries from ${server.name}, end to end`, '<= 300 ms', median(times), (v) => v <= 300, 'ms');
    }

    printTargets('client targets', 'client_targets_met', targets);
  } finally {
    await vsftpd.stop();
    await ferry.stop();
  }
}

if (require.main === module) runAlone('ferry-client-bench-', runClientBench);
