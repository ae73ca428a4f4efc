/**
 * A private vsftpd **without TLS**, next to the peers harness's one (which offers TLS): the
 * configuration, virtual user (tester/secret) and data folder of test/peers/start-peers.sh, on a
 * port of its own, with ssl_enable=NO. Such a vsftpd answers AUTH TLS with
 * "530 Please login with USER and PASS." — what the explorer must not report as a bad password.
 * Needs root (as the peers do); stopped by the pid it was started with.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually } from './polling';
import { freePort } from '../vscode/lib/util';
import { ensurePeers, externalPeers, PEERS_BASE } from './peers';

export interface PlainVsftpd {
  port: number;
  /** Where uploaded files land (the peers' vsftpd data folder). */
  dataDir: string;
  /** vsftpd's protocol log so far. */
  log(): string;
  /** Control connections accepted so far (one "CONNECT" line each). */
  connections(): number;
  /** PASS commands received so far (login attempts). */
  logins(): number;
  stop(): Promise<void>;
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => (socket.destroy(), resolve(false)));
    socket.once('data', (d) => (socket.destroy(), resolve(/^220/.test(d.toString()))));
    socket.once('error', () => resolve(false));
  });
}

/** Starts vsftpd without TLS on a free port; `pasv` is its first passive port (50 of them). */
export async function startPlainVsftpd(pasv = 30_900): Promise<PlainVsftpd> {
  await ensurePeers();
  const base = path.join(PEERS_BASE, 'etc', 'vsftpd.conf');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-plain-vsftpd-'));
  const port = await freePort();
  const logFile = path.join(dir, 'vsftpd.log');
  const replace: Record<string, string> = {
    listen_port: String(port),
    pasv_min_port: String(pasv),
    pasv_max_port: String(pasv + 49),
    ssl_enable: 'NO',
    vsftpd_log_file: logFile,
    ftpd_banner: 'plain vsftpd (no TLS) ready',
  };
  const lines = readFileSync(base, 'utf8')
    .split('\n')
    .filter((line) => !/^(rsa_|ssl_(?!enable)|allow_anon_ssl|force_local_|require_ssl_reuse)/.test(line))
    .map((line) => {
      const key = line.split('=')[0];
      return key in replace ? `${key}=${replace[key]}` : line;
    });
  const conf = path.join(dir, 'vsftpd.conf');
  writeFileSync(conf, lines.join('\n'));
  const child = spawn('/usr/sbin/vsftpd', [conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(`vsftpd without TLS greets on ${port}`, async () => ((await greets(port)) ? true : undefined), 10_000);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const count = (pattern: RegExp) => (log().match(pattern) ?? []).length;
  // The readiness probe above was one connection: not the test's.
  const probes = count(/CONNECT: Client/g);
  return {
    port,
    dataDir: externalPeers().find((p) => p.name === 'vsftpd')!.dataDir,
    log,
    connections: () => count(/CONNECT: Client/g) - probes,
    logins: () => count(/FTP command: Client "[^"]*", "PASS /g),
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
