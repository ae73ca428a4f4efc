/** Workbench gestures the explorer's UI tests share: answering a quick input step, context menus, dialogs. */
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
  const entry = wb.page.getByRole('menuitem', { name: label, exact: true });
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

/** What the add-site flow is answered with (the flow's order: host, TLS, port, certificate, user, password, …). */
export interface SiteAnswers {
  host: string;
  tls: 'None (plain FTP)' | 'Explicit TLS (FTPES)' | 'Implicit TLS (FTPS)';
  port: number;
  /** Asked for TLS sites only: empty, "insecure" or a SHA-256 fingerprint. */
  certificate?: string;
  user: string;
  password: string;
  dataMode: 'Automatic' | 'Passive' | 'Active';
  remoteFolder: string;
  name: string;
}

/** Runs "Ferry: Add Site…" to its last question ("Test connection, then save" is left on screen). */
export async function fillSiteFlow(wb: Workbench, site: SiteAnswers): Promise<void> {
  await wb.runCommand('Ferry: Add Site…');
  await answerPrompt(wb, 'Host name or IP address', site.host);
  await wb.quickPick(site.tls);
  await answerPrompt(wb, 'Port', String(site.port));
  if (site.certificate !== undefined) await answerPrompt(wb, 'Server certificate', site.certificate);
  await answerPrompt(wb, 'User name', site.user);
  await answerPrompt(wb, 'Password', site.password);
  await wb.quickPick(site.dataMode);
  if (site.dataMode !== 'Passive') {
    await answerPrompt(wb, 'address to advertise', '');
    await answerPrompt(wb, 'local port range', '');
  }
  await answerPrompt(wb, 'Initial remote folder', site.remoteFolder);
  await wb.quickPick('UTF-8');
  await answerPrompt(wb, 'Simultaneous connections', '2');
  await answerPrompt(wb, 'Name shown in the Sites view', site.name);
  await wb.quickPickRow('Test connection, then save');
}

/** Picks "Test connection, then save" and resolves the report the modal dialog shows. */
export async function testAndSave(wb: Workbench, name: string): Promise<string> {
  await wb.quickPick('Test connection, then save');
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.getByText(`Connected to ${name}.`).waitFor({ timeout: 30_000 });
  return dialog.innerText();
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
