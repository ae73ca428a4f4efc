import * as vscode from 'vscode';
import { RemoteFs } from './model/remote-fs';
import { locationOf, RemoteLocation, SCHEME } from './model/site-uri';
import { isContainer, isNode, Node } from './nodes';
import { SitesTree } from './sites-tree';

/** What a command acts on: a remote location and whether it is a folder (a site counts as its root folder). */
export interface Target {
  location: RemoteLocation;
  folder: boolean;
  /** Size when known from a listing. */
  size?: number;
  /** Mode bits when known from a listing. */
  mode?: number;
}

/**
 * Turns what VS Code passes to a command into targets: the clicked tree node and the multi-
 * selection, a `ferry:` URI (explorer and editor menus, scripts), or else the tree's selection,
 * else the active editor's file.
 */
export class Targets {
  constructor(
    private readonly tree: SitesTree,
    private readonly fs: RemoteFs,
    private readonly selection: () => readonly Node[],
  ) {}

  async resolve(arg?: unknown, all?: unknown): Promise<Target[]> {
    const many = Array.isArray(all) && all.length > 0 && (arg === undefined || all.includes(arg)) ? all : undefined;
    const picked = many ?? (arg !== undefined ? [arg] : this.fallback());
    const targets = await Promise.all(picked.map((item) => this.one(item)));
    return targets.filter((t): t is Target => t !== undefined);
  }

  private fallback(): unknown[] {
    const selected = this.selection();
    if (selected.length > 0) return [...selected];
    const active = vscode.window.activeTextEditor?.document.uri;
    return active?.scheme === SCHEME ? [active] : [];
  }

  private async one(item: unknown): Promise<Target | undefined> {
    if (item instanceof vscode.Uri && item.scheme === SCHEME) {
      const location = locationOf(item);
      const entry = await this.fs.existing(location);
      return { location, folder: entry.type === 'directory' || entry.linkToDirectory === true, size: entry.size, mode: entry.mode };
    }
    if (!isNode(item) || item.kind === 'message') return undefined;
    if (item.kind === 'site') return { location: await this.tree.rootOf(item.site.id), folder: true };
    return { location: item.location, folder: isContainer(item), size: item.entry.size, mode: item.entry.mode };
  }
}
