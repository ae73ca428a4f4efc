/**
 * Issue #16 bug 5: the Command Palette's `when` clauses in package.json. A clause on `focusedView` is never true
 * there (opening the palette moves the focus to it), so such a command never appears; the site commands ask
 * which site and folder instead. Serve Workspace is hidden while the server runs. The workbench test
 * (ui/explorer-failures, ui/server) checks the palette itself.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string; when?: string }[]> };
};
const palette = manifest.contributes.menus.commandPalette;
const whenOf = (command: string) => palette.find((entry) => entry.command === command)?.when;

describe('explorer: commands in the Command Palette', () => {
  it('lists the site commands whenever there is a site, never only "when the Sites view has focus"', () => {
    const site = ['editSite', 'testConnection', 'connect', 'disconnect', 'uploadFiles', 'uploadFolder', 'newFile', 'newFolder', 'duplicateSite', 'removeSite'];
    for (const id of site) assert.equal(whenOf(`ferry.${id}`), 'ferry.explorer.hasSites', `ferry.${id}`);
  });

  it('hides Serve Workspace while the server runs, and the title bar\'s Refresh All from the palette', () => {
    assert.equal(whenOf('ferry.server.start'), '!ferry.server.running');
    assert.equal(whenOf('ferry.refreshAll'), 'false');
  });

  it('gives the Sites view\'s title bar commands that ignore the focused row VS Code passes them', () => {
    const title = manifest.contributes.menus['view/title'].filter((entry) => entry.when === 'view == ferry.sites').map((entry) => entry.command);
    assert.deepEqual(title.sort(), ['ferry.addSite', 'ferry.discardInterruptedTransfers', 'ferry.importFileZilla', 'ferry.importSftpJson', 'ferry.refreshAll', 'ferry.resumeTransfers']);
  });
});
