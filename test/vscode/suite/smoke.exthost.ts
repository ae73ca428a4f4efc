/**
 * Harness smoke test, run inside the extension host: the extension under test is this checkout, it activates,
 * and its "Ferry" log output channel reaches the workbench.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually } from '../../helpers/polling';

const EXTENSION_ID = 'ferry-dev.ferry';
/** This file runs from out/test/vscode/suite/; the project root is four levels up. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('harness smoke (extension host)', () => {
  it('runs in an extension host whose VS Code is at least the one the manifest requires', () => {
    const required = /(\d+)\.(\d+)/.exec(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.vscode as string)!;
    const running = /^(\d+)\.(\d+)/.exec(vscode.version)!;
    const [major, minor] = [Number(running[1]), Number(running[2])];
    assert.ok(major > Number(required[1]) || (major === Number(required[1]) && minor >= Number(required[2])), `VS Code ${vscode.version} is older than ${required[0]}`);
  });

  it(`finds ${EXTENSION_ID} loaded from this checkout`, () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.equal(path.resolve(extension.extensionUri.fsPath), ROOT);
    assert.equal(extension.packageJSON.name, 'ferry');
  });

  it('activates without throwing', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('creates the "Ferry" log output channel', async () => {
    // Every output channel gets a "show" command in the workbench; a log channel's id is <extension id>.<name>.log.
    const command = await eventually('the Ferry output channel', async () => {
      const commands = await vscode.commands.getCommands(false);
      return commands.find((c) => c.startsWith(`workbench.action.output.show.${EXTENSION_ID}.`) && /\.Ferry(\.log)?$/.test(c));
    }, 10_000);
    await vscode.commands.executeCommand(command);
  });
});
