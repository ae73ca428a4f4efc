/**
 * Issue #16's bugs in the real workbench, as a new user meets them: a mistyped password (asked again after the
 * 530, never kept, and no login storm while the site stays expanded: the server counts the logins for 10 s),
 * the "+" title button while a row is selected, a server without TLS (vsftpd with ssl_enable=NO answers
 * AUTH TLS with 530) reported as such with the offer of plain FTP, and the site commands in the Command Palette.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { chownToPeer, externalPeers, writePeerFile } from '../../helpers/peers';
import { PlainVsftpd, startPlainVsftpd } from '../../helpers/plain-vsftpd';
import { sleep } from '../lib/util';
import type { Workbench } from '../lib/workbench';
import { answerPrompt, contextMenu, dialogButton, eventually, paletteRows, testOutcome } from './explorer-steps';

export const timeoutMs = 300_000;

/** User settings of this workbench: the two sites, filled in by `prepare` once the servers' ports are known. */
export const settings: Record<string, unknown> = {};

let ferry: TestServer;
let vsftpd: PlainVsftpd;
const folder = `ui-notls-${Date.now()}`;
/** PASS commands and successful logins Ferry's server saw. */
const attempts = { pass: 0, ok: 0 };

export async function prepare(): Promise<void> {
  ferry = await startTestServer();
  writeFileSync(path.join(ferry.root, 'hello.txt'), 'hello\n');
  ferry.server.on('log', (line: string) => / > PASS /.test(line) && attempts.pass++);
  ferry.server.on('login', () => attempts.ok++);
  vsftpd = await startPlainVsftpd();
  const peer = externalPeers().find((p) => p.name === 'vsftpd')!;
  mkdirSync(path.join(peer.dataDir, folder), { recursive: true });
  chownToPeer(peer, path.join(peer.dataDir, folder));
  writePeerFile(peer, `${folder}/plain.txt`, 'over plain FTP\n');
  writePeerFile(peer, `${folder}/gone.txt`, 'deleted behind the tree\'s back\n');
  // Owned by root, mode 600: vsftpd (running as the peer account) answers RETR with 550.
  writeFileSync(path.join(peer.dataDir, folder, 'secret.txt'), 'secret\n');
  chmodSync(path.join(peer.dataDir, folder, 'secret.txt'), 0o600);
  const common = { host: '127.0.0.1', user: TEST_USER, dataMode: 'passive' };
  settings['ferry.sites'] = [
    { id: 'storm', name: 'Storm site', port: ferry.port, tls: 'none', ...common },
    { id: 'notls', name: 'No TLS site', port: vsftpd.port, tls: 'explicit', remotePath: `/${folder}`, ...common },
  ];
}

const failedLogins = () => attempts.pass - attempts.ok;

export default async function explorerFailures(wb: Workbench): Promise<void> {
  wb.cleanup(() => ferry.stop());
  wb.cleanup(() => vsftpd.stop());
  wb.cleanup(() => rmSync(path.join(externalPeers().find((p) => p.name === 'vsftpd')!.dataDir, folder), { recursive: true, force: true }));
  const widget = wb.page.locator('.quick-input-widget');
  const message = (text: string) => widget.locator('.quick-input-message', { hasText: text });

  await wb.step('password-asked', async () => {
    await wb.openActivity('Ferry');
    await (await wb.treeItem(/^Storm site/)).click();
    await message("Kept in VS Code's secret storage").waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.quickInput('mistyped');
  });

  await wb.step('refused-asked-again', async () => {
    await message('The server refused the login (530 Login incorrect.)').waitFor({ state: 'visible', timeout: 30_000 });
    await widget.getByRole('button', { name: 'Edit Site…', exact: true }).waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await widget.getByRole('button', { name: 'Cancel', exact: true }).click();
    await widget.waitFor({ state: 'hidden', timeout: wb.timeoutMs });
  });

  await wb.step('no-login-storm', async () => {
    assert.equal(attempts.pass, 1);
    await sleep(10_000);
    assert.equal(attempts.pass, 1, `logins in 10 s with the site expanded: ${attempts.pass}`);
    const row = await wb.treeItem(/^Storm site/);
    assert.match(await row.innerText(), /login refused/);
    // Nothing spins: the view's progress bar is idle.
    assert.equal(await wb.page.locator('.pane-body .monaco-progress-container.active').count(), 0);
  });

  await wb.step('connect-asks-again', async () => {
    // The mistyped password was not kept: Connect asks for it again.
    await contextMenu(wb, await wb.treeItem(/^Storm site/), 'Connect');
    await message("Kept in VS Code's secret storage").waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.quickInput(TEST_PASSWORD);
    await wb.treeItem(/^hello\.txt/, { timeoutMs: 30_000 });
    assert.deepEqual({ failed: failedLogins(), ok: attempts.ok >= 1 }, { failed: 1, ok: true });
  });

  await wb.step('password-kept-after-login', async () => {
    const before = attempts.ok;
    await contextMenu(wb, await wb.treeItem(/^Storm site/), 'Disconnect');
    await wb.runCommand('Ferry: Connect');
    await wb.quickPick('Storm site');
    await eventually('a new login with the kept password', () => (attempts.ok > before ? true : undefined), 20_000);
    assert.equal(await message("Kept in VS Code's secret storage").isVisible(), false, 'no password asked');
    assert.equal(failedLogins(), 1);
  });

  await wb.step('plus-with-row-selected', async () => {
    await (await wb.treeItem(/^hello\.txt/)).click();
    await wb.page.locator('.part.sidebar').getByRole('button', { name: 'Add Site…', exact: true }).first().click();
    await message('Host name or IP address').waitFor({ state: 'visible', timeout: wb.timeoutMs });
    assert.deepEqual((await wb.notifications({ center: false })).filter((n) => /has no host/.test(n)), []);
  });

  await wb.step('host-as-url-fills-the-steps', async () => {
    await wb.quickInput(`ftp://${TEST_USER}@127.0.0.1:${ferry.port}/www`);
    // The URL's user is the next answer; its scheme (ftp:// is plain FTP) and port let the test connect at once.
    await message('User name').waitFor({ state: 'visible', timeout: wb.timeoutMs });
    assert.equal(await wb.quickInputBox.inputValue(), TEST_USER);
    await wb.page.keyboard.press('Enter');
    await answerPrompt(wb, 'Password', TEST_PASSWORD);
    await testOutcome(wb, /^Connected to 127\.0\.0\.1/);
    await wb.page.keyboard.press('Escape');
  });

  await wb.step('tls-refused', async () => {
    await (await wb.treeItem(/^No TLS site/)).click();
    await message("Kept in VS Code's secret storage").waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.quickInput(TEST_PASSWORD);
    const toast = await wb.waitForNotification(/No TLS site does not offer TLS: the server refused AUTH TLS \(530 Please login with USER and PASS\.\)/, 30_000);
    assert.doesNotMatch(await toast.innerText(), /user name and password\b(?! were not sent)/);
    assert.match(await (await wb.treeItem(/^No TLS site/)).innerText(), /no TLS on this server/);
    await sleep(3000);
    assert.equal(vsftpd.connections(), 1, 'AUTH TLS was refused once and not tried again');
    assert.equal(vsftpd.logins(), 0, 'the password was not sent');
    await toast.hover();
    await toast.getByRole('button', { name: 'Use plain FTP for this site', exact: true }).click();
    await wb.page.locator('.monaco-dialog-box').getByText('Use plain FTP for No TLS site?').waitFor({ timeout: wb.timeoutMs });
    await wb.page.locator('.monaco-dialog-box').getByText(/travel in clear text/).waitFor({ timeout: wb.timeoutMs });
  });

  await wb.step('plain-ftp-used', async () => {
    await dialogButton(wb, 'Use Plain FTP');
    await wb.treeItem(/^plain\.txt/, { timeoutMs: 30_000 });
    assert.equal(vsftpd.logins(), 1);
  });

  await wb.step('open-unreadable-file', async () => {
    await (await wb.treeItem(/^secret\.txt/)).click();
    const toast = await wb.waitForNotification(/Cannot open "secret\.txt": .*550 Failed to open file\./, 30_000);
    assert.ok(toast);
    assert.equal((await wb.editorTabs()).some((t) => t.startsWith('secret.txt')), false, 'no editor with "unexpected error"');
  });

  await wb.step('open-missing-file', async () => {
    rmSync(path.join(externalPeers().find((p) => p.name === 'vsftpd')!.dataDir, folder, 'gone.txt'));
    await (await wb.treeItem(/^gone\.txt/)).click();
    await wb.waitForNotification(/"gone\.txt" is no longer on the server; its folder was refreshed\./, 30_000);
    await wb.page.getByRole('treeitem', { name: /^gone\.txt/ }).waitFor({ state: 'detached', timeout: wb.timeoutMs });
    await wb.treeItem(/^plain\.txt/);
  });

  await wb.step('palette-lists-site-commands', async () => {
    for (const title of ['Edit Site…', 'Test Connection', 'Connect', 'Disconnect', 'Upload Files Here…', 'Upload Folder Here…', 'New Remote File…', 'New Remote Folder…', 'Duplicate Site', 'Remove Site']) {
      const rows = await paletteRows(wb, `Ferry: ${title}`);
      assert.ok(rows.includes(`Ferry: ${title}`), `palette rows for "Ferry: ${title}": ${JSON.stringify(rows)}`);
    }
    await wb.page.keyboard.press('Escape');
  });

  await wb.step('palette-asks-site-and-folder', async () => {
    await wb.runCommand('Ferry: New Remote Folder…');
    await wb.quickPick('Storm site');
    await message('Remote folder on Storm site').waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.quickInput('/');
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New folder in /' }).waitFor({ timeout: wb.timeoutMs });
    await wb.quickInput('from-palette');
    await eventually('the folder on the server', () => (existsSync(path.join(ferry.root, 'from-palette')) && statSync(path.join(ferry.root, 'from-palette')).isDirectory() ? true : undefined));
  });
}
