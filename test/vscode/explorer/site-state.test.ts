import * as assert from 'node:assert/strict';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { eventually } from '../../helpers/polling';
import { loopbackSite } from './remote-fixture';

/** Issue #16: the state a site's label shows is never a stale "connected" or "connection failed". */
describe('explorer: site state stays true to the connections', function () {
  this.timeout(30_000);
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is disconnected once the server has closed the idle connection, and connects again on the next use', async () => {
    const server = await startTestServer({ tunables: { idle_ctrl_timeout: 1 } });
    cleanups.push(() => server.stop());
    const clients = new SiteClients(async () => loopbackSite(server.port), { watchMs: 100 });
    cleanups.push(() => clients.dispose());
    const first = await clients.connected('s');
    assert.equal(clients.state('s').status, 'connected');
    await eventually('disconnected after the 421', () => (clients.state('s').status === 'disconnected' ? true : undefined), 10_000);
    assert.deepEqual(clients.active(), []);
    const second = await clients.connected('s');
    assert.notEqual(second.client, first.client, 'a new client, logged in again');
    assert.equal(clients.state('s').status, 'connected');
  });

  it('forgets a lost connection\'s "failed" when the user retries', async () => {
    const root = tempDir();
    let server: TestServer = await startTestServer({ root });
    cleanups.push(() => server.stop().catch(() => undefined));
    const clients = new SiteClients(async () => loopbackSite(server.port), { watchMs: 60_000 });
    cleanups.push(() => clients.dispose());
    const { client } = await clients.connected('s');
    const port = server.port;
    await server.stop();
    const err = await client.list('/').catch((e: unknown) => e);
    clients.observe('s', err);
    assert.equal(clients.state('s').status, 'failed');
    server = await startTestServer({ root, tunables: { listen_port: port } });
    clients.retry('s');
    assert.equal(clients.state('s').status, 'disconnected');
    await clients.connected('s');
    assert.equal(clients.state('s').status, 'connected');
  });
});
