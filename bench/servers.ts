/**
 * Starting and stopping the servers under test, each in its own process (and process
 * group), all serving the same directory on 127.0.0.1 so only the server differs.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitForGreeting } from './ftp-raw';
import { cpuSeconds, CpuCgroup } from './procstat';

export type ServerName = 'ferry' | 'vsftpd' | 'pyftpdlib' | 'ftpsrv';

export interface RunningServer {
  name: string;
  /** Listen address (127.0.0.1 unless started on another loopback address). */
  host: string;
  port: number;
  pid: number;
  user: string;
  pass: string;
  /** Directory (relative to the served root) the server may write uploads to. */
  uploadDir: string;
  /** Forking server: CPU and memory include its descendants. */
  forks: boolean;
  /** CPU seconds of the server (and, for a forking server, of every process it started). */
  cpu(): number;
  /** Last lines the process printed (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

const REPO = path.resolve(__dirname, '..', '..');
export const PY = '/usr/bin/python3';
export const VSFTPD = '/usr/sbin/vsftpd';

/** A port that was free a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
/** Last-resort cleanup: every server started here dies with the benchmark. */
export function killAllServers(): void {
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

/** Runs one part of the benchmark on its own (node out/bench/<part>.js), in a fresh directory removed afterwards. */
export function runAlone(prefix: string, part: (dir: string) => Promise<void>): void {
  const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), prefix));
  part(dir)
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => {
      killAllServers();
      rmSync(dir, { recursive: true, force: true });
    });
}

async function launch(
  name: string,
  command: string,
  args: string[],
  port: number,
  login: { user: string; pass: string; uploadDir: string; forks?: boolean; host?: string },
  readyLine?: RegExp,
  env?: Record<string, string>,
): Promise<RunningServer> {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  live.add(child);
  let tail = '';
  let exited = false;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  child.once('error', (err) => keep(Buffer.from(String(err))));
  const group = login.forks && child.pid ? CpuCgroup.create(`ferry-bench-${child.pid}`, child.pid) : undefined;
  const server: RunningServer = {
    name,
    port,
    pid: child.pid ?? -1,
    ...login,
    host: login.host ?? '127.0.0.1',
    forks: login.forks ?? false,
    cpu: () => (group ? group.seconds() : cpuSeconds(child.pid ?? -1)),
    output: () => tail,
    stop: async () => {
      if (exited) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 3000);
      await exit;
      clearTimeout(timer);
      await new Promise((r) => setTimeout(r, 200));
      group?.remove();
    },
  };
  try {
    if (readyLine) {
      const deadline = Date.now() + 30_000;
      while (!readyLine.test(tail)) {
        if (exited || Date.now() > deadline) throw new Error('did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await Promise.race([waitForGreeting(port, 30_000, server.host), exit.then(() => Promise.reject(new Error('exited')))]);
  } catch (err) {
    await server.stop();
    throw new Error(`${name} failed to start (${(err as Error).message}): ${tail.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return server;
}

/**
 * The Node that runs Ferry's server: BENCH_FERRY_NODE, else the one running the benchmark. The
 * editor's server child runs on the extension host's Node (22 or newer in current VS Code builds,
 * 24 in the code-server of test/vscode), which JIT-compiles the per-file path much sooner than 20.
 */
const FERRY_NODE = process.env.BENCH_FERRY_NODE || process.execPath;

/** The version of the Node that runs Ferry's server, for the report's header. */
export function ferryNodeVersion(): string {
  return FERRY_NODE === process.execPath ? process.version : execFileSync(FERRY_NODE, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * Ferry through its CLI, as a user runs it; `host` is its listen address (another loopback address
 * is "another machine" to a server's FXP checks); `env` is added to the environment it inherits.
 */
export async function startFerry(root: string, extraSet: string[] = [], label = 'ferry', host = '127.0.0.1', env?: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const cli = path.join(REPO, 'out', 'src', 'cli.js');
  const sets = ['max_conns_per_ip=0', 'maximum_clients=0', 'local_umask=022', ...extraSet].flatMap((s) => ['--set', s]);
  // --quiet: no line per login and transfer, as vsftpd (xferlog_enable=NO) and pyftpdlib (WARNING) run here.
  return launch(label, FERRY_NODE, [cli, 'serve', root, '--host', host, '--port', String(port), '--user', 'tester:secret', '--quiet', ...sets], port, {
    user: 'tester',
    pass: 'secret',
    uploadDir: 'up-ferry',
    host,
  }, /listening on ftp:\/\//, env);
}

/**
 * vsftpd with its own minimal config: anonymous (no PAM round trip per login), uploads
 * allowed into one directory, sendfile on (the default), active + passive, no limits.
 */
export async function startVsftpd(root: string, workDir: string): Promise<RunningServer> {
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const upload = path.join(root, 'up-vsftpd');
  // The anonymous account: Debian's vsftpd package creates "ftp" (home /srv/ftp); vsftpd
  // chdir()s to its home before anon_root, so an account with a missing home cannot be used.
  const account = ['ftp', 'ftppeer'].find((name) => {
    try {
      const home = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).split(':')[5];
      return home !== undefined && existsSync(home);
    } catch {
      return false;
    }
  });
  if (asRoot) {
    if (!account) throw new Error('vsftpd needs a system account "ftp" with an existing home (apt-get install vsftpd creates it)');
    mkdirSync('/var/run/vsftpd/empty', { recursive: true });
    execFileSync('chown', [account, upload]);
  }
  const conf = path.join(workDir, 'vsftpd.conf');
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      `anon_root=${root}`,
      `ftp_username=${account ?? 'ftp'}`,
      'local_enable=NO',
      'write_enable=YES',
      'anon_upload_enable=YES',
      'anon_other_write_enable=YES',
      'anon_umask=022',
      'pasv_enable=YES',
      'port_enable=YES',
      'connect_from_port_20=NO',
      'seccomp_sandbox=NO',
      'isolate=NO',
      'isolate_network=NO',
      'max_clients=0',
      'max_per_ip=0',
      'xferlog_enable=NO',
      'use_sendfile=YES',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      ...(asRoot ? [] : ['run_as_launching_user=YES']),
      '',
    ].join('\n'),
  );
  return launch('vsftpd', VSFTPD, [conf], port, { user: 'anonymous', pass: 'bench@', uploadDir: 'up-vsftpd', forks: true });
}

/** pyftpdlib (Debian's, hence /usr/bin/python3), logging at WARNING like the others. */
export async function startPyftpdlib(root: string, workDir: string): Promise<RunningServer> {
  const port = await freePort();
  const script = path.join(workDir, 'pyftpdlib_bench.py');
  writeFileSync(
    script,
    `import sys, logging
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(level=logging.WARNING)
port, root = int(sys.argv[1]), sys.argv[2]
auth = DummyAuthorizer()
auth.add_user("tester", "secret", root, perm="elradfmwMT")
FTPHandler.authorizer = auth
FTPHandler.banner = "pyftpdlib bench ready"
FTPHandler.permit_foreign_addresses = True
server = FTPServer(("127.0.0.1", port), FTPHandler)
server.max_cons = 0
server.max_cons_per_ip = 0
server.serve_forever()
`,
  );
  return launch('pyftpdlib', PY, [script, String(port), root], port, { user: 'tester', pass: 'secret', uploadDir: 'up-pyftpdlib' });
}

/** ftp-srv (npm) in a child node process. */
export async function startFtpSrv(root: string): Promise<RunningServer> {
  const port = await freePort();
  const pasvMin = 41000 + Math.floor(Math.random() * 10) * 1000;
  const script = path.join(REPO, 'out', 'bench', 'ftpsrv-server.js');
  return launch('ftpsrv', process.execPath, [script, String(port), root, 'tester', 'secret', String(pasvMin), String(pasvMin + 999)], port, {
    user: 'tester',
    pass: 'secret',
    uploadDir: 'up-ftpsrv',
  }, /ready/);
}

/** Which competitors can run on this machine, and why not. */
export function availability(): Record<Exclude<ServerName, 'ferry'>, string | undefined> {
  let py: string | undefined;
  try {
    execFileSync(PY, ['-c', 'import pyftpdlib'], { stdio: 'ignore' });
  } catch {
    py = 'python3-pyftpdlib is not installed (apt-get install python3-pyftpdlib, or run test/peers/start-peers.sh)';
  }
  let ftpsrv: string | undefined;
  try {
    require.resolve('ftp-srv');
  } catch {
    ftpsrv = 'ftp-srv is not installed (npm ci)';
  }
  return {
    vsftpd: existsSync(VSFTPD) ? undefined : 'vsftpd is not installed (apt-get install vsftpd, or run test/peers/start-peers.sh)',
    pyftpdlib: py,
    ftpsrv,
  };
}
