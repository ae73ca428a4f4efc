import * as vscode from 'vscode';
import { ChmodCommand } from './chmod-command';
import { FileCommands } from './file-commands';
import { FerryFileSystemProvider, registerFileSystemProvider } from './file-system-provider';
import { toFsProblem } from './model/fs-problem';
import { tagged } from './model/log';
import { RemoteFs } from './model/remote-fs';
import { SiteClients } from './model/site-clients';
import { parentPath, RemoteLocation } from './model/site-uri';
import { TransferJob } from './model/transfer-job';
import { Node } from './nodes';
import { SiteAccessUi } from './site-access';
import { Pickers } from './pickers';
import { SiteCommands } from './site-commands';
import { SitesTree } from './sites-tree';
import { SiteStore } from './site-store';
import { Targets } from './targets';
import { TransferCommands } from './transfer-commands';
import { registerPartialDecorations } from './partial-decorations';
import { Transfers } from './transfers';
import { RemoteDropHandler, SitesDragAndDrop } from './tree-drag-drop';
import { trackSelectionKind } from './selection-context';

/** What other features (FXP) use of the explorer. */
export interface Explorer {
  store: SiteStore;
  fs: RemoteFs;
  targets: Targets;
  /** The folder a site's tree starts in. */
  rootOf(siteId: string): Promise<RemoteLocation>;
  /** Shows and selects a remote location in the Sites view. */
  reveal(location: RemoteLocation): Promise<void>;
  /** Who handles remote entries dropped on a folder of the tree. */
  setRemoteDrop(handler: RemoteDropHandler): void;
}

/** Command handlers by command id. */
type Handlers = Record<string, (...args: never[]) => unknown>;

/** Registers a command whose failures are logged and shown (never an unhandled rejection). */
export function command(log: vscode.LogOutputChannel, id: string, handler: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      const message = toFsProblem(err).message;
      log.error(`[command] ${id}: ${message}`);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  });
}

/** Closes the connections of sites whose settings changed or that were removed, so the next use picks up the new settings. */
function watchSiteChanges(store: SiteStore, clients: SiteClients, fs: RemoteFs): vscode.Disposable {
  const snapshot = () => new Map(store.sites().map((site) => [site.id, JSON.stringify(site)]));
  let known = snapshot();
  return store.onDidChange(() => {
    const now = snapshot();
    for (const [id, json] of known) {
      if (now.get(id) === json) continue;
      clients.disconnect(id);
      fs.forget(id);
    }
    known = now;
  });
}

/** The explorer's model: saved sites, their connections and the remote file system. */
function createModel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): { store: SiteStore; clients: SiteClients; fs: RemoteFs } {
  const store = new SiteStore(context.secrets, tagged(log, 'sites'));
  const clients = new SiteClients(new SiteAccessUi(store, tagged(log, 'sites'), (siteId, line) => log.debug(`[ftp ${siteId}] ${line}`)));
  const fsLog = tagged(log, 'fs');
  const fs = new RemoteFs(clients, () => 1000 * vscode.workspace.getConfiguration('ferry.explorer').get<number>('cacheSeconds', 5), (line) => fsLog.info(line));
  return { store, clients, fs };
}

/** Uploads made by the transfer queue reach the listing cache and the tree. */
function afterTransfer(fs: RemoteFs): (job: TransferJob) => void {
  return (job) => {
    if (job.direction === 'upload') for (const item of job.items) fs.changedElsewhere({ siteId: job.siteId, path: item.remote }, item.folder ? 'created' : 'changed');
  };
}

/** Site commands. View title buttons get the focused tree node as their first argument: handlers that take scripts' arguments check their type. */
function siteHandlers(sites: SiteCommands): Handlers {
  return {
    'ferry.addSite': (fields?: unknown) => sites.add(fields),
    'ferry.editSite': (arg?: unknown) => sites.edit(arg),
    'ferry.duplicateSite': (arg?: unknown) => sites.duplicate(arg),
    'ferry.removeSite': (arg?: unknown) => sites.remove(arg),
    'ferry.testConnection': (arg?: unknown) => sites.test(arg),
    'ferry.connect': (arg?: unknown) => sites.connect(arg),
    'ferry.disconnect': (arg?: unknown) => sites.disconnect(arg),
    'ferry.importFileZilla': (file?: unknown) => sites.importFileZilla(file),
    'ferry.importSftpJson': (file?: unknown) => sites.importSftpJson(file),
  };
}

/** File commands; from the Command Palette (no argument) the ones that need a folder ask for it. */
function fileHandlers(files: FileCommands, chmod: ChmodCommand, pickers: Pickers): Handlers {
  return {
    'ferry.refresh': (arg?: unknown) => files.refresh(arg),
    'ferry.refreshAll': () => files.refresh(),
    'ferry.openFile': (arg?: unknown, all?: unknown) => files.open(arg, all),
    'ferry.newFile': (arg?: unknown, all?: unknown, name?: string) => files.newFile(arg, all, name),
    'ferry.newFolder': (arg?: unknown, all?: unknown, name?: string) => files.newFolder(arg, all, name),
    'ferry.rename': (arg?: unknown, all?: unknown, name?: string) => files.rename(arg, all, name),
    'ferry.delete': (arg?: unknown, all?: unknown) => files.delete(arg, all),
    'ferry.copyRemoteUrl': (arg?: unknown, all?: unknown) => files.copyUrl(arg, all),
    'ferry.copyRemotePath': (arg?: unknown, all?: unknown) => files.copyPath(arg, all),
    'ferry.openAsWorkspaceFolder': async (arg?: unknown) => {
      const target = arg ?? (await pickers.folder(vscode.l10n.t('Open as workspace folder…')));
      return target !== undefined && files.openAsWorkspaceFolder(target);
    },
    'ferry.chmod': (arg?: unknown, all?: unknown, mode?: unknown) => chmod.run(arg, all, mode),
  };
}

/** Download, upload and resume. */
function transferHandlers(transferCommands: TransferCommands, pickers: Pickers): Handlers {
  return {
    'ferry.download': (arg?: unknown, all?: unknown, to?: vscode.Uri) => transferCommands.download(arg, all, to),
    'ferry.uploadFiles': async (arg?: unknown, all?: unknown, from?: vscode.Uri[]) => {
      const target = arg ?? (await pickers.folder(vscode.l10n.t('Upload files into…')));
      return target !== undefined && transferCommands.pickAndUpload('files', target, all, from);
    },
    'ferry.uploadFolder': async (arg?: unknown, all?: unknown, from?: vscode.Uri[]) => {
      const target = arg ?? (await pickers.folder(vscode.l10n.t('Upload a folder into…')));
      return target !== undefined && transferCommands.pickAndUpload('folder', target, all, from);
    },
    'ferry.resumeTransfers': (which?: unknown) => transferCommands.resume(which),
    'ferry.discardInterruptedTransfers': (which?: unknown) => transferCommands.discard(which),
  };
}

/** The Command Palette lists the site commands only when there is a site to ask about. */
function trackHasSites(store: SiteStore): vscode.Disposable {
  const update = () => void vscode.commands.executeCommand('setContext', 'ferry.explorer.hasSites', store.sites().length > 0);
  update();
  return store.onDidChange(update);
}

/** The Sites view over the tree, with drag and drop; `remoteDrop` is asked at drop time (FXP sets it later). */
function createSitesView(tree: SitesTree, targets: Targets, transferCommands: TransferCommands, log: vscode.LogOutputChannel, remoteDrop: () => RemoteDropHandler | undefined): vscode.TreeView<Node> {
  return vscode.window.createTreeView('ferry.sites', {
    treeDataProvider: tree,
    dragAndDropController: new SitesDragAndDrop(targets, transferCommands, tagged(log, 'dnd'), remoteDrop),
    canSelectMany: true,
    showCollapseAll: true,
  });
}

/** What other features get: the model, and the view's reveal. */
function explorerApi(store: SiteStore, fs: RemoteFs, targets: Targets, tree: SitesTree, view: vscode.TreeView<Node>, setRemoteDrop: (handler: RemoteDropHandler) => void): Explorer {
  return {
    store,
    fs,
    targets,
    rootOf: (siteId) => tree.rootOf(siteId),
    reveal: async (location) => {
      // A target not copied yet: its folder.
      const node = (await tree.nodeAt(location)) ?? (await tree.nodeAt({ siteId: location.siteId, path: parentPath(location.path) }));
      if (node) await view.reveal(node, { select: true, focus: true });
    },
    setRemoteDrop,
  };
}

/**
 * The remote explorer: saved sites, the Sites view, the `ferry:` file system, transfers and
 * their commands. It only wires the pieces above; everything it creates is registered on
 * `context.subscriptions`.
 */
export function registerExplorer(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Explorer {
  const { store, clients, fs } = createModel(context, log);
  const provider = new FerryFileSystemProvider(fs, tagged(log, 'fs'));
  const tree = new SitesTree(store, clients, fs);
  const selection: { view?: vscode.TreeView<Node> } = {};
  const selected = () => selection.view?.selection ?? [];
  const targets = new Targets(tree, fs, selected);
  const transfers = new Transfers(clients, tagged(log, 'transfer'), afterTransfer(fs), context.globalState);
  const transferCommands = new TransferCommands(targets, transfers);
  let remoteDrop: RemoteDropHandler | undefined;
  const view = createSitesView(tree, targets, transferCommands, log, () => remoteDrop);
  selection.view = view;
  context.subscriptions.push(view.onDidCollapseElement((e) => tree.collapsed(e.element)));
  const pickers = new Pickers(store, fs, (siteId) => tree.rootOf(siteId), selected);
  const handlers: Handlers = {
    ...siteHandlers(new SiteCommands(store, clients, fs, tagged(log, 'sites'), pickers)),
    ...fileHandlers(new FileCommands(targets, fs, tree, store, pickers, log), new ChmodCommand(targets, fs, log), pickers),
    ...transferHandlers(transferCommands, pickers),
    'ferry.cancelListing': () => tree.cancelListings(),
    // Reveals the "Ferry" output channel; the notifications' "Show Log" buttons open the same one.
    'ferry.showLog': () => log.show(),
  };
  context.subscriptions.push(
    trackHasSites(store),
    store,
    provider,
    registerFileSystemProvider(provider),
    tree,
    view,
    transfers,
    registerPartialDecorations(transfers.interrupted),
    trackSelectionKind(view),
    watchSiteChanges(store, clients, fs),
    { dispose: () => clients.dispose() },
    ...Object.entries(handlers).map(([id, handler]) => command(log, id, handler)),
  );
  log.info('[explorer] ready');
  return explorerApi(store, fs, targets, tree, view, (handler) => (remoteDrop = handler));
}
