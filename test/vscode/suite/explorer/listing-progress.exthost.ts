/**
 * Issue #15: a folder listing that takes long shows progress on the Sites view, and Cancel Listing aborts it
 * without leaving the site's connection busy. The server is Ferry's, reached through a control-connection relay
 * that holds back its replies after a listing command (a slow server, as seen from the client).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { SiteConfig, toSiteSettings } from '../../../../src/vscode/explorer/model/site-config';
import type { EntryNode, MessageNode } from '../../../../src/vscode/explorer/nodes';
import { SitesTree } from '../../../../src/vscode/explorer/sites-tree';
import type { SiteStore } from '../../../../src/vscode/explorer/site-store';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';

/** Relays control connections to `port`; while `holdMs` > 0, replies that follow a LIST or MLSD wait that long. */
async function slowRelay(port: number): Promise<{ port: number; holdMs: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const relay = { port: 0, holdMs: 0, close: () => (server.close(), sockets.forEach((s) => s.destroy())) };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let listing = false;
    let released = Promise.resolve();
    client.on('data', (chunk) => {
      listing ||= /^(MLSD|LIST)/im.test(chunk.toString('latin1'));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      const wait = listing ? relay.holdMs : 0;
      released = released.then(() => new Promise((resolve) => setTimeout(resolve, wait))).then(() => void (client.writable && client.write(chunk)));
    });
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as net.AddressInfo).port;
  return relay;
}

describe('explorer: a slow folder listing shows progress and can be cancelled', function () {
  this.timeout(60_000);
  let server: TestServer;
  let relay: Awaited<ReturnType<typeof slowRelay>>;
  const progress: unknown[] = [];
  const withProgress = vscode.window.withProgress;

  before(async () => {
    server = await startTestServer();
    mkdirSync(path.join(server.root, 'dir'));
    writeFileSync(path.join(server.root, 'dir', 'a.txt'), 'a');
    relay = await slowRelay(server.port);
    (vscode.window as unknown as Record<string, unknown>).withProgress = (options: vscode.ProgressOptions, task: never) => {
      progress.push(options.location);
      return withProgress(options, task);
    };
  });
  after(async () => {
    (vscode.window as unknown as Record<string, unknown>).withProgress = withProgress;
    relay?.close();
    await server?.stop();
  });

  it('shows progress on the view after a second, cancels on request, and the one connection lists again at once', async () => {
    const site: SiteConfig = { id: 'slow-site', name: 'Slow', host: '127.0.0.1', port: relay.port, user: TEST_USER, tls: 'none', dataMode: 'passive' };
    const store = { get: () => site, sites: () => [site], onDidChange: () => ({ dispose: () => undefined }) } as unknown as SiteStore;
    // One connection: a listing left running on it would hold up every later one.
    const clients = new SiteClients(async () => ({ ...toSiteSettings(site, TEST_PASSWORD), keepaliveMs: 0, maxConnections: 1 }));
    const tree = new SitesTree(store, clients, new RemoteFs(clients, () => 0));
    try {
      const dir: EntryNode = { kind: 'entry', location: { siteId: site.id, path: '/dir' }, entry: { name: 'dir', path: '/dir', type: 'directory', size: 0 } };
      // Logged in first: the server's scrypt check of the password runs in this process and can take a second here.
      await clients.connected(site.id);
      const fast = await tree.getChildren(dir);
      assert.deepEqual(fast.map((n) => (n as EntryNode).entry.name), ['a.txt']);
      assert.deepEqual(progress, [], 'a quick listing shows no progress');

      relay.holdMs = 20_000;
      const slow = tree.getChildren(dir);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(progress, [{ viewId: 'ferry.sites' }], 'progress on the Sites view');
      const cancelledAt = Date.now();
      tree.cancelListings();
      const [message] = (await slow) as MessageNode[];
      assert.ok(Date.now() - cancelledAt < 2000, 'cancelled at once');
      assert.equal(message.kind, 'message');
      assert.match(message.text, /Listing cancelled/);

      relay.holdMs = 0;
      const started = Date.now();
      const again = await tree.getChildren(dir);
      assert.deepEqual(again.map((n) => (n as EntryNode).entry?.name), ['a.txt']);
      assert.ok(Date.now() - started < 5000, `listed again in ${Date.now() - started} ms: the connection was not left busy`);
    } finally {
      tree.dispose();
      clients.dispose();
    }
  });
});
