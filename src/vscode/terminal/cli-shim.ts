import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { QUEUE_FILE } from '../fxp';
import { posixShim, ShimTarget, windowsShim } from './model/shim-scripts';

/** The shims' folder inside the extension's global storage: one per user (per remote host in a remote window). */
const SHIM_DIR = 'bin';

/** Writes through a temporary file and a rename, so a terminal (or another window writing the same shim) never runs half a script. */
async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await chmod(temp, mode); // the umask may have cleared the execute bits
  await rename(temp, file);
}

/**
 * Puts `ferry` on the integrated terminal's PATH: `bin` in package.json does nothing for an installed
 * extension, so the shims (sh and .cmd) are written into global storage at each start (the extension's
 * folder and the editor's executable change with updates) and that folder is prepended to PATH through
 * the extension's environment variable collection. `ferry queue` there uses the FXP panel's queue file.
 */
export function registerCliShim(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const dir = vscode.Uri.joinPath(context.globalStorageUri, SHIM_DIR).fsPath;
  const target: ShimTarget = {
    node: process.execPath,
    cli: path.join(context.extensionPath, 'dist', 'cli.js'),
    queue: vscode.Uri.joinPath(context.globalStorageUri, QUEUE_FILE).fsPath,
  };
  const collection = context.environmentVariableCollection;
  collection.description = vscode.l10n.t('Puts the `ferry` command (FTP client, FXP and queue) on the PATH.');
  collection.prepend('PATH', dir + path.delimiter);
  void (async () => {
    await mkdir(dir, { recursive: true });
    await writeAtomically(path.join(dir, 'ferry'), posixShim(target), 0o755);
    await writeAtomically(path.join(dir, 'ferry.cmd'), windowsShim(target), 0o644);
  })().catch((err: unknown) => log.warn(`[terminal] could not write the ferry command into ${dir}: ${err instanceof Error ? err.message : String(err)}`));
}
