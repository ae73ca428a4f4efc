import * as assert from 'node:assert/strict';
import { ConnectionError } from '../../../src/core/client';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { loopbackSite } from './remote-fixture';

describe('explorer: site connections and their state', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it('goes connecting → connected → disconnected and shares one client', async () => {
    let resolved = 0;
    const clients = new SiteClients(async () => (resolved++, loopbackSite(server.port)));
    const seen: string[] = [];
    clients.onDidChangeState((id) => seen.push(`${id}:${clients.state(id).status}`));
    const [a, b] = await Promise.all([clients.connected('s'), clients.connected('s')]);
    assert.equal(a.client, b.client);
    assert.equal(resolved, 1, 'settings (and a password prompt) are asked for once');
    assert.deepEqual(clients.state('s'), { status: 'connected', home: '/', secure: false });
    assert.deepEqual(clients.active(), ['s']);
    clients.disconnect('s');
    assert.deepEqual(seen, ['s:connecting', 's:connected', 's:disconnected']);
    assert.deepEqual(clients.active(), []);
    clients.dispose();
  });

  it('logs the protocol with the password masked', async () => {
    const lines: string[] = [];
    const clients = new SiteClients(async () => loopbackSite(server.port, { log: (line) => lines.push(line) }));
    await clients.connected('s');
    clients.dispose();
    assert.ok(lines.some((l) => /PASS \*\*\*\*/.test(l)), lines.join('\n'));
    assert.equal(lines.some((l) => l.includes('secret')), false);
  });

  it('reports a refused login as failed and does not log in again until the user retries', async () => {
    let password = 'wrong';
    const clients = new SiteClients(async () => loopbackSite(server.port, { password }));
    await assert.rejects(clients.connected('s'), /530/);
    const state = clients.state('s');
    assert.equal(state.status, 'failed');
    assert.match((state as { message: string }).message, /530 .*check the user name and password/);
    password = 'secret';
    await assert.rejects(clients.connected('s'), /530/, 'the failure is held: no new login by itself');
    clients.retry('s');
    await clients.connected('s');
    assert.equal(clients.state('s').status, 'connected');
    clients.dispose();
  });

  it('reports a failed operation on a lost connection, and the next success', async () => {
    const clients = new SiteClients(async () => loopbackSite(server.port));
    await clients.connected('s');
    clients.observe('s', new ConnectionError('reset', { operation: 'list', host: 'h' }));
    assert.equal(clients.state('s').status, 'failed');
    clients.observe('s');
    await new Promise((r) => setImmediate(r));
    assert.equal(clients.state('s').status, 'connected');
    clients.dispose();
  });
});
