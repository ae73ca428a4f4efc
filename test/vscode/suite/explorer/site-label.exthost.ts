/**
 * Issue #16: the site row's words after its name never say "connected" once the server has closed the
 * connections (an idle timeout), nor "connection failed" once the user has refreshed after the server came back.
 * The Sites tree runs here over its own model (the extension's tree is not reachable from a suite), with the
 * TreeItems VS Code gets from it.
 */
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteConfig, toSiteSettings } from '../../../../src/vscode/explorer/model/site-config';
import { SiteNode } from '../../../../src/vscode/explorer/nodes';
import { SitesTree } from '../../../../src/vscode/explorer/sites-tree';
import type { SiteStore } from '../../../../src/vscode/explorer/site-store';
import { startTestServer, tempDir, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { eventually } from './fixture';

/** A tree over one site, checking the site's connections every `watchMs`. */
function treeOf(port: number, watchMs = 200) {
  const site: SiteConfig = { id: 'label-site', name: 'Label', host: '127.0.0.1', port, user: TEST_USER, tls: 'none', dataMode: 'passive' };
  const store = { get: () => site, sites: () => [site], onDidChange: () => ({ dispose: () => undefined }) } as unknown as SiteStore;
  const clients = new SiteClients(async () => ({ ...toSiteSettings(site, TEST_PASSWORD), keepaliveMs: 0 }), { watchMs });
  const fs = new RemoteFs(clients, () => 5000);
  const tree = new SitesTree(store, clients, fs);
  const node: SiteNode = { kind: 'site', site };
  const label = () => String(tree.getTreeItem(node).description);
  return { tree, clients, node, label, dispose: () => (tree.dispose(), clients.dispose()) };
}

describe('explorer: the site label is never stale', function () {
  this.timeout(60_000);
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stops saying "connected" once the server has closed the idle connection', async () => {
    const server = await startTestServer({ tunables: { idle_ctrl_timeout: 1 } });
    cleanups.push(() => server.stop());
    const { tree, node, label, dispose } = treeOf(server.port);
    cleanups.push(dispose);
    await tree.getChildren(node);
    assert.equal(label(), 'connected');
    // The server's 421 after 1 s without a command closes the control connection.
    await eventually('the label drops "connected"', () => (label() === '' ? true : undefined), 10_000);
    assert.equal(tree.getTreeItem(node).contextValue, 'ferry.site.disconnected', 'the menu offers Connect');
    // Used again, it connects again and says so.
    await tree.getChildren(node);
    assert.equal(label(), 'connected');
  });

  it('does not keep "connection failed" after the server is back and the user refreshed', async () => {
    const root = tempDir();
    let server: TestServer = await startTestServer({ root });
    cleanups.push(() => server.stop().catch(() => undefined), () => rmSync(root, { recursive: true, force: true }));
    const { port } = server;
    // The connection is found lost by the listing below, not by the check of idle connections.
    const { tree, node, label, dispose } = treeOf(port, 60_000);
    cleanups.push(dispose);
    await tree.getChildren(node);
    assert.equal(label(), 'connected');
    await server.stop();
    tree.refreshSite('label-site');
    const rows = await tree.getChildren(node);
    assert.equal(rows[0]?.kind, 'message', 'the listing failed');
    assert.equal(label(), 'connection failed');
    server = await startTestServer({ root, tunables: { listen_port: port } });
    // Refresh on the collapsed site: VS Code redraws the row and asks for no children.
    tree.refreshSite('label-site');
    assert.notEqual(label(), 'connection failed', 'no failure since the user asked again');
    // Expanded, the refresh lists the folder again.
    tree.refreshSite('label-site');
    assert.ok((await tree.getChildren(node)).every((row) => row.kind === 'entry'));
    assert.equal(label(), 'connected');
  });
});
