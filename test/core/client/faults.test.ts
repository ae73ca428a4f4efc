import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CancelledError, ConnectionError, FtpClient, forgetDataStrategies, RemoteReplyError, SiteSettings } from '../../../src/core/client';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';

function site(t: TestServer, extra: Partial<SiteSettings> = {}): SiteSettings {
  return { host: '127.0.0.1', port: t.port, user: TEST_USER, password: TEST_PASSWORD, keepaliveMs: 0, ...extra };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Faults no happy-path test reaches: servers that drop, callers that cancel, limits, refusals. */
describe('client faults and recovery (against Ferry\'s server)', function () {
  this.timeout(60_000);
  let local: string;
  before(() => (local = tempDir('ferry-client-faults-')));
  after(() => rmSync(local, { recursive: true, force: true }));

  it('survives the server dropping the connection mid-download: reconnects and resumes to an intact file', async () => {
    const t = await startTestServer({ tunables: { max_download_rate: 4_000_000 } });
    const payload = randomBytes(8_000_000);
    writeFileSync(path.join(t.root, 'big.bin'), payload);
    let drops = 0;
    t.server.on('transfer-start', (info) => {
      if (drops++ > 0) return;
      // Drop the session once a few megabytes went out (bounded: at most 200 polls).
      let polls = 0;
      const poll = setInterval(() => {
        const bytes = t.server.sessions().find((s) => s.id === info.sessionId)?.transfer?.bytes ?? 0;
        if (bytes > 2_000_000 || ++polls > 200) {
          clearInterval(poll);
          t.server.disconnect(info.sessionId);
        }
      }, 20);
    });
    const logins: string[] = [];
    t.server.on('login', (s) => logins.push(String(s.id)));
    const client = new FtpClient(site(t));
    try {
      const file = path.join(local, 'dropped.bin');
      const result = await client.downloadFile('big.bin', file);
      assert.equal(sha256(readFileSync(file)), sha256(payload));
      assert.ok(result.offset > 0 && result.offset < payload.length, `the retry resumed instead of starting over (offset ${result.offset})`);
      assert.equal(logins.length, 2, 'a second connection replaced the dropped one');
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('reports a clean error when a non-retryable read is cut, and keeps working afterwards', async () => {
    const t = await startTestServer({ tunables: { max_download_rate: 1_000_000 } });
    writeFileSync(path.join(t.root, 'big.bin'), randomBytes(2_000_000));
    writeFileSync(path.join(t.root, 'small.txt'), 'still here');
    t.server.once('transfer-start', (info) => setTimeout(() => t.server.disconnect(info.sessionId), 200));
    const client = new FtpClient(site(t));
    try {
      await assert.rejects(client.readFile('big.bin'), (err: Error) => err instanceof ConnectionError && /^read .*big\.bin failed: /.test((err as ConnectionError).describe()));
      assert.equal((await client.readFile('small.txt')).toString(), 'still here');
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('cancels a running download: CancelledError, the partial file stays for a resume', async () => {
    const t = await startTestServer({ tunables: { max_download_rate: 1_000_000 } });
    const payload = randomBytes(3_000_000);
    writeFileSync(path.join(t.root, 'big.bin'), payload);
    const client = new FtpClient(site(t));
    const abort = new AbortController();
    const file = path.join(local, 'cancelled.bin');
    try {
      const running = client.downloadFile('big.bin', file, { signal: abort.signal, onProgress: (p) => p.bytes > 300_000 && abort.abort() });
      await assert.rejects(running, CancelledError);
      const partial = statSync(file).size;
      assert.ok(partial > 0 && partial < payload.length, `partial file kept (${partial} bytes)`);
      await new Promise((r) => setTimeout(r, 100));
      const resumed = await new FtpClient(site(t)).downloadFile('big.bin', file, { resume: true });
      assert.equal(resumed.offset, partial);
      assert.equal(sha256(readFileSync(file)), sha256(payload));
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('queues concurrent callers on a pool of max 2 connections (never more sessions than that)', async () => {
    const t = await startTestServer();
    for (let i = 0; i < 10; i++) writeFileSync(path.join(t.root, `f${i}.txt`), `file ${i}`);
    let peak = 0;
    t.server.on('login', () => (peak = Math.max(peak, t.server.sessions().filter((s) => s.user).length)));
    const client = new FtpClient(site(t, { maxConnections: 2 }));
    try {
      const results = await Promise.all([...Array(10).keys()].flatMap((i) => [client.readFile(`f${i}.txt`), client.stat(`f${i}.txt`), client.list('')]));
      for (let i = 0; i < 10; i++) assert.equal((results[i * 3] as Buffer).toString(), `file ${i}`);
      assert.ok(peak <= 2, `at most 2 sessions at once, saw ${peak}`);
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('keeps an idle connection alive with NOOP past the server\'s idle timeout', async () => {
    const t = await startTestServer({ tunables: { idle_ctrl_timeout: 1 } });
    const client = new FtpClient(site(t, { keepaliveMs: 300 }));
    let closes = 0;
    t.server.on('session-close', () => closes++);
    try {
      await client.list('');
      await sleep(2500);
      await client.list('');
      assert.equal(closes, 0, 'the server never timed the session out');
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('reconnects transparently after the server dropped an idle connection', async () => {
    const t = await startTestServer({ tunables: { idle_ctrl_timeout: 1 } });
    writeFileSync(path.join(t.root, 'a.txt'), 'after idle');
    const client = new FtpClient(site(t));
    try {
      await client.list('');
      await sleep(1800);
      assert.equal((await client.readFile('a.txt')).toString(), 'after idle');
    } finally {
      client.close();
      await t.stop();
    }
  });

  it('auto mode falls back to active when no passive port is free, remembers it and logs the choice', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    const t = await startTestServer({ tunables: { pasv_min_port: busy, pasv_max_port: busy } });
    writeFileSync(path.join(t.root, 'x.txt'), 'via active');
    const lines: string[] = [];
    forgetDataStrategies();
    const client = new FtpClient(site(t, { dataMode: 'auto', log: (l) => lines.push(l) }));
    try {
      assert.equal((await client.readFile('x.txt')).toString(), 'via active');
      assert.ok(lines.some((l) => /data connections: EPRT works/.test(l)), 'the choice is logged');
      const before = lines.length;
      await client.list('');
      assert.ok(!lines.slice(before).some((l) => /> (EPSV|PASV)/.test(l)), 'the second transfer goes straight to EPRT');
    } finally {
      client.close();
      blocker.close();
      forgetDataStrategies();
      await t.stop();
    }
  });

  it('explains failures: wrong password, missing path, nothing listening, wrong pinned certificate', async () => {
    const t = await startTestServer({ tunables: { ssl_enable: true, login_fail_delay_ms: 10 } });
    try {
      const wrong = new FtpClient(site(t, { password: 'nope' }));
      await assert.rejects(wrong.list(''), (err: RemoteReplyError) => err.code === 530 && /user name and password/.test(err.describe()));
      wrong.close();
      const client = new FtpClient(site(t));
      await assert.rejects(client.downloadFile('missing.bin', path.join(local, 'm.bin')), (err: RemoteReplyError) => err.code === 550 && err.describe().includes('missing.bin'));
      client.close();
      const refused = new FtpClient({ host: '127.0.0.1', port: 1, keepaliveMs: 0 });
      await assert.rejects(refused.list(''), (err: ConnectionError) => err instanceof ConnectionError && /nothing listens/.test(err.describe()));
      const pinned = new FtpClient(site(t, { tls: 'explicit', certificate: { fingerprint256: 'AA:BB' } }));
      await assert.rejects(pinned.list(''), (err: ConnectionError) => err instanceof ConnectionError && /pin its fingerprint|does not match/.test(err.describe()));
    } finally {
      await t.stop();
    }
  });
});
