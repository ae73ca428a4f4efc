/**
 * The `ferry:` FileSystemProvider inside a real extension host, through vscode.workspace.fs (the registered
 * provider) against Ferry's own server and vsftpd, plus the provider class's {create, overwrite} rules.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FerryFileSystemProvider } from '../../../../src/vscode/explorer/file-system-provider';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer, testPasswordHash } from '../../../helpers/ferry-server';
import { chownToPeer, ensurePeers, externalPeers, Peer, writePeerFile } from '../../../helpers/peers';
import { activate, addSite, eventually, fsErrorOf, remote, removeSite } from './fixture';

const enc = (s: string) => Buffer.from(s, 'utf8');
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** One server the provider is exercised on: where its files are on disk, and how to put a file there. */
interface Target {
  name: string;
  siteId: string;
  disk: (p: string) => string;
  /** Writes a file behind the explorer's back; the listing cache is then refreshed (it would show it within seconds anyway). */
  put: (p: string, content: string, mode?: number) => Promise<void>;
}

const refreshed = () => vscode.commands.executeCommand('ferry.refresh');

describe('explorer: ferry: file system in the extension host', function () {
  this.timeout(60_000);
  let ferry: TestServer;
  let vsftpd: Peer;
  const sites: string[] = [];
  const targets: Target[] = [];

  before(async () => {
    await activate();
    const reader = { name: 'reader', passwordHash: await testPasswordHash(), perms: 'elr' };
    ferry = await startTestServer({ users: [{ name: TEST_USER, passwordHash: await testPasswordHash(), perms: 'elradfmwMT' }, reader], tunables: { local_umask: 0o022 } });
    const ferryId = await addSite({ name: 'Ferry exthost', host: '127.0.0.1', port: ferry.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
    sites.push(ferryId);
    targets.push({
      name: "Ferry's server",
      siteId: ferryId,
      disk: (p) => path.join(ferry.root, p),
      put: async (p, content, mode) => {
        mkdirSync(path.dirname(path.join(ferry.root, p)), { recursive: true });
        writeFileSync(path.join(ferry.root, p), content);
        if (mode !== undefined) chmodSync(path.join(ferry.root, p), mode);
        await refreshed();
      },
    });
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    const vsftpdId = await addSite({ name: 'vsftpd exthost', host: '127.0.0.1', port: vsftpd.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'auto' });
    sites.push(vsftpdId);
    targets.push({
      name: 'vsftpd',
      siteId: vsftpdId,
      disk: (p) => path.join(vsftpd.dataDir, p),
      put: async (p, content, mode) => {
        const dir = path.dirname(path.join(vsftpd.dataDir, p));
        mkdirSync(dir, { recursive: true });
        chownToPeer(vsftpd, path.join(vsftpd.dataDir, p.split('/')[0]));
        const file = writePeerFile(vsftpd, p, content);
        if (mode !== undefined) chmodSync(file, mode);
        await refreshed();
      },
    });
  });
  after(async () => {
    for (const id of sites) await removeSite(id);
    await ferry?.stop();
  });

  for (const index of [0, 1]) {
    describe(index === 0 ? "on Ferry's server" : 'on vsftpd', () => {
      let t: Target;
      let dir: string;
      const uri = (p: string) => remote(t.siteId, `/${dir}/${p}`.replace(/\/$/, ''));
      before(async () => {
        t = targets[index];
        dir = `exthost-${Date.now()}`;
        await t.put(`${dir}/hello.txt`, 'hello remote', 0o644);
        await t.put(`${dir}/locked.txt`, 'read only', 0o444);
        await t.put(`${dir}/sub/inner.txt`, 'inner');
      });

      it('stats files and folders, with read-only files marked from the listing', async () => {
        const file = await vscode.workspace.fs.stat(uri('hello.txt'));
        assert.equal(file.type, vscode.FileType.File);
        assert.equal(file.size, 12);
        assert.ok(file.mtime > 0);
        assert.equal(file.permissions, undefined);
        assert.equal((await vscode.workspace.fs.stat(uri('locked.txt'))).permissions, vscode.FilePermission.Readonly);
        assert.equal((await vscode.workspace.fs.stat(uri('sub'))).type, vscode.FileType.Directory);
        assert.equal((await vscode.workspace.fs.stat(remote(t.siteId, '/'))).type, vscode.FileType.Directory);
      });

      it('reads directories and files', async () => {
        const entries = (await vscode.workspace.fs.readDirectory(uri(''))).sort(([a], [b]) => a.localeCompare(b));
        assert.deepEqual(entries, [
          ['hello.txt', vscode.FileType.File],
          ['locked.txt', vscode.FileType.File],
          ['sub', vscode.FileType.Directory],
        ]);
        assert.equal(text(await vscode.workspace.fs.readFile(uri('hello.txt'))), 'hello remote');
      });

      it('writes, creates folders, renames and deletes recursively', async () => {
        await vscode.workspace.fs.writeFile(uri('new.txt'), enc('written by VS Code'));
        assert.equal(readFileSync(t.disk(`${dir}/new.txt`), 'utf8'), 'written by VS Code');
        await vscode.workspace.fs.writeFile(uri('new.txt'), enc('overwritten'));
        assert.equal(readFileSync(t.disk(`${dir}/new.txt`), 'utf8'), 'overwritten');
        await vscode.workspace.fs.createDirectory(uri('made'));
        assert.ok(statSync(t.disk(`${dir}/made`)).isDirectory());
        await vscode.workspace.fs.rename(uri('new.txt'), uri('made/renamed.txt'));
        assert.equal(readFileSync(t.disk(`${dir}/made/renamed.txt`), 'utf8'), 'overwritten');
        assert.equal(existsSync(t.disk(`${dir}/new.txt`)), false);
        await vscode.workspace.fs.delete(uri('made'), { recursive: true });
        assert.equal(existsSync(t.disk(`${dir}/made`)), false);
      });

      it('maps a missing path to FileNotFound', async () => {
        assert.equal((await fsErrorOf(vscode.workspace.fs.stat(uri('none.txt')))).code, 'FileNotFound');
        assert.equal((await fsErrorOf(vscode.workspace.fs.readFile(uri('none.txt')))).code, 'FileNotFound');
        assert.equal((await fsErrorOf(vscode.workspace.fs.delete(uri('none.txt')))).code, 'FileNotFound');
      });

      it('answers parallel stat and readFile calls', async () => {
        for (let i = 0; i < 8; i++) await t.put(`${dir}/many/f${i}.txt`, `file ${i}`);
        const results = await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            const [stat, bytes] = await Promise.all([vscode.workspace.fs.stat(uri(`many/f${i}.txt`)), vscode.workspace.fs.readFile(uri(`many/f${i}.txt`))]);
            return `${stat.size}:${text(bytes)}`;
          }),
        );
        assert.deepEqual(results, Array.from({ length: 8 }, (_, i) => `6:file ${i}`));
      });

      it('saves an edited document and keeps the file\'s mode', async () => {
        await t.put(`${dir}/page.html`, '<p>old</p>\n', 0o640);
        const doc = await vscode.workspace.openTextDocument(uri('page.html'));
        assert.equal(doc.getText(), '<p>old</p>\n');
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(0, 3, 0, 6), 'new');
        assert.ok(await vscode.workspace.applyEdit(edit));
        assert.ok(await doc.save(), 'the document saved');
        assert.equal(readFileSync(t.disk(`${dir}/page.html`), 'utf8'), '<p>new</p>\n');
        assert.equal(statSync(t.disk(`${dir}/page.html`)).mode & 0o777, 0o640);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      });
    });
  }

  it("sets a saved file's mode back when the server reset it on upload", async () => {
    await targets[0].put('reset.txt', 'before', 0o604);
    // Servers that recreate the file on STOR give it their umask's mode; make Ferry's server do that here.
    const reset = (info: { command: string; path: string }) => info.command.startsWith('STOR') && chmodSync(path.join(ferry.root, info.path), 0o600);
    ferry.server.on('transfer-end', reset);
    try {
      await vscode.workspace.fs.stat(remote(sites[0], '/reset.txt'));
      await vscode.workspace.fs.writeFile(remote(sites[0], '/reset.txt'), enc('after'));
    } finally {
      ferry.server.off('transfer-end', reset);
    }
    assert.equal(readFileSync(path.join(ferry.root, 'reset.txt'), 'utf8'), 'after');
    assert.equal(statSync(path.join(ferry.root, 'reset.txt')).mode & 0o777, 0o604);
  });

  it("maps a refused write to NoPermissions with the server's words", async () => {
    const readerId = await addSite({ name: 'Ferry reader', host: '127.0.0.1', port: ferry.port, user: 'reader', password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
    sites.push(readerId);
    await targets[0].put('guarded.txt', 'guarded');
    const error = await fsErrorOf(vscode.workspace.fs.writeFile(remote(readerId, '/guarded.txt'), enc('x')));
    assert.equal(error.code, 'NoPermissions');
    assert.match(error.message, /550 Permission denied/);
    assert.equal((await fsErrorOf(vscode.workspace.fs.createDirectory(remote(readerId, '/newdir')))).code, 'NoPermissions');
    assert.equal(readFileSync(path.join(ferry.root, 'guarded.txt'), 'utf8'), 'guarded');
  });

  it('maps a refused upload on vsftpd to NoPermissions', async () => {
    // A file owned by root in vsftpd's folder: the server (running as an unprivileged user) cannot replace it.
    const file = path.join(vsftpd.dataDir, 'root-owned.txt');
    writeFileSync(file, 'root');
    chmodSync(file, 0o644);
    await refreshed();
    const error = await fsErrorOf(vscode.workspace.fs.writeFile(remote(sites[1], '/root-owned.txt'), enc('x')));
    assert.equal(error.code, 'NoPermissions');
    assert.equal(readFileSync(file, 'utf8'), 'root');
  });

  it('maps an unreachable server to Unavailable with the reason', async () => {
    const goneId = await addSite({ name: 'Nowhere', host: '127.0.0.1', port: 1, user: 'nobody', password: 'x', tls: 'none' });
    sites.push(goneId);
    const error = await fsErrorOf(vscode.workspace.fs.stat(remote(goneId, '/x')));
    assert.equal(error.code, 'Unavailable');
    assert.match(error.message, /ECONNREFUSED|nothing listens/);
  });

  it('honours {create, overwrite} and reports its own changes (provider class on a pool of its own)', async () => {
    const clients = new SiteClients(async () => ({ host: '127.0.0.1', port: ferry.port, user: TEST_USER, password: TEST_PASSWORD, dataMode: 'passive', keepaliveMs: 0 }));
    const provider = new FerryFileSystemProvider(new RemoteFs(clients, () => 60_000), { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });
    const events: string[] = [];
    const subscription = provider.onDidChangeFile((changes) => changes.forEach((c) => events.push(`${c.type}:${c.uri.path}`)));
    const at = (p: string) => vscode.Uri.from({ scheme: 'ferry', authority: 'direct', path: p });
    writeFileSync(path.join(ferry.root, 'flags.txt'), 'x');
    try {
      const code = async (p: Thenable<unknown> | Promise<unknown>) => (await fsErrorOf(p)).code;
      assert.equal(await code(provider.writeFile(at('/absent.txt'), enc('x'), { create: false, overwrite: true })), 'FileNotFound');
      assert.equal(await code(provider.writeFile(at('/flags.txt'), enc('x'), { create: true, overwrite: false })), 'FileExists');
      assert.equal(await code(provider.createDirectory(at('/flags.txt'))), 'FileExists');
      assert.equal(await code(provider.rename(at('/absent.txt'), at('/b.txt'), { overwrite: false })), 'FileNotFound');
      await provider.writeFile(at('/created.txt'), enc('c'), { create: true, overwrite: false });
      assert.equal(await code(provider.rename(at('/created.txt'), at('/flags.txt'), { overwrite: false })), 'FileExists');
      await provider.rename(at('/created.txt'), at('/flags.txt'), { overwrite: true });
      assert.equal(readFileSync(path.join(ferry.root, 'flags.txt'), 'utf8'), 'c');
      await eventually('change events', () => (events.length >= 3 ? true : undefined));
      assert.deepEqual(events, [`${vscode.FileChangeType.Created}:/created.txt`, `${vscode.FileChangeType.Deleted}:/created.txt`, `${vscode.FileChangeType.Created}:/flags.txt`]);
    } finally {
      subscription.dispose();
      provider.dispose();
      clients.dispose();
    }
  });
});
