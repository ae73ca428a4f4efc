/**
 * Transfers in the real workbench, on Ferry's own server: a file dropped onto one the server has asks what to do
 * (the conflict prompt FXP uses too) and "Rename (keep both)" keeps both; a cancelled download exists only as
 * "<name>.part"; the Resume picker lists it ticked, says so when accepted with nothing ticked, and resumes it to the
 * source's sha256. Every step leaves a screenshot.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import type { Workbench } from '../lib/workbench';
import { cancelDownload, dropFile, eventually } from './explorer-steps';
import { givePassword } from './fxp-steps';

export const timeoutMs = 300_000;

/** Filled in by prepare(): the site points at the server started there. */
export const settings: Record<string, unknown> = {};

const BIG = randomBytes(3 * 1024 * 1024);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
let server: TestServer;

/** Starts the server (downloads slowed down so one can be cancelled half-way) and saves its site. */
export async function prepare(): Promise<void> {
  server = await startTestServer({ tunables: { max_download_rate: 400_000 } });
  writeFileSync(path.join(server.root, 'hello.txt'), 'on the server\n');
  writeFileSync(path.join(server.root, 'big.bin'), BIG);
  settings['ferry.sites'] = [{ id: 'ui-transfers', name: 'UI Transfers', host: '127.0.0.1', port: server.port, user: TEST_USER, tls: 'none', dataMode: 'passive' }];
}

const title = (wb: Workbench, text: string) => wb.page.locator('.quick-input-widget .quick-input-title', { hasText: text });

export default async function explorerTransfers(wb: Workbench): Promise<void> {
  wb.cleanup(() => server.stop());
  const disk = (p: string) => path.join(server.root, p);
  const downloads = path.join(wb.workspace, 'downloads');
  const target = path.join(downloads, 'big.bin');
  mkdirSync(downloads, { recursive: true });

  await wb.step('site', async () => {
    await wb.openActivity('Ferry');
    await (await wb.treeItem(/^UI Transfers/)).click();
    await givePassword(wb, TEST_PASSWORD);
    await wb.treeItem(/^hello\.txt/, { timeoutMs: 30_000 });
  });

  await wb.step('conflict-prompt', async () => {
    await dropFile(wb, await wb.treeItem(/^UI Transfers/), 'hello.txt', 'from the desktop\n');
    await title(wb, '"hello.txt" already exists in /').waitFor({ timeout: wb.timeoutMs });
    const labels = await wb.quickInputLabels();
    for (const rule of ['Overwrite', 'Resume', 'Skip', 'Skip identical', 'Rename (keep both)']) assert.ok(labels.includes(rule), `${rule} in ${JSON.stringify(labels)}`);
    assert.ok(labels.includes('Skip, for all the rest'), JSON.stringify(labels));
  });

  await wb.step('conflict-renamed', async () => {
    await wb.quickPick('Rename (keep both)');
    const renamed = disk('hello (1).txt');
    await eventually('the renamed upload, whole', () => (existsSync(renamed) && readFileSync(renamed, 'utf8') === 'from the desktop\n' ? true : undefined));
    assert.equal(readFileSync(disk('hello.txt'), 'utf8'), 'on the server\n', 'the existing file is kept');
  });

  await wb.step('download-cancelled', async () => {
    await cancelDownload(wb, await wb.treeItem(/^big\.bin/), 'big.bin', downloads, 200_000);
  });

  await wb.step('resume-picker-ticked', async () => {
    await wb.runCommand('Ferry: Resume Interrupted Transfers…');
    await title(wb, 'Resume transfers').waitFor({ timeout: wb.timeoutMs });
    await wb.quickPickRow('Downloading big.bin');
    // The count next to the filter says how many rows are ticked.
    await wb.page.locator('.quick-input-widget .quick-input-count', { hasText: '1 Selected' }).waitFor({ timeout: wb.timeoutMs });
  });

  await wb.step('resume-nothing-ticked', async () => {
    await wb.quickPick('Downloading big.bin');
    await wb.page.locator('.quick-input-widget .quick-input-count', { hasText: '0 Selected' }).waitFor({ timeout: wb.timeoutMs });
    await wb.quickInputBox.press('Enter');
    await wb.waitForNotification(/Nothing was ticked: no transfer resumed/, 20_000);
  });

  await wb.step('resumed', async () => {
    await wb.runCommand('Ferry: Resume Interrupted Transfers…');
    await title(wb, 'Resume transfers').waitFor({ timeout: wb.timeoutMs });
    await wb.quickPickRow('Downloading big.bin');
    await wb.quickInputBox.press('Enter');
    await eventually('the resumed download', () => (existsSync(target) && statSync(target).size === BIG.length ? true : undefined), 60_000);
    assert.equal(sha256(readFileSync(target)), sha256(BIG));
    assert.ok(!existsSync(`${target}.part`));
    await wb.page.locator('.part.statusbar', { hasText: 'Downloading big.bin done' }).waitFor({ timeout: 20_000 });
  });
}
