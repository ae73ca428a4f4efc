/**
 * Linux /proc readers for the benchmark: CPU time and memory of a server process and,
 * for forking servers (vsftpd), of the processes it spawned.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* keep the Linux default */
}

interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  /** utime + stime of the process itself, seconds. */
  self: number;
  /** cutime + cstime: children that exited and were reaped, seconds. */
  children: number;
}

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) may contain spaces and parentheses: everything after the last ") ".
  const f = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { state: f[0], ppid: n(1), pgrp: n(2), self: (n(11) + n(12)) / ticksPerSecond, children: (n(13) + n(14)) / ticksPerSecond };
}

/**
 * Every descendant of `pid` (one /proc scan). Zombies are left out unless asked for: their
 * CPU time reaches the parent's cutime only once the parent has reaped them.
 */
export function descendants(pid: number, includeZombies = false): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st && (includeZombies || st.state !== 'Z')) parent.set(Number(name), st.ppid);
  }
  const out: number[] = [];
  const wanted = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, ppid] of parent) {
      if (wanted.has(ppid) && !wanted.has(child)) {
        wanted.add(child);
        out.push(child);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * CPU seconds used by `pid` and everything it spawned: its own time, its reaped children's
 * time, and the time of descendants still alive (forking servers keep one per session).
 */
export function cpuSeconds(pid: number): number {
  const st = procStat(pid);
  if (!st) return NaN;
  let total = st.self + st.children;
  for (const d of descendants(pid)) {
    const ds = procStat(d);
    if (ds) total += ds.self;
  }
  return total;
}

function statusField(pid: number, field: string, file = 'status'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS (VmRSS from /proc/PID/status) and PSS (smaps_rollup) of a process tree, bytes. */
export function memory(pid: number, includeDescendants: boolean): { rss: number; pss: number; processes: number } {
  const pids = includeDescendants ? [pid, ...descendants(pid)] : [pid];
  let rss = 0;
  let pss = 0;
  for (const p of pids) {
    rss += statusField(p, 'VmRSS');
    pss += statusField(p, 'Pss', 'smaps_rollup');
  }
  return { rss, pss, processes: pids.length };
}

/**
 * CPU accounting for a forking server through a cgroup of its own (root only): its session
 * processes inherit it and their time stays counted after they exit, which /proc cannot
 * promise (vsftpd's session processes are not all reaped with wait(), so their time never
 * reaches the master's cutime). cgroup v1 cpuacct or v2 cpu.stat; undefined when neither works.
 */
export class CpuCgroup {
  private constructor(
    private readonly dir: string,
    private readonly v2: boolean,
  ) {}

  static create(name: string, pid: number): CpuCgroup | undefined {
    const candidates: [string, boolean][] = [
      ['/sys/fs/cgroup/cpuacct', false],
      ['/sys/fs/cgroup/unified', true],
      ['/sys/fs/cgroup', true],
    ];
    for (const [base, v2] of candidates) {
      if (!existsSync(path(base, v2 ? 'cgroup.procs' : 'cpuacct.usage'))) continue;
      const dir = path(base, name);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path(dir, 'cgroup.procs'), String(pid));
        const group = new CpuCgroup(dir, v2);
        if (Number.isFinite(group.seconds())) return group;
      } catch {
        try {
          rmdirSync(dir);
        } catch {
          /* not created */
        }
      }
    }
    return undefined;
  }

  seconds(): number {
    try {
      if (!this.v2) return Number(readFileSync(path(this.dir, 'cpuacct.usage'), 'utf8')) / 1e9;
      const m = /^usage_usec (\d+)/m.exec(readFileSync(path(this.dir, 'cpu.stat'), 'utf8'));
      return m ? Number(m[1]) / 1e6 : NaN;
    } catch {
      return NaN;
    }
  }

  /** Removes the group once its processes are gone. */
  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      /* still busy or gone */
    }
  }
}

function path(a: string, b: string): string {
  return `${a}/${b}`;
}

/** CPU seconds the whole machine spent busy so far (user, nice, system, irq, softirq of every CPU; /proc/stat). */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = fields;
  return (user + nice + system + irq + softirq) / ticksPerSecond;
}

/** CPU seconds of this process and of its children that exited and were reaped (curl, workers). */
export function ownCpuSeconds(): number {
  const st = procStat(process.pid);
  return st ? st.self + st.children : NaN;
}

/**
 * Measures how busy the rest of the machine was while something ran: CPU cores used by processes
 * that are neither this one, its reaped children nor the given servers. On a shared machine
 * (other builds and tests) a measurement taken while another process held a core is not
 * comparable with one taken on an idle machine; this says which ones were.
 */
export function otherLoad(servers: { cpu(): number }[]): () => number {
  const started = process.hrtime.bigint();
  const busy = machineBusySeconds();
  const own = ownCpuSeconds() + servers.reduce((sum, s) => sum + s.cpu(), 0);
  return () => {
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const ownNow = ownCpuSeconds() + servers.reduce((sum, s) => sum + s.cpu(), 0);
    return Math.max(0, machineBusySeconds() - busy - (ownNow - own)) / wall;
  };
}
