import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { uriOf } from './file-system-provider';
import type { Logger } from './model/log';
import { Node } from './nodes';
import { Target, Targets } from './targets';
import { TransferCommands } from './transfer-commands';

const URI_LIST = 'text/uri-list';
/** The tree's own mime type: the dragged nodes, kept as objects when they are dropped inside this tree. */
const TREE_MIME = 'application/vnd.code.tree.ferry.sites';

/** What a remote entry dropped on a folder of the tree does (FXP copies, moves): provided by the FXP feature. */
export interface RemoteDropHandler {
  dropRemote(sources: Target[], destination: Target): Promise<void>;
}

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
 * explorer) on a remote folder, a site or a file (its folder) uploads them; remote entries
 * dropped inside the tree go to the remote drop handler. Remote items are also dragged as
 * `ferry:` URIs, so VS Code can open them in an editor or copy them where it accepts resources.
 */
export class SitesDragAndDrop implements vscode.TreeDragAndDropController<Node> {
  readonly dropMimeTypes = [TREE_MIME, URI_LIST, 'files'];
  readonly dragMimeTypes = [TREE_MIME, URI_LIST];

  constructor(
    private readonly targets: Targets,
    private readonly commands: TransferCommands,
    private readonly log: Logger,
    private readonly remoteDrop: () => RemoteDropHandler | undefined,
  ) {}

  handleDrag(source: readonly Node[], dataTransfer: vscode.DataTransfer): void {
    const entries = source.filter((node) => node.kind === 'entry');
    if (entries.length === 0) return;
    dataTransfer.set(TREE_MIME, new vscode.DataTransferItem(entries));
    dataTransfer.set(URI_LIST, new vscode.DataTransferItem(entries.map((node) => uriOf(node.location).toString()).join('\r\n')));
  }

  async handleDrop(target: Node | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    if (!target || target.kind === 'message') return;
    const [destination] = await this.targets.resolve(target);
    if (!destination) return;
    const value: unknown = dataTransfer.get(TREE_MIME)?.value;
    const dragged = Array.isArray(value) ? (value as Node[]).filter((node) => node?.kind === 'entry') : [];
    if (dragged.length > 0) return this.dropRemote(dragged, destination);
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

  private async dropRemote(nodes: Node[], destination: Target): Promise<void> {
    const handler = this.remoteDrop();
    if (!handler) return;
    const sources = await this.targets.resolve(nodes[0], nodes);
    this.log.info(`drop: ${sources.length} remote item(s) onto ${destination.location.siteId}:${destination.location.path}`);
    await handler.dropRemote(sources, destination);
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
