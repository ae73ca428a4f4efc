/**
 * Shared setup of the explorer's extension-host suites: the extension activated, sites added through Ferry's own
 * command (password into SecretStorage), `ferry:` URIs, and bounded waiting.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
export { eventually } from '../../../helpers/polling';

export const EXTENSION_ID = 'ferry-dev.ferry';

export async function activate(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await extension.activate();
}

/** Adds a site through `ferry.addSite` (the scriptable form) and resolves its id. */
export async function addSite(fields: Record<string, unknown>): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('ferry.addSite', fields);
  assert.ok(id, `ferry.addSite returned no id for ${JSON.stringify({ ...fields, password: '…' })}`);
  return id;
}

export async function removeSite(id: string | undefined): Promise<void> {
  if (id) await vscode.commands.executeCommand('ferry.removeSite', id);
}

/** The `ferry:` URI of a path on a site. */
export function remote(siteId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'ferry', authority: siteId, path });
}

/** The vscode.FileSystemError code `promise` rejects with (e.g. "FileNotFound"), and its message. */
export async function fsErrorOf(promise: Thenable<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof vscode.FileSystemError, `expected a FileSystemError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected the operation to fail');
}
