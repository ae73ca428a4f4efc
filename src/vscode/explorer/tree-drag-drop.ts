import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { uriOf } from './file-system-provider';
import type { Logger } from './model/log';
import { Node } from './nodes';
import { Targets } from './targets';
import { TransferCommands } from './transfer-commands';

const URI_LIST = 'text/uri-list';

/** Local paths of the `file:` URIs in a text/uri-list (RFC 2483: one per line, "#" starts a comment). */
function localPathsOf(uriList: string): string[] {
  return uriList
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => vscode.Uri.parse(line))
    .filter((uri) => uri.scheme === 'file')
    .map((uri) => uri.fsPath);
}

/**
 * Drag and drop for the Sites view. Dropping local files or folders (from the OS or VS Code's
 * explorer) on a remote folder, a site or a file (its folder) uploads them. Remote items are
 * dragged as `ferry:` URIs, so VS Code can open them in an editor or copy them where it
 * accepts resources.
 */
export class SitesDragAndDrop implements vscode.TreeDragAndDropController<Node> {
  readonly dropMimeTypes = [URI_LIST, 'files'];
  readonly dragMimeTypes = [URI_LIST];

  constructor(
    private readonly targets: Targets,
    private readonly commands: TransferCommands,
    private readonly log: Logger,
  ) {}

  handleDrag(source: readonly Node[], dataTransfer: vscode.DataTransfer): void {
    const uris = source.flatMap((node) => (node.kind === 'entry' ? [uriOf(node.location).toString()] : []));
    if (uris.length > 0) dataTransfer.set(URI_LIST, new vscode.DataTransferItem(uris.join('\r\n')));
  }

  async handleDrop(target: Node | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    if (!target || target.kind === 'message') return;
    const [destination] = await this.targets.resolve(target);
    if (!destination) return;
    const local = localPathsOf((await dataTransfer.get(URI_LIST)?.asString()) ?? '');
    // Files dropped in a browser window have no path: their bytes are spooled to a temporary folder.
    const spool = local.length === 0 ? await this.spool(dataTransfer) : undefined;
    if (token.isCancellationRequested) return;
    const paths = spool?.files ?? local;
    if (paths.length === 0) return;
    this.log.info(`drop: ${paths.length} item(s) onto ${destination.location.siteId}:${destination.location.path}`);
    const done = await this.commands.upload(destination, paths, true);
    if (done && spool) await fsp.rm(spool.dir, { recursive: true, force: true });
  }

  private async spool(dataTransfer: vscode.DataTransfer): Promise<{ dir: string; files: string[] } | undefined> {
    const files: vscode.DataTransferFile[] = [];
    dataTransfer.forEach((item) => {
      const file = item.asFile();
      if (file) files.push(file);
    });
    if (files.length === 0) return undefined;
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-drop-'));
    const written = await Promise.all(
      files.map(async (file) => {
        const target = path.join(dir, path.basename(file.name));
        await fsp.writeFile(target, await file.data());
        return target;
      }),
    );
    return { dir, files: written };
  }
}
