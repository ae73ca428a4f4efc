import * as vscode from 'vscode';
import { toFsProblem } from './model/fs-problem';
import { toFileStat } from './model/file-stat';
import type { Logger } from './model/log';
import { RemoteFs } from './model/remote-fs';
import { locationOf, RemoteLocation, SCHEME, uriPartsOf } from './model/site-uri';

/** The `ferry:` URI of a remote location. */
export function uriOf(location: RemoteLocation): vscode.Uri {
  return vscode.Uri.from(uriPartsOf(location));
}

const CHANGE_TYPES = { created: vscode.FileChangeType.Created, changed: vscode.FileChangeType.Changed, deleted: vscode.FileChangeType.Deleted };

/**
 * `ferry://<site-id>/<path>` for the editor: open, edit, save, and a site as a workspace
 * folder. All logic lives in RemoteFs; this class maps types and errors and reports our own
 * changes. Remote changes made by others show after the listing cache expires (no watching).
 */
export class FerryFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly fs: RemoteFs,
    private readonly log: Logger,
  ) {
    this.unsubscribe = fs.onDidChange((list) => this.changes.fire(list.map((c) => ({ type: CHANGE_TYPES[c.kind], uri: uriOf(c.location) }))));
  }

  /**
   * Runs an operation with the error mapping every provider method needs: a vscode.FileSystemError
   * of the problem's kind whose message keeps the server's words.
   */
  private async call<T>(what: string, uri: vscode.Uri, task: (location: RemoteLocation) => Promise<T>): Promise<T> {
    try {
      return await task(locationOf(uri));
    } catch (err) {
      const problem = toFsProblem(err);
      // A missing file is routine for VS Code (it probes for settings, .git, …); only real failures are warnings.
      this.log[problem.kind === 'FileNotFound' ? 'debug' : 'warn'](`${what} ${uri.toString()}: ${problem.message}`);
      throw vscode.FileSystemError[problem.kind](problem.message);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.call('stat', uri, async (location) => {
      const entry = await this.fs.existing(location);
      return toFileStat(entry, entry.linkToDirectory);
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.call('readDirectory', uri, async (location) => (await this.fs.list(location)).map((e) => [e.name, toFileStat(e, e.linkToDirectory).type]));
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.call('createDirectory', uri, (location) => this.fs.createDirectory(location));
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.call('readFile', uri, (location) => this.fs.readFile(location));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.call('writeFile', uri, (location) => this.fs.writeFile(location, content, options));
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    return this.call('delete', uri, (location) => this.fs.delete(location, options));
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.call('rename', oldUri, (from) => this.fs.rename(from, locationOf(newUri), options));
  }

  dispose(): void {
    this.unsubscribe();
    this.changes.dispose();
  }
}

/** Registers the provider for the `ferry` scheme (case-sensitive paths, writable). */
export function registerFileSystemProvider(provider: FerryFileSystemProvider): vscode.Disposable {
  return vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isCaseSensitive: true });
}
