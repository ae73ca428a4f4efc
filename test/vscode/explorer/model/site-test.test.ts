import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fetchServerCertificate } from '../../../../src/core/client/certificate-probe';
import { runTest } from '../../../../src/vscode/explorer/model/site-test';
import { TEST_PASSWORD, TEST_USER, withTestServer } from '../../../helpers/ferry-server';

const t = (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

describe('explorer: the site flow\'s test connection (issue #16, #15)', function () {
  this.timeout(30_000);

  it('is cancelled at once, closing the socket, while the server has not even greeted', async () => {
    // A server that accepts and says nothing: without cancellation the test would wait for the 20 s timeout.
    const closed: Promise<void>[] = [];
    const server = net.createServer((socket) => {
      closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
      socket.resume(); // read what arrives (the QUIT), or 'end' and 'close' never come
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const abort = new AbortController();
      const started = Date.now();
      setTimeout(() => abort.abort(), 300);
      const outcome = await runTest({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, tls: 'none', timeoutMs: 20_000 }, t, abort.signal);
      assert.equal(outcome.kind, 'cancelled');
      assert.ok(Date.now() - started < 3000, `cancelled after ${Date.now() - started} ms`);
      assert.equal(closed.length, 1);
      await Promise.race([closed[0], new Promise((_, reject) => setTimeout(() => reject(new Error('the server saw no close')), 3000))]);
    } finally {
      server.close();
    }
  });

  it('tells a refused login and a server without TLS apart, and reports what worked', async () => {
    await withTestServer({}, async (s) => {
      const base = { host: '127.0.0.1', port: s.port, user: TEST_USER };
      assert.equal((await runTest({ ...base, password: 'wrong', tls: 'none' }, t)).kind, 'login');
      assert.equal((await runTest({ ...base, password: TEST_PASSWORD, tls: 'explicit' }, t)).kind, 'tls-refused');
      const ok = await runTest({ ...base, password: TEST_PASSWORD, tls: 'none' }, t);
      assert.equal(ok.kind, 'ok');
      assert.ok(ok.kind === 'ok' && ok.lines.some((l) => l.startsWith('Encryption: none')));
    });
  });

  it('fetches the server\'s certificate without logging in; trusting that fingerprint makes the test pass', async () => {
    await withTestServer({ tunables: { ssl_enable: true } }, async (s) => {
      let logins = 0;
      s.server.on('login', () => logins++);
      const expected = new X509Certificate(readFileSync(path.join(s.stateDir, 'server-cert.pem'))).fingerprint256;
      const settings = { host: '127.0.0.1', port: s.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'explicit' as const };
      const untrusted = await runTest(settings, t);
      assert.equal(untrusted.kind, 'certificate', JSON.stringify(untrusted));
      const before = logins;
      const cert = await fetchServerCertificate(settings);
      assert.equal(logins, before, 'the probe sends no user name or password');
      assert.equal(cert.fingerprint256, expected);
      assert.equal(cert.trustedBySystem, false);
      assert.match(String(cert.systemError), /SELF_SIGNED/i);
      const pinned = await runTest({ ...settings, certificate: { fingerprint256: cert.fingerprint256 } }, t);
      assert.equal(pinned.kind, 'ok', JSON.stringify(pinned));
      assert.ok(pinned.kind === 'ok' && pinned.lines.some((l) => l.startsWith('Encryption: TLS (explicit)')));
    });
  });
});
