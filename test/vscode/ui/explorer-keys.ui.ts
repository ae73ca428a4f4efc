/**
 * The Sites view's keyboard shortcuts in the real workbench, on Ferry's own server: F2 renames, Delete deletes (after
 * the question), Ctrl+R refreshes, Enter opens a file — each acting on the focused row with no argument passed — and
 * Ferry: Show Log reveals the "Ferry" output channel. Every check looks at the server's disk or the screen.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import type { Locator } from 'playwright-core';
import type { Workbench } from '../lib/workbench';
import { dialogButton, eventually } from './explorer-steps';
import { givePassword } from './fxp-steps';

export const timeoutMs = 240_000;

/** Filled in by prepare(): the site points at the server started there. */
export const settings: Record<string, unknown> = {};

let server: TestServer;

export async function prepare(): Promise<void> {
  server = await startTestServer();
  writeFileSync(path.join(server.root, 'draft.txt'), 'draft\n');
  writeFileSync(path.join(server.root, 'old.txt'), 'old\n');
  writeFileSync(path.join(server.root, 'notes.txt'), 'keyboard notes\n');
  settings['ferry.sites'] = [{ id: 'ui-keys', name: 'UI Keys', host: '127.0.0.1', port: server.port, user: TEST_USER, tls: 'none', dataMode: 'passive' }];
}

/** What the check below uses of a DOM element in the page (this project compiles without the DOM library). */
interface DomNode {
  ownerDocument: { activeElement: unknown };
  contains(other: unknown): boolean;
}

/**
 * Makes a row the tree's only selected one without opening it, with the keyboard focus in the tree: a right-click
 * (dismissed) focuses the tree, Escape clears its selection, Ctrl+click selects the row. Keybindings get no argument,
 * so the commands act on the selection (the focus alone, moved by the arrow keys, is not visible to extensions), and
 * their `listFocus` needs the tree focused: once (in CI) the row stayed selected while the focus had left the tree.
 */
async function focusRow(wb: Workbench, name: RegExp): Promise<void> {
  const row = await wb.treeItem(name);
  await row.click({ button: 'right' });
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Escape');
  await row.click({ modifiers: ['Control'] });
  const tree = row.locator('xpath=ancestor::*[contains(concat(" ", @class, " "), " monaco-list ")][1]');
  await eventually('the row is selected and the tree has the keyboard focus', async () => {
    if ((await row.getAttribute('aria-selected')) !== 'true') return undefined;
    if (await tree.evaluate((list: DomNode) => list.contains(list.ownerDocument.activeElement))) return true;
    await tree.focus();
    return undefined;
  });
}

/**
 * Selects the row `name` and presses `key` until `answered` sees its effect (at most 5 presses, 3 s each): the
 * keybindings' `when` reads a context key the extension sets after the selection changes, which can arrive a moment
 * after it. A press before that reaches the workbench's default binding instead (Ctrl+R: Open Recent), which Escape
 * closes; that Escape also clears the tree's selection, so every press starts by selecting the row again.
 */
async function pressOnRow(wb: Workbench, name: RegExp, key: string, answered: Locator): Promise<void> {
  for (let press = 1; ; press++) {
    await focusRow(wb, name);
    await wb.page.keyboard.press(key);
    const seen = await answered.first().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    if (seen) return;
    if (press === 5) throw new Error(`${key} on the selected row had no effect after ${press} presses`);
    await wb.page.keyboard.press('Escape');
  }
}

export default async function explorerKeys(wb: Workbench): Promise<void> {
  wb.cleanup(() => server.stop());
  const disk = (p: string) => path.join(server.root, p);

  await wb.step('site', async () => {
    await wb.openActivity('Ferry');
    await (await wb.treeItem(/^UI Keys/)).click();
    await givePassword(wb, TEST_PASSWORD);
    await wb.treeItem(/^draft\.txt/, { timeoutMs: 30_000 });
  });

  await wb.step('f2-renames', async () => {
    await pressOnRow(wb, /^draft\.txt/, 'F2', wb.page.locator('.quick-input-widget input'));
    await wb.quickInput('final.txt');
    await eventually('the renamed file on the server', () => (existsSync(disk('final.txt')) && !existsSync(disk('draft.txt')) ? true : undefined));
    assert.equal(readFileSync(disk('final.txt'), 'utf8'), 'draft\n');
  });

  await wb.step('delete-deletes', async () => {
    await pressOnRow(wb, /^old\.txt/, 'Delete', wb.page.locator('.monaco-dialog-box'));
    await dialogButton(wb, 'Delete');
    await eventually('the file gone from the server', () => (!existsSync(disk('old.txt')) ? true : undefined));
  });

  await wb.step('ctrl-r-refreshes', async () => {
    writeFileSync(disk('appeared.txt'), 'made behind the view\n');
    await pressOnRow(wb, /^notes\.txt/, 'Control+R', wb.page.getByRole('treeitem', { name: /^appeared\.txt/ }));
    await wb.treeItem(/^appeared\.txt/, { timeoutMs: 15_000 });
  });

  await wb.step('enter-opens', async () => {
    await pressOnRow(wb, /^notes\.txt/, 'Enter', wb.page.locator('.tabs-container .tab', { hasText: 'notes.txt' }));
    await eventually('the editor shows the remote file', async () => ((await wb.editorText()).includes('keyboard notes') ? true : undefined));
  });

  await wb.step('show-log', async () => {
    await wb.runCommand('Ferry: Show Log');
    // The Output panel shows the "Ferry" channel: its first line is the explorer's.
    await wb.page.locator('.view-lines', { hasText: '[explorer] ready' }).first().waitFor({ state: 'visible', timeout: wb.timeoutMs });
  });
}
