/**
 * Client and FXP benchmarks (run by run.ts, or alone: node out/bench/client-bench.js):
 *  - 1 GiB download and upload against vsftpd: Ferry's client vs curl vs basic-ftp's defaults,
 *    passive and active (basic-ftp has no active mode);
 *  - listing a 10 000-entry directory end to end;
 *  - a 1 GiB FXP copy vsftpd -> Ferry's server vs the same copy relayed through the client,
 *    against each server's own download rate measured in the same run.
 * Each client runs in its own process; repetitions interleave the competitors.
 */
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { curl } from './curl';
import { killAllServers, RunningServer, startFerry, startVsftpd } from './servers';
import { emit, median, progress } from './stats';

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
  clientBytes?: number;
  entries?: number;
}

function worker(op: string, args: object): Promise<WorkerResult> {
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
const targets: { label: string; wanted: string; value: number; ok: boolean; unit: string }[] = [];
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
  fs.mkdirSync(path.join(root, 'up-ferry'), { recursive: true });
  fs.mkdirSync(path.join(root, 'many'), { recursive: true });
  const big = path.join(root, 'big.bin');
  progress(`client: writing a ${SIZE / MiB} MiB file and ${LIST_ENTRIES} small ones`);
  const fd = fs.openSync(big, 'w');
  const chunk = Buffer.alloc(16 * MiB);
  for (let done = 0; done < SIZE; done += chunk.length) fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, SIZE - done));
  fs.closeSync(fd);
  for (let i = 0; i < LIST_ENTRIES; i++) fs.writeFileSync(path.join(root, 'many', `entry-${String(i).padStart(5, '0')} name.txt`), '');
  const local = path.join(dir, 'client-local.bin');

  const vsftpd = await startVsftpd(root, dir);
  const ferry = await startFerry(root, ['allow_fxp=YES']);
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

    progress('fxp: server download rates, FXP and relay copies, both directions');
    const rates = { vsftpd: [] as number[], ferry: [] as number[] };
    const directions = [
      { name: 'vsftpd_to_ferry', from: vsftpd, to: ferry, dir: 'up-ferry' },
      { name: 'ferry_to_vsftpd', from: ferry, to: vsftpd, dir: 'up-vsftpd' },
    ];
    const fxp = new Map<string, WorkerResult[]>(directions.map((d) => [d.name, []]));
    const relay = new Map<string, WorkerResult[]>(directions.map((d) => [d.name, []]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const server of [vsftpd, ferry]) {
        const c = await curl(['-u', `${server.user}:${server.pass}`, '-o', '/dev/null', `ftp://127.0.0.1:${server.port}/big.bin`]);
        rates[server.name as 'vsftpd' | 'ferry'].push(mbps(SIZE, c.transfers[0].total * 1000));
      }
      for (const d of directions) {
        const args = { site: site(d.from, 'passive'), target: site(d.to, 'passive'), remote: 'big.bin' };
        fxp.get(d.name)!.push(await worker('fxp', { ...args, targetPath: `${d.dir}/fxp.bin` }));
        fs.rmSync(path.join(root, d.dir, 'fxp.bin'), { force: true });
        relay.get(d.name)!.push(await worker('relay', { ...args, targetPath: `${d.dir}/relay.bin` }));
        fs.rmSync(path.join(root, d.dir, 'relay.bin'), { force: true });
      }
    }
    const slower = rates.vsftpd.map((v, i) => Math.min(v, rates.ferry[i]));
    emit('fxp_server_dl_MBps.vsftpd', median(rates.vsftpd), 'MB/s');
    emit('fxp_server_dl_MBps.ferry', median(rates.ferry), 'MB/s');
    for (const d of directions) {
      const f = fxp.get(d.name)!;
      const r = relay.get(d.name)!;
      emit(`fxp_copy_MBps.${d.name}.fxp`, median(f.map((x) => mbps(SIZE, x.ms))), 'MB/s');
      emit(`fxp_copy_MBps.${d.name}.relay`, median(r.map((x) => mbps(SIZE, x.ms))), 'MB/s');
      const ratio = median(f.map((x, i) => mbps(SIZE, x.ms) / slower[i]));
      emit(`fxp_ratio.${d.name}.fxp_vs_slower_server_dl`, ratio, 'x');
      emit(`fxp_client_payload_bytes.${d.name}.fxp`, median(f.map((x) => x.clientBytes ?? NaN)), 'B', 0);
      emit(`fxp_client_payload_bytes.${d.name}.relay`, median(r.map((x) => x.clientBytes ?? NaN)), 'B', 0);
      emit(`fxp_client_cpu_s.${d.name}.fxp`, median(f.map((x) => x.cpu)), 's', 3);
      emit(`fxp_client_cpu_s.${d.name}.relay`, median(r.map((x) => x.cpu)), 's', 3);
      const cpu = median(f.map((x, i) => x.cpu / r[i].cpu));
      emit(`fxp_client_cpu_ratio.${d.name}.fxp_vs_relay`, cpu, 'x', 3);
      const label = d.name.replace('_to_', ' -> ');
      target(`FXP ${label} vs the slower server's download`, '>= 0.90 x', ratio, (v) => v >= 0.9, 'x');
      target(`FXP ${label} client payload bytes`, '0 B', median(f.map((x) => x.clientBytes ?? NaN)), (v) => v === 0, 'B');
      target(`FXP ${label} client CPU vs relay`, '<= 0.10 x', cpu, (v) => v <= 0.1, 'x');
    }
    console.log(`\n# client and FXP targets${QUICK ? ' (BENCH_QUICK: indicative only)' : ''}`);
    for (const t of targets) console.log(`#   ${t.label.padEnd(48)}${t.wanted.padEnd(12)}${`${t.value.toFixed(t.unit === 'B' ? 0 : 2)} ${t.unit}`.padStart(12)}  ${t.ok ? 'MET' : 'NOT MET'}`);
    emit('client_targets_met', targets.filter((t) => t.ok).length, `of ${targets.length}`, 0);
  } finally {
    await vsftpd.stop();
    await ferry.stop();
  }
}

if (require.main === module) {
  const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'ferry-client-bench-'));
  runClientBench(dir)
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => {
      killAllServers();
      fs.rmSync(dir, { recursive: true, force: true });
    });
}
