import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { ControlClient } from '../../helpers/control-client';
import { tempDir } from '../../helpers/ferry-server';
import { waitFor } from '../../helpers/ftp-kit';
import { allPeersFixture, chownToPeer, ensurePeers, Peer, PEER_NAMES, PEERS_BASE, siteFor, writePeerFile } from '../../helpers/peers';

/**
 * Modification times (issue 13): uploads keep the local file's time on the server (MFMT, else
 * two-argument MDTM, else SITE UTIME), downloads keep the server's, and LIST dates in the
 * server's local zone are corrected by the offset detected from MDTM.
 */

const PAST = new Date('2021-03-04T05:06:07Z');
const OTHER = new Date('2020-01-02T03:04:05Z');
const seconds = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : undefined);

describe('client: modification times are kept × 5 servers', function () {
  this.timeout(120_000);
  const peers = allPeersFixture();
  let local: string;
  before(() => (local = tempDir('ferry-times-')));
  after(() => rmSync(local, { recursive: true, force: true }));

  for (const name of PEER_NAMES) {
    it(`${name}: upload sets the remote time, download the local one; preserveTime false leaves "now"`, async () => {
      const peer = peers.get(name)!;
      const logs: string[] = [];
      const client = new FtpClient(siteFor(peer, 'passive', false, { log: (l) => logs.push(l) }));
      const base = `times-${randomBytes(3).toString('hex')}`;
      const file = path.join(local, `${base}.txt`);
      writeFileSync(file, 'kept in time');
      utimesSync(file, PAST, PAST);
      try {
        await client.uploadFile(file, `${base}.txt`);
        const onServer = statSync(path.join(peer.dataDir, `${base}.txt`)).mtime;
        assert.equal(seconds(onServer), seconds(PAST), `remote time on disk (${logs.filter((l) => /modification time|MFMT|MDTM|UTIME/.test(l)).join(' | ')})`);
        assert.equal(seconds((await client.stat(`${base}.txt`))?.modifiedAt), seconds(PAST), 'remote time as the client reads it');

        utimesSync(path.join(peer.dataDir, `${base}.txt`), OTHER, OTHER);
        const down = path.join(local, `${base}.down`);
        await client.downloadFile(`${base}.txt`, down);
        assert.equal(readFileSync(down, 'utf8'), 'kept in time');
        assert.equal(seconds(statSync(down).mtime), seconds(OTHER), 'local time after download');

        const started = Date.now();
        await client.uploadFile(file, `${base}-now.txt`, { preserveTime: false });
        assert.ok(statSync(path.join(peer.dataDir, `${base}-now.txt`)).mtime.getTime() >= started - 2000, 'without preserveTime the server time is the upload time');
        await client.downloadFile(`${base}.txt`, `${down}2`, { preserveTime: false });
        assert.ok(statSync(`${down}2`).mtime.getTime() >= started - 2000);
      } finally {
        await client.remove(`${base}.txt`).catch(() => undefined);
        await client.remove(`${base}-now.txt`).catch(() => undefined);
        client.close();
      }
    });
  }
});

/** The line-oriented config of a running peer with some keys replaced (`key=value` for vsftpd, `Key value` for proftpd). */
function variantConfig(file: string, overrides: Record<string, string>, separator: '=' | ' '): string {
  const key = (line: string) => line.split(separator === '=' ? '=' : /\s+/)[0];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !(key(l) in overrides));
  // proftpd: drop the TLS block (this instance is plain), it ends the file.
  const tls = lines.findIndex((l) => l.startsWith('LoadModule mod_tls.c'));
  return [...(tls >= 0 ? lines.slice(0, tls) : lines), ...Object.entries(overrides).map(([k, v]) => `${k}${separator}${v}`)].join('\n') + '\n';
}

/**
 * A second instance of a peer, in a zone 8 hours ahead of UTC (a POSIX zone string: no zoneinfo
 * file needed), listing in local time: vsftpd with use_localtime=YES (its MDTM is local time as
 * well), or proftpd with TimesGMT off and no MLST in FEAT (LIST local, MDTM UTC: WinSCP's case).
 */
async function startLocalTimePeer(kind: 'vsftpd' | 'proftpd', port: number, root: string): Promise<ChildProcess> {
  const etc = path.join(PEERS_BASE, 'etc');
  const conf = path.join(etc, `${kind}-localtime.conf`);
  let child: ChildProcess;
  if (kind === 'vsftpd') {
    const overrides = { listen_port: String(port), local_root: root, pasv_min_port: '30400', pasv_max_port: '30499', use_localtime: 'YES', ssl_enable: 'NO', vsftpd_log_file: path.join(PEERS_BASE, 'logs', 'vsftpd-localtime.log') };
    writeFileSync(conf, variantConfig(path.join(etc, 'vsftpd.conf'), overrides, '='));
    child = spawn('/usr/sbin/vsftpd', [conf], { env: { ...process.env, TZ: 'CST-8' }, stdio: 'ignore' });
  } else {
    const run = path.join(PEERS_BASE, 'run');
    const overrides = { Port: String(port), PassivePorts: '30600 30699', PidFile: path.join(run, 'proftpd-localtime.pid'), ScoreboardFile: path.join(run, 'proftpd-localtime.scoreboard'), DefaultRoot: root, TimesGMT: 'off' };
    writeFileSync(conf, variantConfig(path.join(etc, 'proftpd.conf'), overrides, ' ') + '<IfModule mod_facts.c>\n  FactsAdvertise off\n</IfModule>\n');
    child = spawn(path.join(PEERS_BASE, 'root-proftpd', 'usr', 'sbin', 'proftpd'), ['-n', '-c', conf], { env: { ...process.env, TZ: 'CST-8' }, stdio: 'ignore' });
  }
  const greets = () =>
    ControlClient.connect(port).then(
      ({ client }) => (client.close(), true),
      () => false,
    );
  await waitFor(`${kind} (local time) to listen`, greets, 10_000, 100);
  return child;
}

for (const [kind, port] of [['proftpd', 2133], ['vsftpd', 2131]] as const) {
  describe(`client: LIST dates in the server's local time (${kind}, TZ UTC+8)`, function () {
    this.timeout(60_000);
    let server: ChildProcess | undefined;
    let peer: Peer;
    let local: string;
    // Ten days ago, on a whole minute plus 30 s: recent enough for LIST to show hh:mm.
    const when = new Date(Math.floor((Date.now() - 10 * 86_400_000) / 60_000) * 60_000 + 30_000);
    const minute = Math.floor(when.getTime() / 60_000) * 60_000;

    before(async function () {
      this.timeout(900_000);
      await ensurePeers();
      const owner = { name: kind, port, tls: false, dataDir: path.join(PEERS_BASE, `data-${kind}`) };
      const root = path.join(owner.dataDir, 'localtime');
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
      chownToPeer(owner, root);
      peer = { ...owner, name: `${kind}-localtime`, dataDir: root };
      utimesSync(writePeerFile(peer, 'report.txt', 'from the east'), when, when);
      server = await startLocalTimePeer(kind, port, kind === 'vsftpd' ? root : '~/localtime');
      local = tempDir('ferry-localtime-');
    });
    after(() => {
      server?.kill();
      rmSync(local, { recursive: true, force: true });
    });

    const entry = async (client: FtpClient) => (await client.list('/')).find((e) => e.name === 'report.txt')!;

    it('a fixed site offset corrects LIST dates; read as UTC they are 8 hours off', async () => {
      const asListed = new FtpClient(siteFor(peer, 'passive', false, { listTimeOffsetMinutes: 0 }));
      const fixed = new FtpClient(siteFor(peer, 'passive', false, { listTimeOffsetMinutes: 480 }));
      try {
        assert.equal((await entry(asListed)).modifiedAt?.getTime(), minute + 8 * 3_600_000);
        assert.equal((await entry(fixed)).modifiedAt?.getTime(), minute);
      } finally {
        asListed.close();
        fixed.close();
      }
    });

    it('detects the offset and keeps an uploaded file\'s time exact on disk', async () => {
      const logs: string[] = [];
      const client = new FtpClient(siteFor(peer, 'passive', false, { log: (l) => logs.push(l), maxConnections: 1 }));
      const file = path.join(local, 'up.txt');
      writeFileSync(file, 'sent west');
      utimesSync(file, PAST, PAST);
      try {
        if (kind === 'proftpd') {
          // LIST local, MDTM UTC: one listing tells the zone.
          assert.equal((await entry(client)).modifiedAt?.getTime(), minute, logs.join('\n'));
          assert.ok(logs.some((l) => /LIST dates are the server's local time, UTC\+8:00/.test(l)), logs.join('\n'));
        }
        // vsftpd's MDTM is local time too: the first upload on the connection tells its zone.
        await client.uploadFile(file, 'up.txt');
        assert.equal(seconds(statSync(path.join(peer.dataDir, 'up.txt')).mtime), seconds(PAST), `time on disk\n${logs.join('\n')}`);
        assert.equal((await entry(client)).modifiedAt?.getTime(), minute, `listed time after the upload\n${logs.join('\n')}`);
        const down = path.join(local, 'down.txt');
        await client.downloadFile('report.txt', down);
        assert.equal(seconds(statSync(down).mtime), seconds(when), 'downloaded file\'s time');
      } finally {
        client.close();
      }
    });
  });
}
