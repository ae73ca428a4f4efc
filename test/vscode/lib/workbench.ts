/**
 * The object a UI test (`test/vscode/ui/*.ui.ts`) receives: the Playwright page showing the real workbench
 * served by code-server, plus helpers written against the workbench's DOM. Every wait is bounded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { CodeServer } from './code-server';
import { secondsSince, withTimeout } from './util';

/** A row of the open quick pick (the command palette's too). */
const QUICK_PICK_ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

/** What a UI test file exports: `export default async function (wb: Workbench) {...}`. */
export type UiTest = (wb: Workbench) => Promise<void>;

/** Optional exports of a UI test file besides the default function. */
export interface UiTestModule {
  default: UiTest;
  /** Time limit of the whole test, including starting its workbench (default 180 s). */
  timeoutMs?: number;
  /** User settings the workbench starts with (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /**
   * Runs before the workbench opens, e.g. to put files into the (empty) workspace folder: files written later only
   * show up once the Explorer's file watcher notices them (or after wb.refreshExplorer()).
   */
  prepare?: (workspace: string) => void | Promise<void>;
  /** Folders of other extensions (test fixtures) installed beside Ferry for this test only. */
  extensions?: string[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string): RegExp => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

export class Workbench {
  /** Default bound of every helper that waits. */
  timeoutMs = 15_000;
  private shot = 0;
  private readonly cleanups: (() => unknown)[] = [];
  /** Paths of the screenshots this test saved, in order. */
  readonly screenshots: string[] = [];

  constructor(
    /** The browser page showing the workbench. Its default timeout is bounded too. */
    readonly page: Page,
    /** Name of the test (the file name without .ui.js); screenshots go to <artifacts>/screenshots/<name>/. */
    readonly name: string,
    /** Folder opened as the workspace (empty, private to this test). */
    readonly workspace: string,
    readonly server: CodeServer,
    readonly screenshotDir: string,
    /** When the test started (its log lines count from there). */
    private readonly t0 = Date.now(),
  ) {}

  /** A line in the test's output, prefixed with the time since the test started. */
  log(message: string): void {
    console.log(`        [${secondsSince(this.t0)}s] ${message}`);
  }

  /**
   * Saves a PNG of the whole page as <artifacts>/screenshots/<test>/<NN>-<step>.png and returns its path.
   * NN counts up, so the folder reads in the order the test went.
   */
  async screenshot(step: string): Promise<string> {
    mkdirSync(this.screenshotDir, { recursive: true });
    const safe = step.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'step';
    const file = path.join(this.screenshotDir, `${String(++this.shot).padStart(2, '0')}-${safe}.png`);
    await this.page.screenshot({ path: file, timeout: this.timeoutMs });
    this.screenshots.push(file);
    return file;
  }

  /** Runs one named step of the test, then takes its screenshot; a failing step gets a "-FAILED" screenshot. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = Date.now();
    try {
      const result = await fn();
      await this.screenshot(name);
      this.log(`step ok: ${name} (${secondsSince(t)}s)`);
      return result;
    } catch (err) {
      await this.screenshot(`${name}-FAILED`).catch(() => undefined);
      this.log(`step FAILED: ${name} (${secondsSince(t)}s)`);
      throw err;
    }
  }

  /** Waits until the workbench is laid out (activity bar, status bar) and the extension host is up. */
  async waitForReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** The quick input box (command palette, quick picks, input boxes). */
  get quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** The visible rows of the open quick pick. */
  get quickInputRows(): Locator {
    return this.page.locator(QUICK_PICK_ROW);
  }

  /** Opens the command palette (F1) and waits for its input. */
  async openCommandPalette(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.quickInputBox.waitFor({ state: 'visible', timeout: this.timeoutMs });
  }

  /**
   * Runs a command from the palette by its full title as shown there (`Ferry: Add Site`, `View: Toggle Terminal`).
   * Picks the row whose label is exactly the title, so a longer title with the same start is never taken.
   */
  async runCommand(title: string): Promise<void> {
    await this.openCommandPalette();
    await this.quickInputBox.fill(`>${title}`);
    await this.chooseRow(await this.quickPickRow(title), title);
  }

  /** Labels of the rows the open quick pick shows right now (a snapshot: rows render after typing). */
  async quickInputLabels(): Promise<string[]> {
    const labels = await this.quickInputRows.locator('.label-name').allInnerTexts();
    return labels.map((l) => l.trim());
  }

  /**
   * Types into the open quick input (an input box or the filter of a quick pick) and, unless `submit` is false,
   * presses Enter. Waits for the quick input to be open first.
   */
  async quickInput(text: string, options: { submit?: boolean } = {}): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await this.quickInputBox.fill(text);
    if (options.submit !== false) await this.quickInputBox.press('Enter');
  }

  /** Waits for the quick pick row whose label is exactly `label`; the error lists the rows that were shown. */
  async quickPickRow(label: string, timeoutMs = this.timeoutMs): Promise<Locator> {
    const row = this.quickInputRows.filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (err) {
      const shown = await this.quickInputLabels().catch(() => []);
      throw new Error(`no quick pick row "${label}" within ${timeoutMs} ms (rows: ${JSON.stringify(shown.slice(0, 12))})`, { cause: err });
    }
    return row;
  }

  /** Clicks the quick pick row whose label is exactly `label` (checkbox rows toggle; others accept). */
  async quickPick(label: string): Promise<void> {
    await this.chooseRow(await this.quickPickRow(label), label);
  }

  /**
   * Clicks a quick pick row. A click waits for the row to hold still; a row that does not (seen once in CI: Playwright
   * found the row "not stable" for 30 s right after the palette handed over to an extension's pick) is chosen with the
   * keyboard instead, as a user would: the arrow keys move the active row until it is the one, and Enter accepts it.
   * A checkbox row (a many-item pick) is toggled by a click at its place.
   */
  private async chooseRow(row: Locator, label: string): Promise<void> {
    if (await row.click({ timeout: 5000 }).then(() => true, () => false)) return;
    if (await row.locator('.monaco-checkbox').first().isVisible()) return row.click({ force: true });
    const rows = Number(await row.getAttribute('aria-setsize')) || 1;
    const activeLabel = this.page.locator(`${QUICK_PICK_ROW}.focused .label-name`).first();
    await this.quickInputBox.focus();
    for (let press = 0; press <= rows; press++) {
      const shown = (await activeLabel.innerText({ timeout: 1000 }).catch(() => '')).trim();
      if (shown === label) return this.quickInputBox.press('Enter');
      await this.quickInputBox.press('ArrowDown');
    }
    throw new Error(`quick pick row "${label}": a click found it unstable and ${rows + 1} arrow keys never made it active`);
  }

  /** The prompt or validation message under the quick input box. */
  async quickInputMessage(): Promise<string> {
    return (await this.page.locator('.quick-input-widget .quick-input-message').innerText({ timeout: this.timeoutMs })).trim();
  }

  /** Clicks the activity bar entry (view container) whose title starts with `title`, e.g. "Ferry", "Explorer". */
  async openActivity(title: string): Promise<void> {
    const tab = this.page.locator('.part.activitybar').getByRole('tab', { name: new RegExp(`^${escapeRegExp(title)}\\b`) }).first();
    await tab.waitFor({ state: 'visible', timeout: this.timeoutMs });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  }

  /** A tree row (explorer, custom views) by its accessible name, once visible. */
  async treeItem(name: string | RegExp, options: { timeoutMs?: number } = {}): Promise<Locator> {
    const item = this.page.getByRole('treeitem', { name, exact: typeof name === 'string' }).first();
    await item.waitFor({ state: 'visible', timeout: options.timeoutMs ?? this.timeoutMs });
    return item;
  }

  /**
   * Texts of every notification: the toasts on screen and, when `center` is true (default), the notification
   * centre too (toasts disappear after a while, the centre keeps them). Leaves the centre closed.
   */
  async notifications(options: { center?: boolean } = {}): Promise<string[]> {
    const texts = new Set<string>();
    for (const t of await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()) texts.add(t.trim());
    if (options.center !== false) {
      const center = this.page.locator('.notifications-center');
      const wasVisible = await center.isVisible();
      if (!wasVisible) await this.runCommand('Notifications: Show Notifications');
      await center.waitFor({ state: 'visible', timeout: this.timeoutMs });
      for (const t of await center.locator('.notification-list-item-message').allInnerTexts()) texts.add(t.trim());
      if (!wasVisible) await this.runCommand('Notifications: Hide Notifications').catch(() => this.page.keyboard.press('Escape'));
    }
    return [...texts].filter(Boolean);
  }

  /** Waits (bounded) for a notification toast whose message matches and returns its locator. */
  async waitForNotification(match: string | RegExp, timeoutMs = this.timeoutMs): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item', {
      has: this.page.locator('.notification-list-item-message', { hasText: match }),
    });
    try {
      await toast.first().waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (err) {
      const seen = await this.notifications().catch(() => []);
      throw new Error(`no notification matching ${String(match)} within ${timeoutMs} ms (notifications: ${JSON.stringify(seen)})`, { cause: err });
    }
    // Toasts fade in: let the animation finish so the next screenshot shows it solid (best effort, short).
    await this.page
      .locator('.notifications-toasts .notification-toast.notification-fade-in-done', { has: toast.first() })
      .waitFor({ state: 'visible', timeout: 1500 })
      .catch(() => undefined);
    return toast.first();
  }

  /** The text of the active editor as rendered (only the lines on screen). */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await lines.first().waitFor({ state: 'visible', timeout: this.timeoutMs });
    return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** File names of the open editor tabs of the active group, in tab order (the tab's label for other editors). */
  async editorTabs(): Promise<string[]> {
    const tabs = this.page.locator('.editor-group-container.active .tabs-container .tab');
    const names: string[] = [];
    for (const tab of await tabs.all()) {
      names.push((await tab.getAttribute('data-resource-name')) ?? (await tab.innerText()).trim());
    }
    return names;
  }

  /** Waits until the active editor group shows a tab for `fileName` (and it is the active tab). */
  async waitForEditor(fileName: string, timeoutMs = this.timeoutMs): Promise<void> {
    const tab = this.page.locator(`.editor-group-container.active .tabs-container .tab.active[data-resource-name="${fileName.replace(/["\\]/g, '\\$&')}"]`);
    await tab.waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Makes the Explorer re-read the workspace folder (after files were written behind its back). */
  async refreshExplorer(): Promise<void> {
    await this.runCommand('Refresh Explorer');
  }

  /**
   * Registers teardown for something the test started (an FTP server, a child process). The harness runs every
   * registered function after the test, last first, also when the test failed or timed out; each gets 15 s.
   */
  cleanup(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /** @internal Called by the runner. */
  async runCleanups(): Promise<string[]> {
    const problems: string[] = [];
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        await withTimeout(Promise.resolve().then(fn), 15_000, 'cleanup');
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    return problems;
  }

  /** Writes a file into the test's workspace folder (on the server's disk, which is this machine); see prepare. */
  writeWorkspaceFile(relative: string, content: string | Uint8Array): string {
    const file = path.join(this.workspace, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }
}
