/** Workbench gestures of the FXP UI test: the FXP Queue panel's webview, its rows and actions, and tree drags. */
import type { FrameLocator, Locator } from 'playwright-core';
import type { Workbench } from '../lib/workbench';
import { answerPrompt, eventually } from './explorer-steps';

/**
 * The FXP Queue panel's document. A webview view is two frames deep: the workbench's `iframe.webview` holds the
 * host page, which holds the extension's page as `#active-frame`. Only the panel's page has the `.fxp-queue` root.
 */
export function queuePanel(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready >> nth=0').frameLocator('#active-frame');
}

/** The panel's row of a job whose source or target text contains `text` (rows exist only while scrolled into view). */
export function jobRow(wb: Workbench, text: string | RegExp): Locator {
  return queuePanel(wb).locator('.row.job', { hasText: text }).first();
}

/** Waits until a job's row shows `state` (its data-state attribute); returns the row. */
export async function rowReaches(wb: Workbench, text: string | RegExp, state: string, timeoutMs = 60_000): Promise<Locator> {
  const row = jobRow(wb, text);
  await eventually(`the row of ${text} reaches ${state}`, async () => ((await row.getAttribute('data-state', { timeout: 1000 }).catch(() => null)) === state ? true : undefined), timeoutMs);
  return row;
}

/**
 * The method badge's text ("FXP", "relay", …) of the job row whose text contains `text`. The row is looked up again on
 * each try: the list keeps only the rows in view and may re-place them between two looks.
 */
export async function badgeOf(wb: Workbench, text: string | RegExp): Promise<string> {
  return eventually(`the badge of ${text}`, async () => {
    const label = await jobRow(wb, text).locator('.method').innerText({ timeout: 1000 }).catch(() => '');
    return label.trim() || undefined;
  });
}

/** Clicks a row action (pause, resume, cancel, retry, remove, moveUp, moveDown, reveal). */
export async function rowAction(row: Locator, verb: string): Promise<void> {
  const button = row.locator(`[data-verb="${verb}"]`);
  await button.waitFor({ state: 'visible', timeout: 15_000 });
  await button.click();
}

/** Drags one tree row onto another with the mouse, as a user does (HTML5 drag and drop in the workbench). */
export async function dragRow(wb: Workbench, from: Locator, onto: Locator): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  await onto.scrollIntoViewIfNeeded();
  await from.dragTo(onto, { timeout: wb.timeoutMs });
}

/** Answers the password prompt of a saved site that has none stored yet. */
export async function givePassword(wb: Workbench, password: string): Promise<void> {
  await answerPrompt(wb, 'secret storage', password);
}

/** Clicks the panel toolbar's "Clear Finished" and waits until no done or cancelled row is left. */
export async function clearFinished(wb: Workbench): Promise<void> {
  const panel = queuePanel(wb);
  await panel.getByRole('button', { name: 'Clear Finished' }).click({ timeout: 15_000 });
  await eventually('finished rows cleared', async () => ((await panel.locator('.row[data-state="done"], .row[data-state="cancelled"]').count()) === 0 ? true : undefined));
}
