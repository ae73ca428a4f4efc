import * as vscode from 'vscode';
import { escapedBytes } from '../../core/client/name-encodings';
import { formatMode, octalMode } from './model/chmod';
import { toFsProblem } from './model/fs-problem';
import { formatBytes } from '../../core/format-bytes';
import { ListedEntry, RemoteFs } from './model/remote-fs';
import { SiteClients, SiteState } from './model/site-clients';
import { remoteUrl, SiteConfig } from './model/site-config';
import { isSameOrInside, parentPath, RemoteLocation, resolveRemotePath } from './model/site-uri';
import { uriOf } from './file-system-provider';
import { compareEntries, EntryNode, isContainer, MessageNode, Node, nodeId, SiteNode } from './nodes';
import { SiteStore } from './site-store';

const STATE_ICONS: Record<SiteState['status'], vscode.ThemeIcon> = {
  disconnected: new vscode.ThemeIcon('vm-outline'),
  connecting: new vscode.ThemeIcon('loading~spin'),
  connected: new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('vm', new vscode.ThemeColor('errorForeground')),
};

/** A listing that takes longer shows progress on the view, and Cancel Listing in its title bar. */
export const SLOW_LISTING_MS = 1000;

/** A folder opened with more entries than this shows these first and the rest right after (see `firstRowsFirst`). */
export const FIRST_ROWS = 500;

/** When to ask VS Code for the redraw that brings the rest of a long folder (ms after its first rows). */
const REDRAW_TRIES_MS = [150, 600, 1500, 4000];

/** Made once per display language: Date.toLocaleString makes a new formatter on every call. */
let timeFormat: { language: string; format: Intl.DateTimeFormat } | undefined;

/** A modification time as the rows show it: Date.toLocaleString's fields, in VS Code's display language. */
function formatTime(date: Date | undefined): string | undefined {
  if (!date) return undefined;
  const language = vscode.env.language;
  if (timeFormat?.language !== language) {
    const fields = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;
    timeFormat = { language, format: new Intl.DateTimeFormat(language, fields) };
  }
  return timeFormat.format.format(date);
}

/** The words after a site's name: its connection state, and why it failed when it did. */
function stateDescription(state: SiteState): string {
  if (state.status !== 'failed') return { disconnected: '', connecting: vscode.l10n.t('connecting…'), connected: vscode.l10n.t('connected') }[state.status];
  if (state.kind === 'login') return vscode.l10n.t('login refused');
  if (state.kind === 'tls-refused') return vscode.l10n.t('no TLS on this server');
  return state.retryAt ? vscode.l10n.t('connection failed, trying again soon') : vscode.l10n.t('connection failed');
}

/** A listing the user cancelled (Cancel Listing). */
class ListingCancelled extends Error {}

/**
 * The "Sites" view: saved sites, then their folders and files, listed lazily through the
 * site's connection pool and the shared listing cache. Node objects are kept by id so a
 * folder can be refreshed on its own.
 */
export class SitesTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, Node>();
  /** The folder each expanded site shows at its top. */
  private readonly rootPaths = new Map<string, string>();
  private readonly subscriptions: (() => void)[] = [];
  /** Listings in flight, and those of them that have been slow (they show progress and can be cancelled). */
  private readonly listings = new Set<AbortController>();
  private readonly slow = new Set<AbortController>();
  /** Ids of the folders whose rows are all on screen: redrawn whole, never shrunk back to their first rows. */
  private readonly shownWhole = new Set<string>();
  /** The folders that showed their first rows and wait for VS Code to ask for all of them: the redraws still to ask for. */
  private readonly awaitingRest = new Map<string, NodeJS.Timeout[]>();

  constructor(
    private readonly store: SiteStore,
    private readonly clients: SiteClients,
    private readonly fs: RemoteFs,
  ) {
    this.subscriptions.push(
      clients.onDidChangeState((siteId) => this.changed.fire(this.nodes.get(`site:${siteId}`))),
      fs.onDidChange((changes) =>
        changes.forEach((c) => {
          if (c.kind === 'deleted') this.forgetNodes(c.location);
          this.refreshFolder({ siteId: c.location.siteId, path: parentPath(c.location.path) }, false);
        }),
      ),
    );
    const storeChanged = store.onDidChange(() => this.changed.fire(undefined));
    this.subscriptions.push(() => storeChanged.dispose());
  }

  /** The folder a site's tree (and its workspace folder) starts in: its remote folder, else the login directory. */
  async rootOf(siteId: string): Promise<RemoteLocation> {
    const { home } = await this.clients.connected(siteId);
    return { siteId, path: resolveRemotePath(home, this.store.get(siteId)?.remotePath) };
  }

  /** Keeps one object per id (VS Code refreshes a subtree by the element object it was given). */
  private keep<T extends Node>(node: T): T {
    const id = nodeId(node);
    const known = this.nodes.get(id);
    if (known) return Object.assign(known, node);
    this.nodes.set(id, node);
    return node;
  }

  /** Drops the nodes of a deleted path and everything below it. */
  private forgetNodes(location: RemoteLocation): void {
    const prefix = `entry:${location.siteId}:${location.path}`;
    for (const id of [...this.nodes.keys()]) if (id === prefix || id.startsWith(`${prefix}/`)) this.nodes.delete(id);
  }

  /** Re-lists a folder and redraws it if it is shown; `invalidate` false when the cache was already updated. */
  refreshFolder(location: RemoteLocation, invalidate = true): void {
    if (invalidate) this.fs.invalidate(location);
    const shown = this.rootPaths.get(location.siteId) === location.path ? this.nodes.get(`site:${location.siteId}`) : this.nodes.get(`entry:${location.siteId}:${location.path}`);
    if (shown) this.changed.fire(shown);
  }

  /** The user asks again (Refresh): a site whose connection failed may connect again. */
  retry(siteId: string): void {
    this.clients.retry(siteId);
  }

  /** Forgets a site's listings, lets a failed site connect again, and redraws it from the top. */
  refreshSite(siteId: string): void {
    this.clients.retry(siteId);
    this.fs.forget(siteId);
    this.changed.fire(this.nodes.get(`site:${siteId}`));
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.store.sites().map((site) => this.keep<SiteNode>({ kind: 'site', site }));
    if (!isContainer(node)) return [];
    this.stopAskingForRest(nodeId(node));
    const siteId = node.kind === 'site' ? node.site.id : node.location.siteId;
    try {
      const location = node.kind === 'site' ? await this.rootOf(siteId) : node.location;
      if (node.kind === 'site') this.rootPaths.set(siteId, location.path);
      const entries = (await this.listShown(location)).sort(compareEntries);
      return this.firstRowsFirst(node, entries.map((entry) => this.keep<EntryNode>({ kind: 'entry', location: { siteId, path: entry.path }, entry })));
    } catch (err) {
      const text = err instanceof ListingCancelled ? vscode.l10n.t('Listing cancelled: Refresh lists this folder again.') : toFsProblem(err).message;
      return [this.keep<MessageNode>({ kind: 'message', text, parentId: nodeId(node) })];
    }
  }

  /**
   * A long folder that opens gets its first FIRST_ROWS rows now and all of them right after (a redraw of the
   * folder, whose listing is cached by then): VS Code needs about a second to take 10 000 rows from any tree
   * view and draw them, so the first screenful would wait for all of them (bench/README.md, Sites view). A folder already shown whole is
   * redrawn whole, so a refresh never shrinks it under the user's scroll position; collapsing it starts over.
   */
  private firstRowsFirst(folder: SiteNode | EntryNode, rows: EntryNode[]): EntryNode[] {
    const id = nodeId(folder);
    if (rows.length <= FIRST_ROWS || this.shownWhole.has(id)) return rows;
    this.shownWhole.add(id);
    // VS Code may answer a redraw from the rows it holds (its extension-host side drops them one refresh later), so
    // the redraw is asked for again until VS Code asks for the folder's rows.
    this.awaitingRest.set(id, REDRAW_TRIES_MS.map((ms) => setTimeout(() => this.changed.fire(folder), ms)));
    return rows.slice(0, FIRST_ROWS);
  }

  private stopAskingForRest(id: string): void {
    this.awaitingRest.get(id)?.forEach(clearTimeout);
    this.awaitingRest.delete(id);
  }

  /** The view collapsed `node`: its next expansion starts with the first rows again. */
  collapsed(node: Node): void {
    this.shownWhole.delete(nodeId(node));
    this.stopAskingForRest(nodeId(node));
  }

  /**
   * Lists a folder for the view. One that is still running after SLOW_LISTING_MS shows progress on
   * the view (VS Code's bar under its title) and turns on Cancel Listing (`ferry.explorer.listing`).
   */
  private async listShown(location: RemoteLocation): Promise<ListedEntry[]> {
    const controller = new AbortController();
    this.listings.add(controller);
    const listing = this.fs.list(location, controller.signal);
    const timer = setTimeout(() => {
      this.slow.add(controller);
      this.showListing();
      const title = vscode.l10n.t('Listing {0}…', location.path);
      void vscode.window.withProgress({ location: { viewId: 'ferry.sites' }, title }, () => listing.catch(() => undefined));
    }, SLOW_LISTING_MS);
    try {
      return await listing;
    } catch (err) {
      throw controller.signal.aborted ? new ListingCancelled() : err;
    } finally {
      clearTimeout(timer);
      this.listings.delete(controller);
      if (this.slow.delete(controller)) this.showListing();
    }
  }

  private showListing(): void {
    void vscode.commands.executeCommand('setContext', 'ferry.explorer.listing', this.slow.size > 0);
  }

  /** Cancel Listing: aborts every folder listing in flight; their folders say so and Refresh lists them again. */
  cancelListings(): void {
    for (const controller of this.listings) controller.abort();
  }

  /** The node above `node`, for TreeView.reveal: its folder's node, or the site's at the top of the site's tree. */
  async getParent(node: Node): Promise<Node | undefined> {
    if (node.kind === 'site') return undefined;
    if (node.kind === 'message') return this.nodes.get(node.parentId);
    return this.nodeAt({ siteId: node.location.siteId, path: parentPath(node.location.path) });
  }

  /** The node showing a remote location: the site's for its top folder (and for places outside it), else an entry's; undefined when it does not exist. */
  async nodeAt(location: RemoteLocation): Promise<Node | undefined> {
    const site = this.store.get(location.siteId);
    if (!site) return undefined;
    const root = (await this.rootOf(location.siteId)).path;
    this.rootPaths.set(location.siteId, root);
    if (location.path === root || !isSameOrInside(location.path, root)) return this.keep<SiteNode>({ kind: 'site', site });
    const known = this.nodes.get(`entry:${location.siteId}:${location.path}`);
    if (known) return known;
    const entry = await this.fs.stat(location);
    return entry && this.keep<EntryNode>({ kind: 'entry', location, entry });
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'site') return this.siteItem(node.site);
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = node.text;
      item.id = nodeId(node);
      return item;
    }
    return this.entryItem(node);
  }

  private siteItem(site: SiteConfig): vscode.TreeItem {
    const state = this.clients.state(site.id);
    const item = new vscode.TreeItem(site.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `site:${site.id}`;
    item.iconPath = STATE_ICONS[state.status];
    item.contextValue = state.status === 'connected' || state.status === 'connecting' ? 'ferry.site.connected' : 'ferry.site.disconnected';
    item.description = stateDescription(state);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(remoteUrl(site, site.remotePath ?? ''));
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText(vscode.l10n.t('TLS: {0} · data connections: {1}', site.tls, site.dataMode));
    if (state.status === 'failed') tooltip.appendMarkdown('\n\n').appendText(state.message);
    if (state.status === 'failed' && state.kind) {
      const next = state.retryAt
        ? vscode.l10n.t('Next try at {0}; Connect or Refresh tries now.', new Date(state.retryAt).toLocaleTimeString(vscode.env.language))
        : vscode.l10n.t('Not tried again by itself: use Connect or Refresh.');
      tooltip.appendMarkdown('\n\n').appendText(next);
    }
    item.tooltip = tooltip;
    return item;
  }

  private entryItem(node: EntryNode): vscode.TreeItem {
    const { entry } = node;
    const container = isContainer(node);
    const item = new vscode.TreeItem(uriOf(node.location), container ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = nodeId(node);
    item.label = entry.name;
    item.contextValue = container ? 'ferry.folder' : 'ferry.file';
    const modified = formatTime(entry.modifiedAt);
    const undecodable = escapedBytes(entry.name).length > 0;
    item.description = [undecodable ? vscode.l10n.t('name not in the site\'s encoding') : undefined, container ? undefined : formatBytes(entry.size), modified].filter(Boolean).join(' · ');
    if (!container) item.command = { command: 'ferry.openFile', title: vscode.l10n.t('Open'), arguments: [node] };
    return item;
  }

  /** A row's tooltip, made when it is hovered: made for every row, 10 000 tooltips cost time and memory nobody looks at. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind === 'entry') item.tooltip = this.entryTooltip(node.entry, formatTime(node.entry.modifiedAt));
    return item;
  }

  private entryTooltip(entry: ListedEntry, modified: string | undefined): vscode.MarkdownString {
    const lines = [entry.path];
    const escaped = escapedBytes(entry.name);
    if (escaped.length > 0) {
      const hex = escaped.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
      lines.push(vscode.l10n.t('Bytes that are not in the site\'s encoding, shown as boxes: {0}. The file is still reachable; Edit Site… sets the encoding (Test Connection suggests one).', hex));
    }
    if (entry.type !== 'directory') lines.push(vscode.l10n.t('Size: {0} ({1} bytes)', formatBytes(entry.size), entry.size));
    if (modified) lines.push(vscode.l10n.t('Modified: {0}', modified));
    if (entry.mode !== undefined) lines.push(vscode.l10n.t('Permissions: {0} ({1})', formatMode(entry.mode), octalMode(entry.mode)));
    if (entry.target) lines.push(vscode.l10n.t('Link to: {0}', entry.target));
    const tooltip = new vscode.MarkdownString();
    lines.forEach((line, i) => tooltip.appendText(line).appendMarkdown(i + 1 < lines.length ? '\n\n' : ''));
    return tooltip;
  }

  dispose(): void {
    this.subscriptions.forEach((unsubscribe) => unsubscribe());
    [...this.awaitingRest.keys()].forEach((id) => this.stopAskingForRest(id));
    this.changed.dispose();
  }
}
