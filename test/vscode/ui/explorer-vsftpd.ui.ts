/**
 * The remote explorer in the real workbench on vsftpd (the peers harness, 127.0.0.1:2121): the walkthrough, a site added through
 * the flow with explicit TLS, its certificate pinned by fingerprint and active data connections; then the tree,
 * open, edit and save, upload by drop, chmod and delete, each checked on vsftpd's disk.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { chownToPeer, ensurePeers, externalPeers, writePeerFile } from '../../helpers/peers';
import type { Workbench } from '../lib/workbench';
import { appendAndSave, contextMenu, dialogButton, dropFile, eventually, fillSiteFlow, openChmod, testAndSave } from './explorer-steps';

export const timeoutMs = 240_000;

export default async function explorerOnVsftpd(wb: Workbench): Promise<void> {
  await ensurePeers();
  const vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
  assert.ok(vsftpd.fingerprint, 'the peers run with TLS');
  const folder = `ui-${Date.now()}`;
  mkdirSync(path.join(vsftpd.dataDir, folder), { recursive: true });
  chownToPeer(vsftpd, path.join(vsftpd.dataDir, folder));
  writePeerFile(vsftpd, `${folder}/notes.txt`, 'notes on vsftpd\n');
  const disk = (p: string) => path.join(vsftpd.dataDir, folder, p);

  await wb.step('walkthrough', async () => {
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.quickPick("Get started with Ferry's remote explorer");
    const editor = wb.page.locator('.part.editor');
    for (const step of ['Add a site', 'Open a remote file', 'Upload']) await editor.getByText(step, { exact: true }).first().waitFor({ timeout: wb.timeoutMs });
    await editor.getByRole('button', { name: 'Add Site', exact: true }).waitFor({ timeout: wb.timeoutMs });
  });

  await wb.step('add-site-flow-tls-active', async () => {
    await wb.openActivity('Ferry');
    await fillSiteFlow(wb, {
      host: '127.0.0.1',
      tls: 'Explicit TLS (FTPES)',
      port: vsftpd.port,
      certificate: vsftpd.fingerprint,
      user: TEST_USER,
      password: TEST_PASSWORD,
      dataMode: 'Active',
      remoteFolder: `/${folder}`,
      name: 'UI vsftpd',
    });
  });

  await wb.step('test-connection-report', async () => {
    const report = await testAndSave(wb, 'UI vsftpd');
    assert.match(report, /Encryption: TLS \(explicit\)/);
    assert.match(report, /Data connections: active mode works \((EPRT|PORT)\)/);
  });

  await wb.step('tree', async () => {
    await (await wb.treeItem(/^UI vsftpd/)).click();
    await wb.treeItem(/^notes\.txt/);
  });

  await wb.step('open-edit-save', async () => {
    await (await wb.treeItem(/^notes\.txt/)).click();
    await eventually('the editor shows the remote file', async () => ((await wb.editorText()).includes('notes on vsftpd') ? true : undefined));
    await appendAndSave(wb, 'saved over TLS');
    await eventually('the saved bytes on vsftpd', () => (readFileSync(disk('notes.txt'), 'utf8').includes('saved over TLS') ? true : undefined));
    assert.equal(readFileSync(disk('notes.txt'), 'utf8'), 'notes on vsftpd\nsaved over TLS');
  });

  await wb.step('upload-by-drop', async () => {
    await dropFile(wb, await wb.treeItem(/^UI vsftpd/), 'dropped.txt', 'dropped on vsftpd\n');
    await eventually('the dropped file on vsftpd', () => (existsSync(disk('dropped.txt')) ? true : undefined));
    assert.equal(readFileSync(disk('dropped.txt'), 'utf8'), 'dropped on vsftpd\n');
    await wb.treeItem(/^dropped\.txt/);
  });

  await wb.step('chmod-pick', async () => openChmod(wb, await wb.treeItem(/^notes\.txt/), 'rw-r--r-- (644)', 'rw-------'));

  await wb.step('chmod-applied', async () => {
    await wb.quickInputBox.press('Enter');
    await eventually('mode 600 on vsftpd', () => ((statSync(disk('notes.txt')).mode & 0o777) === 0o600 ? true : undefined));
  });

  await wb.step('delete', async () => {
    await contextMenu(wb, await wb.treeItem(/^dropped\.txt/), 'Delete');
    await dialogButton(wb, 'Delete');
    await eventually('the file gone from vsftpd', () => (existsSync(disk('dropped.txt')) ? undefined : true));
    await wb.page.getByRole('treeitem', { name: /^dropped\.txt/ }).waitFor({ state: 'detached', timeout: wb.timeoutMs });
  });
}
