/**
 * Partial files and the Resume command in the extension host, against Ferry's own server: a cut download exists
 * only as "<name>.part", an interrupted upload stays listed, and "Resume Interrupted Transfers" finishes both
 * with the source's sha256.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { activate, addSite, eventually, remote, removeSite } from './fixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const transfers = () => vscode.workspace.getConfiguration('ferry.transfers');

describe('explorer: partial files and Resume in the extension host', function () {
  this.timeout(120_000);
  let server: TestServer;
  let again: TestServer | undefined;
  let siteId: string;
  let local: string;

  before(async () => {
    await activate();
    // The interruption waits for the Resume command instead of resuming by itself.
    await transfers().update('autoResume', false, vscode.ConfigurationTarget.Global);
    server = await startTestServer({ tunables: { max_download_rate: 200_000, max_upload_rate: 200_000 } });
    siteId = await addSite({ name: 'Partials', host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive', maxConnections: 1 });
    local = mkdtempSync(path.join(os.tmpdir(), 'ferry-exthost-partials-'));
  });
  after(async () => {
    await transfers().update('autoResume', undefined, vscode.ConfigurationTarget.Global);
    await removeSite(siteId);
    await server.server.close().catch(() => undefined);
    await again?.stop();
    for (const dir of [local, server.root, server.stateDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a cut download and a cut upload as partials, and Resume finishes both with the source sha256', async () => {
    writeFileSync(path.join(server.root, 'down.bin'), randomBytes(700_000));
    writeFileSync(path.join(local, 'up.bin'), randomBytes(700_000));
    const target = path.join(local, 'down.bin');
    const download = run<boolean>('ferry.download', remote(siteId, '/down.bin'), undefined, vscode.Uri.file(local));
    await eventually('the first bytes of the download', () => (existsSync(`${target}.part`) && statSync(`${target}.part`).size > 100_000 ? true : undefined), 30_000);
    await server.server.close();
    assert.equal(await download, false, 'the cut download reports failure');
    assert.ok(!existsSync(target), 'no file with the final name while it is partial');
    const partial = statSync(`${target}.part`).size;
    assert.ok(partial > 0 && partial < 700_000, `${partial} bytes`);

    again = await startTestServer({ root: server.root, tunables: { listen_port: server.port, max_upload_rate: 200_000 } });
    const stored = path.join(server.root, 'up.bin');
    const upload = run<boolean>('ferry.uploadFiles', remote(siteId, '/'), undefined, [vscode.Uri.file(path.join(local, 'up.bin'))]);
    await eventually('the first bytes of the upload', () => (existsSync(stored) && statSync(stored).size > 100_000 ? true : undefined), 30_000);
    await again.server.close();
    assert.equal(await upload, false, 'the cut upload reports failure');
    assert.ok(statSync(stored).size < 700_000, 'the server has part of it');

    again = await startTestServer({ root: server.root, tunables: { listen_port: server.port } });
    const sent: { command: string; bytes: number }[] = [];
    again.server.on('transfer-end', (t) => sent.push({ command: t.command.split(' ')[0], bytes: t.bytes }));
    assert.equal(await run<boolean>('ferry.resumeTransfers', 'all'), true, 'both resumed');
    assert.equal(sha256(target), sha256(path.join(server.root, 'down.bin')));
    assert.ok(!existsSync(`${target}.part`), 'renamed into place');
    assert.equal(sha256(stored), sha256(path.join(local, 'up.bin')));
    assert.equal(sent.find((s) => s.command === 'RETR')?.bytes, 700_000 - partial, 'the download continued its .part');
    assert.ok((sent.find((s) => s.command === 'STOR' || s.command === 'APPE')?.bytes ?? 700_000) < 700_000, 'the upload continued the remote part');
    assert.equal(await run<boolean>('ferry.resumeTransfers', 'all'), false, 'nothing left to resume');
  });

  it('replaces existing files when a script names the destination, with the source sha256', async () => {
    writeFileSync(path.join(again!.root, 'same.txt'), 'from the server');
    writeFileSync(path.join(local, 'same.txt'), 'older local bytes');
    assert.equal(await run<boolean>('ferry.download', remote(siteId, '/same.txt'), undefined, vscode.Uri.file(local)), true);
    assert.equal(sha256(path.join(local, 'same.txt')), sha256(path.join(again!.root, 'same.txt')));
  });

  it('Discard forgets an interrupted download without resuming it, and leaves its .part file as it was', async () => {
    await again!.stop();
    again = await startTestServer({ root: server.root, tunables: { listen_port: server.port, max_download_rate: 200_000 } });
    writeFileSync(path.join(server.root, 'forgot.bin'), randomBytes(700_000));
    // The site's idle connection died with the stopped server: one look at the file lets the explorer reconnect first.
    await eventually('the site answers again', () => Promise.resolve(vscode.workspace.fs.stat(remote(siteId, '/forgot.bin'))).then(() => true, () => undefined), 20_000);
    const target = path.join(local, 'forgot.bin');
    const download = run<boolean>('ferry.download', remote(siteId, '/forgot.bin'), undefined, vscode.Uri.file(local));
    await eventually('the first bytes of the download', () => (existsSync(`${target}.part`) && statSync(`${target}.part`).size > 100_000 ? true : undefined), 30_000);
    await again.server.close();
    assert.equal(await download, false, 'the cut download reports failure');
    const partial = statSync(`${target}.part`).size;

    again = await startTestServer({ root: server.root, tunables: { listen_port: server.port } });
    assert.equal(await run<number>('ferry.discardInterruptedTransfers', 'all'), 1, 'one transfer forgotten');
    assert.equal(await run<boolean>('ferry.resumeTransfers', 'all'), false, 'nothing left to resume');
    assert.equal(statSync(`${target}.part`).size, partial, 'the partial file is untouched');
    assert.ok(!existsSync(target));
  });
});
