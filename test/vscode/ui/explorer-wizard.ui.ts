/**
 * The Add/Edit Site flow of issue #16 in the real workbench, on Ferry's own server: a site added in four pages
 * (host as a URL, user, password, test) and Save, then browsed; an FTPS server whose self-signed certificate is
 * trusted from the certificate pick list, its fingerprint shown as the server presents it; a test cancelled from its
 * notification (the server sees the socket close) and Escape, which saves nothing; Test Connection on a saved site
 * cancelled the same way; Edit Site opening one page.
 * The step counter is read on every page: it moves forward by one and ends at total/total.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startTestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import type { Workbench } from '../lib/workbench';
import { answerPrompt, contextMenu, eventually, pickCertificate, stepCounter, testAndSave, testOutcome } from './explorer-steps';

export const timeoutMs = 240_000;

/** Records the step counter of each page, to check it moves forward by one. */
async function counted(wb: Workbench, seen: [number, number][], answer: () => Promise<void>): Promise<void> {
  await eventually('a new page', async () => {
    const now = await stepCounter(wb).catch(() => undefined);
    return now && (seen.length === 0 || now[0] !== seen.at(-1)![0]) ? seen.push(now) : undefined;
  });
  await answer();
}

function assertForward(seen: [number, number][], what: string): void {
  seen.forEach(([step, total], i) => assert.ok(step === i + 1 && step <= total, `${what}: page ${i + 1} shows ${step}/${total} (${JSON.stringify(seen)})`));
  assert.equal(seen.at(-1)![0], seen.at(-1)![1], `${what} ends at total/total`);
}

/** Clicks Cancel on the running connection test's notification. */
async function cancelTest(wb: Workbench): Promise<void> {
  const progress = await wb.waitForNotification(/Testing the connection to 127\.0\.0\.2/, 20_000);
  await progress.hover();
  await progress.getByRole('button', { name: 'Cancel' }).click();
}

export default async function explorerWizard(wb: Workbench): Promise<void> {
  const plain = await startTestServer();
  wb.cleanup(() => plain.stop());
  const secure = await startTestServer({ tunables: { ssl_enable: true } });
  wb.cleanup(() => secure.stop());
  mkdirSync(path.join(plain.root, 'www'));
  writeFileSync(path.join(plain.root, 'www', 'hello.txt'), 'hello from the wizard\n');
  writeFileSync(path.join(secure.root, 'secret.txt'), 'over TLS\n');
  const fingerprint = new X509Certificate(readFileSync(path.join(secure.stateDir, 'server-cert.pem'))).fingerprint256;
  // A server that accepts and never greets: the test hangs until cancelled.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket.resume()));
  // On 127.0.0.2 (loopback too), so its sites are named apart from the first one's 127.0.0.1.
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.2', resolve));
  wb.cleanup(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const closedSockets = () => sockets.filter((s) => s.destroyed || s.readableEnded).length;
  const silentUrl = `ftp://127.0.0.2:${(silent.address() as net.AddressInfo).port}`;

  await wb.step('four-pages', async () => {
    await wb.openActivity('Ferry');
    await wb.runCommand('Ferry: Add Site…');
    const seen: [number, number][] = [];
    await counted(wb, seen, () => answerPrompt(wb, 'Host name or IP address', `ftp://127.0.0.1:${plain.port}`));
    await counted(wb, seen, () => answerPrompt(wb, 'User name', TEST_USER));
    await counted(wb, seen, () => answerPrompt(wb, 'Password', TEST_PASSWORD));
    await counted(wb, seen, async () => undefined);
    assert.deepEqual(seen, [[1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  await wb.step('test-and-save', async () => {
    const report = await testAndSave(wb, '127.0.0.1');
    assert.match(report, /Encryption: none/);
    assert.match(report, /Login folder: \/ \(1 entries\)/);
  });

  await wb.step('browse', async () => {
    await (await wb.treeItem(/^127\.0\.0\.1/)).click();
    await (await wb.treeItem(/^www\b/)).click();
    await (await wb.treeItem(/^hello\.txt/)).click();
    await eventually('the remote file in the editor', async () => ((await wb.editorText()).includes('hello from the wizard') ? true : undefined));
  });

  const seen: [number, number][] = [];
  await wb.step('ftps-certificate-not-trusted', async () => {
    await wb.runCommand('Ferry: Add Site…');
    await counted(wb, seen, () => answerPrompt(wb, 'Host name or IP address', `ftpes://${TEST_USER}@127.0.0.1:${secure.port}`));
    await counted(wb, seen, () => answerPrompt(wb, 'User name', TEST_USER));
    await counted(wb, seen, () => answerPrompt(wb, 'Password', TEST_PASSWORD));
    await counted(wb, seen, () => testOutcome(wb, /certificate is not trusted/).then(() => undefined));
  });

  await wb.step('certificate-pick-list', async () => {
    await wb.quickPick('Advanced…');
    await counted(wb, seen, () => wb.quickPick('Explicit TLS (FTPES)'));
    await counted(wb, seen, () => answerPrompt(wb, 'Port', String(secure.port)));
    await counted(wb, seen, async () => {
      await wb.quickPickRow("Verify with the system's certificate authorities");
      await wb.quickPickRow("Don't verify (not recommended)");
      await wb.quickPickRow("Trust this server's certificate", 20_000);
    });
  });

  await wb.step('certificate-trusted', async () => {
    await pickCertificate(wb, fingerprint);
    await counted(wb, seen, () => wb.quickPick('Automatic'));
    await counted(wb, seen, () => wb.quickPick('Automatic (UTF-8; hints when names look like another encoding)'));
    for (const prompt of ['Initial remote folder', 'Time zone of LIST dates', 'Simultaneous connections']) await counted(wb, seen, () => answerPrompt(wb, prompt, prompt === 'Simultaneous connections' ? '2' : ''));
    await counted(wb, seen, () => answerPrompt(wb, 'Name shown in the Sites view', 'UI FTPS'));
    await counted(wb, seen, async () => undefined);
    assertForward(seen, 'the FTPS flow');
    const report = await testAndSave(wb, 'UI FTPS');
    assert.match(report, /Encryption: TLS \(explicit\)/);
  });

  await wb.step('ftps-browse', async () => {
    await (await wb.treeItem(/^UI FTPS/)).click();
    await wb.treeItem(/^secret\.txt/);
  });

  await wb.step('test-cancelled', async () => {
    await wb.runCommand('Ferry: Add Site…');
    await answerPrompt(wb, 'Host name or IP address', silentUrl);
    await answerPrompt(wb, 'User name', '');
    await cancelTest(wb);
    await testOutcome(wb, /The connection test was cancelled/);
    await eventually('the server sees the socket closed', () => (closedSockets() === 1 ? true : undefined));
  });

  await wb.step('escape-saves-nothing', async () => {
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: wb.timeoutMs });
    const rows = await wb.page.locator('.part.sidebar [role="treeitem"][aria-level="1"]').allInnerTexts();
    assert.equal(rows.filter((r) => r.startsWith('127.0.0.1')).length, 1, `one site named 127.0.0.1: ${JSON.stringify(rows)}`);
    assert.equal(rows.filter((r) => r.startsWith('127.0.0.2')).length, 0, `no site named 127.0.0.2: ${JSON.stringify(rows)}`);
  });

  await wb.step('command-test-cancelled', async () => {
    await wb.runCommand('Ferry: Add Site…');
    await answerPrompt(wb, 'Host name or IP address', silentUrl);
    await answerPrompt(wb, 'User name', '');
    await cancelTest(wb);
    await wb.quickPick('Save anyway');
    const before = closedSockets();
    await contextMenu(wb, await wb.treeItem(/^127\.0\.0\.2/), 'Test Connection');
    await cancelTest(wb);
    await wb.waitForNotification(/The connection test to 127\.0\.0\.2 was cancelled/);
    await eventually('the server sees the Test Connection socket closed', () => (closedSockets() === before + 1 ? true : undefined));
  });

  await wb.step('edit-opens-one-page', async () => {
    await contextMenu(wb, await wb.treeItem(/^UI FTPS/), 'Edit Site…');
    await wb.quickPick('Name shown in the Sites view');
    const pages: [number, number][] = [];
    await counted(wb, pages, () => answerPrompt(wb, 'Name shown in the Sites view', 'UI FTPS renamed'));
    await counted(wb, pages, async () => undefined);
    assert.deepEqual(pages, [[1, 2], [2, 2]]);
    await testAndSave(wb, 'UI FTPS renamed');
    await wb.treeItem(/^UI FTPS renamed/);
  });
}
