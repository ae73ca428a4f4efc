/**
 * The remote explorer in the real workbench, on Ferry's own server: add a site through the guided flow (with its
 * test connection), expand the tree, open a remote file, edit and save it, upload by dropping a file on a folder,
 * cut a download and resume it, chmod, delete, open the site as a workspace folder. Every step leaves a screenshot;
 * every check looks at the server.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { startTestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import type { Workbench } from '../lib/workbench';
import { appendAndSave, cancelDownload, contextMenu, dialogButton, dropFile, eventually, fillSiteFlow, openChmod, testAndSave } from './explorer-steps';

export const timeoutMs = 300_000;

const BIG = randomBytes(3 * 1024 * 1024);

/** Expands a tree row (clicking again while the tree still re-renders). */
const expand = (row: Locator) =>
  eventually('the row expands', async () => {
    if ((await row.getAttribute('aria-expanded')) === 'true') return true;
    await row.click();
    return undefined;
  });

export default async function explorer(wb: Workbench): Promise<void> {
  // Downloads are slowed down so one can be cut half-way.
  const server = await startTestServer({ tunables: { max_download_rate: 400_000, local_umask: 0o022 } });
  const disk = (p: string) => path.join(server.root, p);
  mkdirSync(disk('www'), { recursive: true });
  writeFileSync(disk('www/index.html'), '<h1>Hello from Ferry</h1>\n');
  writeFileSync(disk('www/big.bin'), BIG);
  const retrieved: number[] = [];
  server.server.on('transfer-end', (t) => t.command.startsWith('RETR') && t.path.endsWith('big.bin') && retrieved.push(t.bytes));
  try {
    await wb.step('ferry-view', async () => {
      await wb.openActivity('Ferry');
      await wb.page.getByText('No FTP sites yet.').first().waitFor({ timeout: wb.timeoutMs });
    });

    await wb.step('add-site-flow', () =>
      fillSiteFlow(wb, { host: '127.0.0.1', tls: 'None (plain FTP)', port: server.port, user: TEST_USER, password: TEST_PASSWORD, dataMode: 'Passive', remoteFolder: '', name: 'UI Ferry' }),
    );

    await wb.step('test-connection-report', async () => {
      const report = await testAndSave(wb, 'UI Ferry');
      assert.match(report, /Data connections: passive mode works \((EPSV|PASV)\)/);
      assert.match(report, /Encryption: none/);
    });

    await wb.step('site-in-tree', async () => {
      await (await wb.treeItem(/^UI Ferry/)).click();
      await wb.treeItem(/^www\b/);
    });

    await wb.step('expand-folder', async () => {
      await (await wb.treeItem(/^www\b/)).click();
      await wb.treeItem(/^index\.html/);
      await wb.treeItem(/^big\.bin/);
    });

    await wb.step('open-remote-file', async () => {
      await (await wb.treeItem(/^index\.html/)).click();
      await eventually('the editor shows the remote file', async () => ((await wb.editorText()).includes('Hello from Ferry') ? true : undefined));
      assert.ok((await wb.editorTabs()).some((t) => t.startsWith('index.html')));
    });

    await wb.step('edit-and-save', async () => {
      await appendAndSave(wb, '<p>edited in the workbench</p>');
      await eventually('the saved bytes on the server', () => (readFileSync(disk('www/index.html'), 'utf8').includes('edited') ? true : undefined));
      assert.equal(readFileSync(disk('www/index.html'), 'utf8'), '<h1>Hello from Ferry</h1>\n<p>edited in the workbench</p>');
    });

    await wb.step('upload-by-drop', async () => {
      await dropFile(wb, await wb.treeItem(/^www\b/), 'dropped.txt', 'dropped from the desktop\n');
      await eventually('the dropped file on the server', () => (existsSync(disk('www/dropped.txt')) ? true : undefined));
      assert.equal(readFileSync(disk('www/dropped.txt'), 'utf8'), 'dropped from the desktop\n');
      await wb.treeItem(/^dropped\.txt/);
    });

    const downloads = path.join(wb.workspace, 'downloads');
    const target = path.join(downloads, 'big.bin');
    mkdirSync(downloads, { recursive: true });
    await wb.step('download-cancelled', async () => {
      await cancelDownload(wb, await wb.treeItem(/^big\.bin/), 'big.bin', downloads, 200_000);
      const partial = statSync(`${target}.part`).size;
      assert.ok(partial > 0 && partial < BIG.length, `the partial download stays as big.bin.part (${partial} bytes)`);
    });

    await wb.step('download-resumed', async () => {
      const partial = statSync(`${target}.part`).size;
      const offer = await wb.waitForNotification(/was interrupted/);
      await offer.getByRole('button', { name: 'Resume' }).click();
      await eventually('the resumed download', () => (existsSync(target) && statSync(target).size === BIG.length && retrieved.length >= 2 ? true : undefined), 60_000);
      assert.ok(readFileSync(target).equals(BIG), 'the resumed file is whole');
      assert.equal(retrieved.at(-1), BIG.length - partial, 'the resume sent only the missing part');
    });

    await wb.step('chmod-pick', async () => openChmod(wb, await wb.treeItem(/^index\.html/), 'rw-r--r-- (644)', '640'));

    await wb.step('chmod-applied', async () => {
      await wb.quickInputBox.press('Enter');
      await eventually('mode 640 on the server', () => ((statSync(disk('www/index.html')).mode & 0o777) === 0o640 ? true : undefined));
    });

    await wb.step('delete-confirm', async () => {
      await contextMenu(wb, await wb.treeItem(/^dropped\.txt/), 'Delete');
      await wb.page.locator('.monaco-dialog-box').getByText('Delete "dropped.txt" on the server?').waitFor({ timeout: wb.timeoutMs });
    });

    await wb.step('deleted', async () => {
      await dialogButton(wb, 'Delete');
      await eventually('the file gone from the server', () => (existsSync(disk('www/dropped.txt')) ? undefined : true));
      await wb.page.getByRole('treeitem', { name: /^dropped\.txt/ }).waitFor({ state: 'detached', timeout: wb.timeoutMs });
    });

    await wb.step('open-as-workspace-folder', async () => {
      await contextMenu(wb, await wb.treeItem(/^UI Ferry/), 'Open as Workspace Folder');
      // The window turns into a multi-root workspace (it may reload); the ferry: folder is resolved by the provider.
      await wb.waitForReady();
      await wb.openActivity('Explorer');
      await expand(await wb.treeItem(/^UI Ferry/, { timeoutMs: 60_000 }));
      await expand(await wb.treeItem(/^www$/, { timeoutMs: 30_000 }));
      await wb.treeItem(/^index\.html$/, { timeoutMs: 30_000 });
    });
  } finally {
    await server.stop();
  }
}
