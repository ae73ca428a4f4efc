import { X509Certificate } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SiteSettings } from '../../src/core/client';
import type { Tunables } from '../../src/core/server';
import { startTestServer, TestServer, TEST_PASSWORD, TEST_USER } from './ferry-server';
import { run } from './processes';

/** One real server the client is tested against. */
export interface Peer {
  name: string;
  port: number;
  /** Offers explicit FTPS. */
  tls: boolean;
  /** SHA-256 fingerprint of its certificate (pinned by the tests instead of "insecure"). */
  fingerprint?: string;
  /** Where its files land on disk (to check bytes and modes directly). */
  dataDir: string;
}

export const PEERS_BASE = process.env.PEERS_BASE || '/tmp/ferry-peers';
const PEER_PORTS: [string, number][] = [
  ['vsftpd', 2121],
  ['pure-ftpd', 2122],
  ['proftpd', 2123],
  ['pyftpdlib', 2124],
];

/**
 * True when the server on `port` greets and accepts AUTH TLS (234): a peer started earlier by
 * hand without PEERS_TLS greets as well, and must be restarted in TLS mode.
 */
function offersTls(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let asked = false;
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.on('data', (d) => {
      text += d.toString();
      // pure-ftpd's greeting is multi-line: wait for its final "220 " line.
      if (!asked && /^220 /m.test(text)) {
        asked = true;
        text = '';
        socket.write('AUTH TLS\r\n');
      } else if (asked && /^\d{3} /m.test(text)) done(/^234 /m.test(text));
    });
    socket.once('error', () => done(false));
  });
}

let started: Promise<void> | undefined;

/**
 * Makes sure the four peers run with optional FTPS (test/peers/start-peers.sh is idempotent:
 * a running server is left alone). Needs root on first use, as CI has.
 */
export function ensurePeers(): Promise<void> {
  started ??= (async () => {
    const up = await Promise.all(PEER_PORTS.map(([, port]) => offersTls(port)));
    const tlsReady = existsSync(path.join(PEERS_BASE, 'tls', 'cert.pem'));
    if (up.every(Boolean) && tlsReady) return;
    const script = path.join(__dirname, '..', '..', '..', 'test', 'peers', 'start-peers.sh');
    const result = await run('bash', [script], { env: { PEERS_TLS: '1', PEERS_TLS_TICKETS: '0' }, timeoutMs: 900_000 });
    if (result.code !== 0) throw new Error(`could not start the test peers (run test/peers/start-peers.sh as root):\n${result.stderr.slice(-2000)}`);
  })();
  return started;
}

/** The four external peers, with the certificate fingerprint their TLS uses. */
export function externalPeers(): Peer[] {
  const certFile = path.join(PEERS_BASE, 'tls', 'cert.pem');
  const fingerprint = existsSync(certFile) ? new X509Certificate(readFileSync(certFile)).fingerprint256 : undefined;
  return PEER_PORTS.map(([name, port]) => ({ name, port, tls: fingerprint !== undefined, fingerprint, dataDir: path.join(PEERS_BASE, `data-${name}`) }));
}

/** Ferry's own server as the fifth peer: FTPS offered, FXP allowed, like the others (`tunables` add to that). */
export async function ferryPeer(tunables: Partial<Tunables> = {}): Promise<{ peer: Peer; server: TestServer }> {
  const server = await startTestServer({ tunables: { ssl_enable: true, allow_fxp: true, local_umask: 0o022, ...tunables } });
  const cert = readFileSync(path.join(server.stateDir, 'server-cert.pem'));
  return { server, peer: { name: 'ferry', port: server.port, tls: true, fingerprint: new X509Certificate(cert).fingerprint256, dataDir: server.root } };
}

/** Client settings for a peer in a data mode, plain or explicit TLS with the pinned certificate. */
export function siteFor(peer: Peer, dataMode: SiteSettings['dataMode'], tls: boolean, extra: Partial<SiteSettings> = {}): SiteSettings {
  return {
    host: '127.0.0.1',
    port: peer.port,
    user: TEST_USER,
    password: TEST_PASSWORD,
    dataMode,
    tls: tls ? 'explicit' : 'none',
    certificate: tls && peer.fingerprint ? { fingerprint256: peer.fingerprint } : undefined,
    maxConnections: 2,
    keepaliveMs: 0,
    ...extra,
  };
}

/**
 * Writes a file straight into a peer's data directory, owned like the directory (the peers
 * run as the unprivileged "ftppeer" and could not append to or delete a root-owned file).
 */
export function writePeerFile(peer: Peer, relative: string, content: Buffer | string): string {
  const file = path.join(peer.dataDir, relative);
  writeFileSync(file, content);
  const owner = statSync(peer.dataDir);
  chownSync(file, owner.uid, owner.gid);
  return file;
}

/** Gives everything below `dir` to the owner of the peer's data directory. */
export function chownToPeer(peer: Peer, dir: string): void {
  const owner = statSync(peer.dataDir);
  chownSync(dir, owner.uid, owner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownToPeer(peer, full);
    else chownSync(full, owner.uid, owner.gid);
  }
}

/** The five servers every interop suite runs against, in a stable order. */
export const PEER_NAMES = ['vsftpd', 'pure-ftpd', 'proftpd', 'pyftpdlib', 'ferry'];

/**
 * Mocha hooks for a suite that needs all five servers: before it, the four external peers
 * run and Ferry's own server is started; after it, Ferry's server stops. The returned map
 * is filled when the suite's tests run.
 */
export function allPeersFixture(): Map<string, Peer> {
  const peers = new Map<string, Peer>();
  let ferry: TestServer | undefined;
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    for (const peer of externalPeers()) peers.set(peer.name, peer);
    const own = await ferryPeer();
    ferry = own.server;
    peers.set('ferry', own.peer);
  });
  after(async () => {
    await ferry?.stop();
  });
  return peers;
}
