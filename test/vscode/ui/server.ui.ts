/**
 * "Ferry: Serve Workspace over FTP" as a person sees it: the command from the palette, the ready
 * notification, the status bar item with the client count, the client in the "Server Sessions" view,
 * and Stop from the status bar's menu. The client is basic-ftp, run by this test on loopback.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'basic-ftp';
import { hashPassword } from '../../../src/core/server';
import { freePort } from '../lib/util';
import type { Workbench } from '../lib/workbench';
import { paletteRows } from './explorer-steps';

export default async function serve(wb: Workbench): Promise<void> {
  const port = await freePort();
  wb.writeWorkspaceFile('mini_ftpd.conf', `listen_port = ${port}\nuser = tester:${await hashPassword('secret')}:elr\n`);
  wb.writeWorkspaceFile('hello.txt', 'hello over FTP\n');
  const statusItem = wb.page.locator('.statusbar-item', { hasText: `127.0.0.1:${port}` }).first();

  await wb.step('serve', async () => {
    // The palette lists an extension's commands only once its contributions are in: the Ferry tab shows that.
    await wb.page.locator('.part.activitybar').getByRole('tab', { name: /^Ferry\b/ }).first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.runCommand('Ferry: Serve Workspace over FTP');
    await wb.waitForNotification(`at ftp://127.0.0.1:${port}/`, 30_000);
    await statusItem.waitFor({ state: 'visible', timeout: wb.timeoutMs });
    assert.match(await statusItem.innerText(), new RegExp(`127\\.0\\.0\\.1:${port} · 0$`));
  });

  await wb.step('palette-while-serving', async () => {
    // Serve Workspace is not offered again while the server runs; Stop Server is.
    const rows = await paletteRows(wb, 'Ferry: S');
    assert.ok(rows.includes('Ferry: Stop Server'), JSON.stringify(rows));
    assert.equal(rows.includes('Ferry: Serve Workspace over FTP'), false, JSON.stringify(rows));
    await wb.page.keyboard.press('Escape');
  });

  const client = new Client(10_000);
  try {
    await wb.step('client-in-sessions-view', async () => {
      await client.access({ host: '127.0.0.1', port, user: 'tester', password: 'secret' });
      assert.equal((await client.list()).some((f) => f.name === 'hello.txt'), true);
      await wb.runCommand('Ferry: Show Server Sessions');
      await wb.treeItem(/^tester/, { timeoutMs: 30_000 });
      await wb.page.locator('.statusbar-item', { hasText: `127.0.0.1:${port} · 1` }).first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
    });
  } finally {
    client.close();
  }

  await wb.step('stop-from-status-bar', async () => {
    await statusItem.click();
    await wb.quickPick('Stop Server');
    await statusItem.waitFor({ state: 'hidden', timeout: wb.timeoutMs });
    const rows = await paletteRows(wb, 'Ferry: Serve Workspace');
    assert.ok(rows.includes('Ferry: Serve Workspace over FTP'), JSON.stringify(rows));
    await wb.page.keyboard.press('Escape');
  });
}
