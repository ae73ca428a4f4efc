/** Workbench gestures the explorer's UI tests share: answering a quick input step, context menus, dialogs. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Workbench } from '../lib/workbench';
import { eventually } from '../../helpers/polling';

export { eventually };

/**
 * Answers the quick input step whose prompt contains `prompt` (waited for, so the answer never lands in the
 * previous step): fills `text` and presses Enter. With `button` (a file dialog's OK button) it waits for the dialog
 * to show its starting folder first (it fills the box itself, late), and types the path again if the dialog changed it.
 */
export async function answerPrompt(wb: Workbench, prompt: string, text: string, options: { button?: string } = {}): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  if (prompt) await widget.locator('.quick-input-message', { hasText: prompt }).waitFor({ state: 'visible', timeout: wb.timeoutMs });
  if (!options.button) return wb.quickInput(text);
  const ok = widget.getByRole('button', { name: options.button, exact: true });
  await ok.waitFor({ state: 'visible', timeout: wb.timeoutMs });
  await eventually('the dialog shows its starting folder', async () => ((await wb.quickInputBox.inputValue()) ? true : undefined));
  await eventually(`the quick input closes after "${options.button}"`, async () => {
    if (!(await widget.isVisible())) return true;
    if ((await wb.quickInputBox.inputValue().catch(() => text)) !== text) await wb.quickInputBox.fill(text).catch(() => undefined);
    await ok.click({ timeout: 2000 }).catch(() => undefined);
    return undefined;
  });
}

/** Right-clicks `item` and picks the context menu entry labelled `label`. */
export async function contextMenu(wb: Workbench, item: Locator, label: string): Promise<void> {
  await item.click({ button: 'right' });
  // A command with a keybinding in the view shows it after the label ("Delete  Del"): match the label itself.
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const entry = wb.page.getByRole('menuitem', { name: new RegExp(`^${escaped}(\\s|$)`) });
  await entry.waitFor({ state: 'visible', timeout: wb.timeoutMs });
  // A click that lands while the menu is still settling is sometimes lost: click until the menu has closed.
  await eventually(`the context menu entry "${label}"`, async () => {
    if (!(await entry.isVisible())) return true;
    await entry.click({ timeout: 2000 }).catch(() => undefined);
    return entry.waitFor({ state: 'hidden', timeout: 1000 }).then(
      () => true,
      () => undefined,
    );
  });
}

/** Clicks a button of the open modal dialog. */
export async function dialogButton(wb: Workbench, label: string): Promise<void> {
  const button = wb.page.locator('.monaco-dialog-box').getByRole('button', { name: label, exact: true });
  await button.waitFor({ state: 'visible', timeout: wb.timeoutMs });
  await button.click();
}

/** What the add-site flow is answered with. Host, TLS mode, port and folder go in as one URL on the host page. */
export interface SiteAnswers {
  host: string;
  tls: 'None (plain FTP)' | 'Explicit TLS (FTPES)' | 'Implicit TLS (FTPS)';
  port: number;
  /** TLS sites: trust the certificate the server shows (its fingerprint must be this one), or verify with the system's CAs. */
  certificate?: string;
  user: string;
  password: string;
  dataMode: 'Automatic' | 'Passive' | 'Active';
  remoteFolder: string;
  name: string;
}

const SCHEMES = { 'None (plain FTP)': 'ftp', 'Explicit TLS (FTPES)': 'ftpes', 'Implicit TLS (FTPS)': 'ftps' } as const;

/** The step counter of the open quick input ("Add FTP site (5/14)" in its title), e.g. [5, 14]. */
export async function stepCounter(wb: Workbench): Promise<[number, number]> {
  const title = await wb.page.locator('.quick-input-widget .quick-input-title').innerText({ timeout: wb.timeoutMs });
  const match = /\((\d+)\/(\d+)\)/.exec(title);
  if (!match) throw new Error(`no step counter in the title "${title}"`);
  return [Number(match[1]), Number(match[2])];
}

/** Waits for the test page to show how the test ended (its placeholder) and resolves that line. */
export async function testOutcome(wb: Workbench, match: RegExp, timeoutMs = 30_000): Promise<string> {
  return eventually(`the test page says ${match}`, async () => {
    const placeholder = (await wb.quickInputBox.getAttribute('placeholder').catch(() => null)) ?? '';
    return match.test(placeholder) ? placeholder : undefined;
  }, timeoutMs);
}

/** The first four pages: host (as a URL), user, password, then the test page's first answer. */
export async function basicPages(wb: Workbench, url: string, user: string, password: string): Promise<void> {
  await wb.runCommand('Ferry: Add Site…');
  await answerPrompt(wb, 'Host name or IP address', url);
  await answerPrompt(wb, 'User name', user);
  if (user) await answerPrompt(wb, 'Password', password);
  await testOutcome(wb, /\S/);
}

/**
 * Runs "Ferry: Add Site…": the host page gets a URL carrying the TLS mode, port and folder; user and password; then
 * Advanced… on the test page for the certificate (trusting the fingerprint shown, checked to be `certificate`), the
 * data mode and the name. Leaves the last page (the second test) on screen.
 */
export async function fillSiteFlow(wb: Workbench, site: SiteAnswers): Promise<void> {
  const folder = site.remoteFolder.startsWith('/') ? `%2F${site.remoteFolder.slice(1)}` : site.remoteFolder;
  await basicPages(wb, `${SCHEMES[site.tls]}://${site.host}:${site.port}/${folder}`, site.user, site.password);
  await wb.quickPick('Advanced…');
  await wb.quickPick(site.tls);
  await answerPrompt(wb, 'Port', String(site.port));
  if (site.tls !== 'None (plain FTP)') await pickCertificate(wb, site.certificate);
  await wb.quickPick(site.dataMode);
  if (site.dataMode === 'Active') {
    await answerPrompt(wb, 'address to advertise', '');
    await answerPrompt(wb, 'local port range', '');
  }
  await wb.quickPick('Automatic (UTF-8; hints when names look like another encoding)');
  await answerPrompt(wb, 'Initial remote folder', site.remoteFolder);
  await answerPrompt(wb, 'Time zone of LIST dates', '');
  await answerPrompt(wb, 'Simultaneous connections', '2');
  await answerPrompt(wb, 'Name shown in the Sites view', site.name);
}

/** The certificate page: trusts the certificate the server shows after checking its fingerprint is `expected`; none: the system's CAs. */
export async function pickCertificate(wb: Workbench, expected?: string): Promise<void> {
  if (!expected) return wb.quickPick("Verify with the system's certificate authorities");
  const row = await wb.quickPickRow("Trust this server's certificate");
  const shown = /SHA-256 ([0-9A-F:]{95})/.exec(await row.innerText())?.[1];
  if (shown !== expected) throw new Error(`the certificate page shows ${shown ?? '(no fingerprint)'}, the server's is ${expected}`);
  await row.click();
}

/** On the last test page: waits for "Connected to NAME", resolves the findings (one per row), and clicks Save. */
export async function testAndSave(wb: Workbench, name: string): Promise<string> {
  await testOutcome(wb, new RegExp(`^Connected to ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const report = (await wb.quickInputLabels()).join('\n');
  await wb.quickPick('Save');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: wb.timeoutMs });
  return report;
}

/** Types `text` at the end of the active editor and saves with Ctrl+S. */
export async function appendAndSave(wb: Workbench, text: string): Promise<void> {
  await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await wb.page.keyboard.press('Control+End');
  await wb.page.keyboard.type(text);
  await wb.page.keyboard.press('Control+S');
}

/** Drops a file "from the desktop" on a tree row: a browser DataTransfer holding a File, as a real drop carries. */
export async function dropFile(wb: Workbench, row: Locator, name: string, content: string): Promise<void> {
  const transfer = await wb.page.evaluateHandle(
    `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(content)}], ${JSON.stringify(name)}, { type: 'text/plain' })); return dt; })()`,
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await row.dispatchEvent(type, { dataTransfer: transfer });
}

/** Opens the chmod pick of a tree row, checks it shows the current mode, and types `mode` (Enter is left to the caller). */
export async function openChmod(wb: Workbench, row: Locator, current: string, mode: string): Promise<void> {
  await contextMenu(wb, row, 'Change Permissions (chmod)…');
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: `now ${current}` }).waitFor({ timeout: wb.timeoutMs });
  await wb.quickInput(mode, { submit: false });
}

/**
 * Opens the Command Palette, types `filter` and resolves the labels of the rows it shows once they have
 * settled (rows render a moment after typing; "No matching commands" counts as settled). Leaves the palette open.
 */
export async function paletteRows(wb: Workbench, filter: string): Promise<string[]> {
  await wb.openCommandPalette();
  await wb.quickInputBox.fill(`>${filter}`);
  const empty = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row, .quick-input-widget .quick-input-message', { hasText: /\S/ });
  await empty.first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
  let previous = '';
  return eventually(`palette rows for "${filter}" settle`, async () => {
    const labels = await wb.quickInputLabels();
    const now = JSON.stringify(labels);
    const settled = now === previous;
    previous = now;
    return settled ? labels : undefined;
  });
}

/**
 * Downloads `row` (a file named `name`) into `folder` from its context menu and cancels it once its "<name>.part"
 * holds `partialBytes`; resolves when the interruption is reported. The final name must not exist meanwhile.
 */
export async function cancelDownload(wb: Workbench, row: Locator, name: string, folder: string, partialBytes: number): Promise<void> {
  const part = path.join(folder, `${name}.part`);
  await contextMenu(wb, row, 'Download…');
  await answerPrompt(wb, '', `${folder}/`, { button: 'Download here' });
  const progress = await wb.waitForNotification(new RegExp(`Downloading ${escapeRegExp(name)}`), 20_000);
  await eventually('the first bytes', () => (existsSync(part) && statSync(part).size > partialBytes ? true : undefined), 20_000);
  await progress.hover();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await wb.waitForNotification(new RegExp(`Downloading ${escapeRegExp(name)} was interrupted: cancelled`), 20_000);
  if (existsSync(path.join(folder, name))) throw new Error(`${name} has its final name while partial`);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
