/**
 * FXP in the real workbench: three saved sites — vsftpd (the peers harness), Ferry's server with FXP allowed and
 * uploads slowed down (so a copy can be paused, cancelled or cut by a reload), and Ferry's server with FXP refused.
 * Files and folders are dragged from one site onto another in the Sites tree, and the FXP Queue panel shows
 * each copy; every check reads the servers' disks (sha256, names, the tree).
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { chownToPeer, ensurePeers, externalPeers, Peer, writePeerFile } from '../../helpers/peers';
import type { Workbench } from '../lib/workbench';
import { contextMenu, dialogButton, eventually } from './explorer-steps';
import { badgeOf, clearFinished, dragRow, givePassword, queuePanel, rowAction, rowReaches } from './fxp-steps';

export const timeoutMs = 420_000;

/** Filled in by prepare(): the sites point at servers started there. */
export const settings: Record<string, unknown> = { 'ferry.fxp.conflict': 'ask' };

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const BIG = randomBytes(12 * 1024 * 1024);
const HELLO = Buffer.from('hello from vsftpd, copied server to server\n');
const UTF8_NAME = 'données été.txt';

let vsftpd: Peer;
let fast: TestServer;
let slow: TestServer;
let refusing: TestServer;
let folder: string;

/** Starts the two Ferry servers, lays out the files on vsftpd and saves the three sites in the settings. */
export async function prepare(): Promise<void> {
  await ensurePeers();
  vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
  folder = `ui-fxp-${Date.now()}`;
  const top = path.join(vsftpd.dataDir, folder);
  mkdirSync(path.join(top, 'site/assets/img'), { recursive: true });
  chownToPeer(vsftpd, top);
  writePeerFile(vsftpd, `${folder}/hello.txt`, HELLO);
  writePeerFile(vsftpd, `${folder}/big.bin`, BIG);
  writePeerFile(vsftpd, `${folder}/site/index.html`, '<h1>site</h1>\n');
  writePeerFile(vsftpd, `${folder}/site/.htaccess`, 'Options -Indexes\n');
  writePeerFile(vsftpd, `${folder}/site/assets/img/logo.svg`, '<svg/>\n');
  writePeerFile(vsftpd, `${folder}/site/assets/${UTF8_NAME}`, 'UTF-8 name\n');
  // FXP allowed; uploads at 1.5 MB/s so the 12 MiB file takes about 8 s: long enough to pause, cancel or reload.
  // On loopback every server sees the client and the other server at 127.0.0.1, so bounce protection would refuse
  // nothing: the FXP-refusing server and the source it is given listen on other loopback addresses (Ferry binds its
  // active data connections to its control address), as two hosts across a network would be. A refused passive
  // connection is given up after accept_timeout, then the relay follows.
  fast = await startTestServer({ tunables: { allow_fxp: true, listen_address: '127.0.0.2' } });
  slow = await startTestServer({ tunables: { allow_fxp: true, max_upload_rate: 1_500_000 } });
  refusing = await startTestServer({ tunables: { allow_fxp: false, listen_address: '127.0.0.3', accept_timeout: 5 } });
  mkdirSync(path.join(fast.root, 'in'), { recursive: true });
  writeFileSync(path.join(fast.root, 'relay-me.txt'), HELLO);
  const site = (id: string, name: string, host: string, port: number, remotePath?: string) => ({ id, name, host, port, user: TEST_USER, tls: 'none', dataMode: 'passive', remotePath });
  settings['ferry.sites'] = [
    site('vsftpd', 'UI vsftpd', '127.0.0.1', vsftpd.port, `/${folder}`),
    site('ferry-fast', 'UI Ferry', '127.0.0.2', fast.port),
    site('ferry-slow', 'UI Ferry slow', '127.0.0.1', slow.port),
    site('ferry-nofxp', 'UI Ferry no FXP', '127.0.0.3', refusing.port),
  ];
}

const onDisk = (server: TestServer, p: string) => path.join(server.root, p);

/** Expands a site row (answering its password prompt) until `child` shows below it. */
async function openSite(wb: Workbench, name: string, child: RegExp, options: { password?: boolean } = {}): Promise<void> {
  // "UI Ferry" must not pick "UI Ferry slow": the row's name is followed by its description, if anything.
  await (await wb.treeItem(new RegExp(`^${name}(?! slow| no FXP)`))).click();
  if (options.password !== false) await givePassword(wb, TEST_PASSWORD);
  await wb.treeItem(child, { timeoutMs: 30_000 });
}

export default async function fxp(wb: Workbench): Promise<void> {
  wb.cleanup(() => Promise.all([fast.stop(), slow.stop(), refusing.stop()]));
  const stores: string[] = [];
  fast.server.on('transfer-end', (t) => t.command.startsWith('STOR') && stores.push(t.path));
  // The big copy to the slow server is paused, resumed and cut by a reload: its pieces must add up to the file once.
  const bigPieces: number[] = [];
  slow.server.on('transfer-end', (t) => t.command.startsWith('STOR') && t.path.endsWith('big.bin') && bigPieces.push(t.bytes));

  await wb.step('sites', async () => {
    await wb.openActivity('Ferry');
    await openSite(wb, 'UI vsftpd', /^hello\.txt/);
    await openSite(wb, 'UI Ferry', /^in\b/);
  });

  await wb.step('drag-file-to-other-site', async () => {
    await dragRow(wb, await wb.treeItem(/^hello\.txt/), await wb.treeItem(/^in\b/));
    await rowReaches(wb, 'hello.txt', 'done');
    assert.equal(await badgeOf(wb, 'hello.txt'), 'FXP');
    await eventually('the copy on the target', () => (existsSync(onDisk(fast, 'in/hello.txt')) ? true : undefined));
    assert.equal(sha256(readFileSync(onDisk(fast, 'in/hello.txt'))), sha256(HELLO));
  });

  await wb.step('drag-folder-tree', async () => {
    await dragRow(wb, await wb.treeItem(/^site\b/), await wb.treeItem(/^in\b/));
    const files = ['index.html', '.htaccess', 'assets/img/logo.svg', `assets/${UTF8_NAME}`].map((f) => onDisk(fast, `in/site/${f}`));
    await eventually('the folder tree on the target', () => (files.every((f) => existsSync(f)) ? true : undefined), 60_000);
    await queuePanel(wb).locator('.row.group[data-state="done"]').first().waitFor({ timeout: 60_000 });
    assert.equal(readFileSync(onDisk(fast, 'in/site/assets/img/logo.svg'), 'utf8'), '<svg/>\n');
    assert.equal(readFileSync(onDisk(fast, 'in/site/.htaccess'), 'utf8'), 'Options -Indexes\n');
    assert.deepEqual(readdirSync(onDisk(fast, 'in/site')).sort(), ['.htaccess', 'assets', 'index.html']);
  });

  await wb.step('conflict-skip-identical', async () => {
    const before = stores.length;
    await dragRow(wb, await wb.treeItem(/^hello\.txt/), await wb.treeItem(/^in\b/));
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'already exists' }).waitFor({ timeout: wb.timeoutMs });
    await wb.quickPick('Skip identical');
    const skipped = queuePanel(wb).locator('.row.job[data-state="done"]', { has: wb.page.locator('.method[data-kind="skipped"]') });
    await skipped.first().waitFor({ timeout: 30_000 });
    assert.match(await skipped.first().innerText(), /hello\.txt/);
    assert.equal(stores.length, before, 'an identical file was sent again');
  });

  await wb.step('relay-when-fxp-refused', async () => {
    await openSite(wb, 'UI Ferry no FXP', /./);
    // The whole site row is a drop target: its start folder.
    await dragRow(wb, await wb.treeItem(/^relay-me\.txt/), await wb.treeItem(/^UI Ferry no FXP/));
    await rowReaches(wb, 'relay-me.txt', 'done');
    assert.equal(await badgeOf(wb, 'relay-me.txt'), 'relay');
    assert.equal(sha256(readFileSync(onDisk(refusing, 'relay-me.txt'))), sha256(HELLO));
    // The list shows only what fits: clear the finished rows so the next ones are in view.
    await clearFinished(wb);
  });

  await wb.step('pause-and-resume', async () => {
    await openSite(wb, 'UI Ferry slow', /./);
    await dragRow(wb, await wb.treeItem(/^big\.bin/), await wb.treeItem(/^UI Ferry slow/));
    const row = await rowReaches(wb, 'big.bin', 'running');
    await eventually('part of the file on the target', () => (existsSync(onDisk(slow, 'big.bin')) && readFileSync(onDisk(slow, 'big.bin')).length > 0 ? true : undefined), 30_000);
    await rowAction(row, 'pause');
    await rowReaches(wb, 'big.bin', 'paused');
    const partial = readFileSync(onDisk(slow, 'big.bin')).length;
    assert.ok(partial < BIG.length, `the paused copy already had all ${partial} bytes`);
    await rowAction(row, 'resume');
    await rowReaches(wb, 'big.bin', 'running');
  });

  await wb.step('reload-mid-copy-resumes', async () => {
    await wb.runCommand('Developer: Reload Window');
    await wb.waitForReady();
    await rowReaches(wb, 'big.bin', 'done', 120_000).catch(async (err) => {
      // After a reload the panel is closed until shown again.
      await wb.runCommand('Ferry: Show FXP Queue');
      await rowReaches(wb, 'big.bin', 'done', 120_000).catch(() => {
        throw err;
      });
    });
    assert.equal(sha256(readFileSync(onDisk(slow, 'big.bin'))), sha256(BIG));
    assert.ok(bigPieces.length >= 3, `pause and reload should have cut the copy: ${JSON.stringify(bigPieces)}`);
    assert.equal(bigPieces.reduce((a, b) => a + b, 0), BIG.length, `each piece continues where the last stopped (REST): ${JSON.stringify(bigPieces)}`);
  });

  await wb.step('same-site-move', async () => {
    await wb.openActivity('Ferry');
    await openSite(wb, 'UI vsftpd', /^hello\.txt/, { password: false });
    const tree = await wb.treeItem(/^hello\.txt/);
    await dragRow(wb, tree, await wb.treeItem(/^site\b/));
    await dialogButton(wb, 'Move');
    await eventually('the moved file on vsftpd', () => (existsSync(path.join(vsftpd.dataDir, folder, 'site/hello.txt')) ? true : undefined));
    assert.ok(!existsSync(path.join(vsftpd.dataDir, folder, 'hello.txt')));
  });

  await wb.step('copy-to-site-by-keyboard', async () => {
    // The row's context menu (a click would open the 12 MiB file in an editor, where stray keys would land);
    // from there only keys: type to filter the site, Enter, Enter on "Copy here".
    await clearFinished(wb);
    await contextMenu(wb, await wb.treeItem(/^big\.bin/), 'Copy to Site…');
    await wb.quickPickRow('UI vsftpd');
    await wb.page.keyboard.type('UI Ferry');
    await wb.quickPickRow('UI Ferry');
    await wb.page.keyboard.press('Enter');
    await wb.quickPickRow('Copy here');
    await wb.page.keyboard.press('Enter');
    await rowReaches(wb, 'UI Ferry:/big.bin', 'done', 60_000);
    assert.equal(await badgeOf(wb, 'UI Ferry:/big.bin'), 'FXP');
    // Queueing is over once the job is in the queue: its progress notification must not stay open.
    await wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Queueing FXP copies' }).waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(sha256(readFileSync(onDisk(fast, 'big.bin'))), sha256(BIG));
    assert.equal(sha256(readFileSync(path.join(vsftpd.dataDir, folder, 'big.bin'))), sha256(BIG), 'the source changed');
  });

  await wb.step('cancel', async () => {
    await clearFinished(wb);
    const before = readFileSync(onDisk(slow, 'big.bin'));
    await dragRow(wb, await wb.treeItem(/^big\.bin/), await wb.treeItem(/^UI Ferry slow/));
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'already exists' }).waitFor({ timeout: wb.timeoutMs });
    await wb.quickPick('Overwrite');
    const row = await rowReaches(wb, 'UI Ferry slow:/big.bin', 'running');
    await rowAction(row, 'cancel');
    await rowReaches(wb, 'UI Ferry slow:/big.bin', 'cancelled');
    const after = readFileSync(onDisk(slow, 'big.bin'));
    assert.ok(after.length < before.length, `the cancelled overwrite went on to ${after.length} bytes`);
  });
}
