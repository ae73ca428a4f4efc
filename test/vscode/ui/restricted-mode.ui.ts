/**
 * Serve Workspace in Restricted Mode, in the real workbench: workspace trust is on and the folder opens
 * untrusted. Its mini_ftpd.conf turns anonymous access on; Serve must not apply it (an anonymous login
 * gets 530, the notification says what was left out). After the user trusts the folder from the trust
 * editor and restarts the server from the prompt, the file applies and the anonymous login succeeds.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client, FTPError } from 'basic-ftp';
import type { Workbench } from '../lib/workbench';

export const settings = {
  'security.workspace.trust.enabled': true,
  // No modal question at startup: the folder simply opens in Restricted Mode, as after "Don't Trust".
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
  'ferry.server.listenPort': 0,
};
export const timeoutMs = 240_000;

export function prepare(workspace: string): void {
  writeFileSync(path.join(workspace, 'mini_ftpd.conf'), 'anonymous_enable = YES\n');
  writeFileSync(path.join(workspace, 'public.txt'), 'for anyone\n');
}

/** The port of the first ftp:// URL in the text. */
function portIn(text: string): number {
  const port = Number(/ftp:\/\/(?:[^@/\s]+@)?127\.0\.0\.1:(\d+)\//.exec(text)?.[1]);
  assert.ok(port > 0, `a URL in "${text}"`);
  return port;
}

/** Logs in as anonymous; returns the reply code of the failure, or the names listed on success. */
async function anonymousLogin(port: number): Promise<{ code: number; names?: string[] }> {
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port, user: 'anonymous', password: 'guest@example.com' });
    return { code: 230, names: (await client.list()).map((f) => f.name) };
  } catch (err) {
    if (err instanceof FTPError) return { code: err.code };
    throw err;
  } finally {
    client.close();
  }
}

export default async function restrictedMode(wb: Workbench): Promise<void> {
  let port = 0;
  await wb.step('serve-in-restricted-mode', async () => {
    await wb.page.locator('.part.activitybar').getByRole('tab', { name: /^Ferry\b/ }).first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await wb.runCommand('Ferry: Serve Workspace over FTP');
    const toast = await wb.waitForNotification('Restricted Mode', 30_000);
    const text = await toast.locator('.notification-list-item-message').innerText();
    wb.log(`notification: ${text}`);
    assert.match(text, /Restricted Mode: mini_ftpd\.conf not applied until you trust the workspace/);
    port = portIn(text);
  });

  await wb.step('anonymous-refused', async () => {
    const result = await anonymousLogin(port);
    assert.equal(result.code, 530, `anonymous login in Restricted Mode: ${JSON.stringify(result)}`);
  });

  await wb.step('trust-the-folder', async () => {
    // The notification's button opens the trust editor (workbench.trust.manage).
    const toast = await wb.waitForNotification('Restricted Mode');
    await toast.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    const trust = wb.page.locator('.workspace-trust-editor');
    await trust.waitFor({ state: 'visible', timeout: wb.timeoutMs });
    await trust.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click();
    await trust.getByText('You trust this folder').first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
  });

  await wb.step('close-trust-editor', async () => {
    // The trust editor opens as a modal editor over the workbench: close it so the toasts can be clicked.
    await wb.runCommand('View: Close Editor');
    await wb.page.locator('.workspace-trust-editor').waitFor({ state: 'hidden', timeout: wb.timeoutMs });
  });

  await wb.step('restart-applies-the-file', async () => {
    const prompt = await wb.waitForNotification('The workspace is trusted now', 30_000);
    await prompt.getByRole('button', { name: 'Restart Server' }).click();
    const ready = wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^Serving/ }).filter({ hasNotText: 'Restricted Mode' });
    await ready.first().waitFor({ state: 'visible', timeout: 30_000 });
    port = portIn(await ready.first().innerText());
  });

  await wb.step('anonymous-accepted', async () => {
    const result = await anonymousLogin(port);
    assert.equal(result.code, 230, `anonymous login after trust: ${JSON.stringify(result)}`);
    assert.ok(result.names?.includes('public.txt'), JSON.stringify(result.names));
  });
}
