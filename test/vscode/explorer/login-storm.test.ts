/**
 * Issue #16 bugs 1, 2 and 4 at the model level, against real servers: a view that asks for a
 * site's children on every state change (as the Sites view does) must not turn a refused login
 * into a login loop; a password is asked again after a 530 and kept only once it logged in;
 * transient failures are tried again only after growing delays; a server without TLS is told
 * apart from a bad password.
 */
import * as assert from 'node:assert/strict';
import type { SiteSettings } from '../../../src/core/client';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { startTestServer, TEST_PASSWORD, TestServer } from '../../helpers/ferry-server';
import { sleep } from '../../helpers/ftp-kit';
import { startPlainVsftpd } from '../../helpers/plain-vsftpd';
import { freePort } from '../lib/util';
import { portRefuses } from '../../helpers/polling';
import { loopbackSite } from './remote-fixture';

/** Redraws like the Sites view: on every state change, the site's children are asked for again. */
function redrawOnEveryChange(clients: SiteClients, siteId: string): { redraws: number } {
  const seen = { redraws: 0 };
  clients.onDidChangeState((id) => {
    if (id !== siteId || seen.redraws++ > 500) return;
    void clients.connected(id).catch(() => undefined);
  });
  return seen;
}

describe('explorer: failed logins are not retried by redrawing', function () {
  this.timeout(60_000);
  let server: TestServer;
  const logins: string[] = [];
  before(async () => {
    server = await startTestServer();
    server.server.on('log', (line: string) => / > PASS /.test(line) && logins.push(line));
    server.server.on('log', (line: string) => process.env.DBG && console.log(Date.now() % 100000, line));
  });
  after(() => server.stop());
  beforeEach(() => (logins.length = 0));

  it('logs in once after a 530 however often the view redraws, for 10 s', async () => {
    const clients = new SiteClients(async () => loopbackSite(server.port, { password: 'wrong' }));
    const view = redrawOnEveryChange(clients, 's');
    await assert.rejects(clients.connected('s'), /530/);
    await sleep(10_000);
    assert.equal(logins.length, 1, `logins seen by the server: ${logins.length} (redraws: ${view.redraws})`);
    assert.equal(clients.state('s').status, 'failed');
    clients.dispose();
  });

  it('asks for the password again after a 530 and keeps only one that logged in', async () => {
    const kept: (string | undefined)[] = [];
    const asked: string[] = [];
    const answers = ['still wrong', TEST_PASSWORD];
    const clients = new SiteClients({
      settings: async () => loopbackSite(server.port, { password: 'wrong' }),
      loginRefused: async (_id, err, tried) => {
        asked.push(`${err.code} after ${tried.password}`);
        return { ...tried, password: answers.shift() };
      },
      loggedIn: (_id, settings) => void kept.push(settings.password),
    });
    await clients.connected('s');
    assert.deepEqual(asked, ['530 after wrong', '530 after still wrong']);
    assert.deepEqual(kept, [TEST_PASSWORD], 'only the password that logged in is kept');
    assert.equal(logins.length, 3, `one login per password typed, no more:\n${logins.join('\n')}`);
    clients.dispose();
  });

  it('stops asking when the user cancels, and keeps nothing', async () => {
    const kept: (string | undefined)[] = [];
    const failed: string[] = [];
    const clients = new SiteClients({
      settings: async () => loopbackSite(server.port, { password: 'wrong' }),
      loginRefused: async () => undefined,
      loggedIn: (_id, settings) => void kept.push(settings.password),
      failed: (_id, _err, kind) => void failed.push(kind),
    });
    redrawOnEveryChange(clients, 's');
    await assert.rejects(clients.connected('s'), /530/);
    await sleep(1500);
    assert.deepEqual(kept, []);
    assert.deepEqual(failed, ['login']);
    assert.equal(logins.length, 1);
    clients.dispose();
  });
});

describe('explorer: transient failures are tried again later, a few times', function () {
  this.timeout(30_000);

  it('tries again only when the delay has passed, then waits for the user', async () => {
    const port = await freePort();
    assert.ok(await portRefuses(port));
    let attempts = 0;
    const failed: string[] = [];
    const clients = new SiteClients(
      { settings: async () => (attempts++, loopbackSite(port, { timeoutMs: 2000 } as Partial<SiteSettings>)), failed: (_id, _err, kind) => void failed.push(kind) },
      { delaysMs: [400, 800] },
    );
    const view = redrawOnEveryChange(clients, 's');
    await assert.rejects(clients.connected('s'), /ECONNREFUSED/);
    const first = clients.state('s');
    assert.equal(first.status === 'failed' && first.kind, 'transient');
    assert.ok(first.status === 'failed' && first.retryAt, 'a next try is planned');
    await assert.rejects(clients.connected('s'), /ECONNREFUSED/);
    assert.equal(attempts, 1, 'no new attempt before the delay');
    // The wake-up after each delay makes the view redraw, which tries again: 1 + 2 attempts, then it stops.
    await sleep(3000);
    assert.equal(attempts, 3, `attempts: ${attempts} (redraws: ${view.redraws})`);
    const last = clients.state('s');
    assert.equal(last.status === 'failed' && last.retryAt, undefined, 'no further automatic try');
    assert.deepEqual(failed, ['transient']);
    clients.retry('s');
    await assert.rejects(clients.connected('s'), /ECONNREFUSED/);
    assert.equal(attempts, 4, 'the user may always try again');
    clients.dispose();
  });
});

describe('explorer: a server without TLS (vsftpd, ssl_enable=NO)', function () {
  this.timeout(120_000);

  it('is reported as having no TLS, not as a bad password, and is not tried again', async () => {
    const vsftpd = await startPlainVsftpd();
    try {
      const failed: string[] = [];
      const clients = new SiteClients({
        settings: async () => ({ host: '127.0.0.1', port: vsftpd.port, user: 'tester', password: TEST_PASSWORD, tls: 'explicit', dataMode: 'passive', keepaliveMs: 0 }),
        loginRefused: async () => assert.fail('a TLS refusal is not a refused login'),
        failed: (_id, _err, kind) => void failed.push(kind),
      });
      redrawOnEveryChange(clients, 's');
      const err = await clients.connected('s').then(
        () => assert.fail('connected without TLS'),
        (e: Error) => e,
      );
      assert.equal(err.name, 'TlsRefusedError');
      assert.match((err as unknown as { describe(): string }).describe(), /^start TLS \(AUTH TLS\) with tester@127\.0\.0\.1:\d+ failed: 530 Please login with USER and PASS\. — the server does not offer TLS/);
      assert.doesNotMatch((err as unknown as { describe(): string }).describe(), /user name and password/);
      assert.deepEqual(failed, ['tls-refused']);
      const state = clients.state('s');
      assert.equal(state.status === 'failed' && state.kind, 'tls-refused');
      await sleep(2000);
      assert.equal(vsftpd.connections(), 1, vsftpd.log());
      assert.equal(vsftpd.logins(), 0, 'the password was never sent');
      clients.dispose();
    } finally {
      await vsftpd.stop();
    }
  });
});
