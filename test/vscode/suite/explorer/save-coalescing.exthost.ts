/**
 * Saves of one remote file in the extension host against Ferry's own server with a throttled upload: five rapid
 * saves of a 5 MB file from the editor (what auto-save does) and five rapid writes through vscode.workspace.fs.
 * The server counts the uploads it receives; the bytes on its disk must be the last save's.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { activate, addSite, eventually, remote, removeSite } from './fixture';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('explorer: save coalescing in the extension host', function () {
  this.timeout(60_000);
  let server: TestServer;
  let siteId: string;

  before(async () => {
    await activate();
    // 20 MiB/s: one 5 MB upload takes about 250 ms, long enough for the later saves to arrive during it.
    server = await startTestServer({ tunables: { max_upload_rate: 20 * 1024 * 1024 } });
    siteId = await addSite({ name: 'Coalescing', host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
  });
  after(async () => {
    await removeSite(siteId);
    await server?.stop();
  });

  it('5 rapid saves of a 5 MB file in the editor: at most 2 uploads reach the server, and it keeps the last save', async () => {
    const line = `${'x'.repeat(99)}\n`;
    writeFileSync(path.join(server.root, 'big.txt'), line.repeat(50_000));
    await vscode.commands.executeCommand('ferry.refresh');
    const doc = await vscode.workspace.openTextDocument(remote(siteId, '/big.txt'));
    const editor = await vscode.window.showTextDocument(doc);
    const uploads: string[] = [];
    const count = (info: { direction: string; command: string }) => info.direction === 'upload' && uploads.push(info.command);
    server.server.on('transfer-start', count);
    try {
      const saves: Thenable<boolean>[] = [];
      for (let i = 1; i <= 5; i++) {
        // What auto-save does after each pause in typing: an edit, then a save while the first upload (about 250 ms) runs.
        assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), `save ${i}\n`)));
        saves.push(doc.save());
        await new Promise((r) => setTimeout(r, 30));
      }
      await Promise.all(saves);
      await eventually('the document saved', async () => (doc.isDirty ? undefined : true));
      assert.ok(uploads.length <= 2, `${uploads.length} uploads: ${uploads.join(', ')}`);
      const onServer = readFileSync(path.join(server.root, 'big.txt'));
      assert.match(onServer.subarray(0, 7).toString(), /^save 5\n/);
      assert.equal(sha256(onServer), sha256(Buffer.from(doc.getText())), 'the server has the last save');
    } finally {
      server.server.off('transfer-start', count);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('5 rapid writes of one file through vscode.workspace.fs never overlap, and the last one wins', async () => {
    // VS Code queues writes per file before they reach the provider (its write queue), so each of
    // these is one upload, one after the other.
    writeFileSync(path.join(server.root, 'queued.bin'), 'old');
    await vscode.commands.executeCommand('ferry.refresh');
    let running = 0;
    let most = 0;
    const start = (info: { direction: string }) => info.direction === 'upload' && (most = Math.max(most, ++running));
    const end = (info: { direction: string }) => info.direction === 'upload' && running--;
    server.server.on('transfer-start', start);
    server.server.on('transfer-end', end);
    try {
      const versions = [1, 2, 3, 4, 5].map((v) => Buffer.alloc(5 * 1024 * 1024, 0x40 + v));
      const writes: Thenable<void>[] = [];
      for (const content of versions) {
        writes.push(vscode.workspace.fs.writeFile(remote(siteId, '/queued.bin'), content));
        await new Promise((r) => setTimeout(r, 30));
      }
      await Promise.all(writes);
      assert.equal(most, 1, 'never two uploads of one file at once');
      assert.equal(sha256(readFileSync(path.join(server.root, 'queued.bin'))), sha256(versions[4]));
    } finally {
      server.server.off('transfer-start', start);
      server.server.off('transfer-end', end);
    }
  });
});
