/**
 * Harness smoke test in the browser: the workbench served by code-server loads with Ferry installed, the command
 * palette, the Explorer and the editor answer the harness's helpers, and screenshots are real PNGs of the workbench.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../lib/workbench';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const GREETING = 'written before the workbench opened';

/** Width and height from a PNG's IHDR chunk; fails when the file is not a PNG. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.ok(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is not a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function prepare(workspace: string): void {
  writeFileSync(path.join(workspace, 'hello.txt'), `${GREETING}\nsecond line\n`);
}

export default async function smoke(wb: Workbench): Promise<void> {
  // The manifest's display name is a %key% into package.nls.json (the workbench here runs in English).
  const nameKey = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { displayName: string }).displayName.replace(/^%|%$/g, '');
  const english = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const manifest = { displayName: english[nameKey] };
  assert.ok(manifest.displayName, `package.nls.json has no ${nameKey}`);

  await wb.step('workbench', async () => {
    assert.equal(await wb.page.locator('.part.editor').isVisible(), true, 'the editor area is laid out');
  });
  const shot = wb.screenshots[0];
  assert.deepEqual(pngSize(shot), { width: 1400, height: 900 }, 'a screenshot of the whole 1400x900 workbench');
  assert.ok(readFileSync(shot).length > 10_000, 'a rendered workbench, not a blank page');

  await wb.step('explorer-and-editor', async () => {
    await wb.openActivity('Explorer');
    await (await wb.treeItem('hello.txt')).click();
    await wb.waitForEditor('hello.txt');
    assert.deepEqual(await wb.editorTabs(), ['hello.txt']);
    assert.match(await wb.editorText(), new RegExp(GREETING));
  });

  await wb.step('command-palette', async () => {
    await wb.openCommandPalette();
    // "View: Show Extensions" is registered at startup; the extensions viewlet's own commands load lazily.
    await wb.quickInput('>View: Show Extensions', { submit: false });
    await wb.quickPickRow('View: Show Extensions');
  });

  await wb.step('ferry-installed', async () => {
    await wb.runCommand('View: Show Extensions');
    const item = wb.page.locator('.extensions-viewlet .extension-list-item', {
      has: wb.page.locator('.name', { hasText: manifest.displayName }),
    });
    await item.first().waitFor({ state: 'visible', timeout: 30_000 });
    const text = await item.first().innerText();
    assert.doesNotMatch(text, /disabled|error/i, `the Ferry entry reads: ${JSON.stringify(text)}`);
  });
}
