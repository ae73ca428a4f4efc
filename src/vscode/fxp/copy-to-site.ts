import * as vscode from 'vscode';
import { locationOf, RemoteLocation } from '../explorer/model/site-uri';
import type { Target } from '../explorer/targets';
import type { FxpDrop } from './fxp-drop';
import type { DropSource } from './model/drop-plan';
import { RemotePicker } from './remote-picker';

/** What "Copy to Site…" needs of the explorer. */
export interface CopyToSiteDeps {
  /** The clicked node and the multi-selection, a `ferry:` URI, else the tree's selection. */
  resolve(arg?: unknown, all?: unknown): Promise<Target[]>;
  picker: RemotePicker;
  drop: FxpDrop;
}

/** A destination given by a script: a `ferry:` URI or `{ siteId, path }`. */
function destinationOf(value: unknown): RemoteLocation | undefined {
  if (value instanceof vscode.Uri) return locationOf(value);
  const v = value as Partial<RemoteLocation> | undefined;
  return typeof v?.siteId === 'string' && typeof v.path === 'string' ? { siteId: v.siteId, path: v.path } : undefined;
}

/**
 * **Ferry: Copy to Site…**: the same FXP copy as a drag and drop, by keyboard. The items are the
 * clicked or selected ones (from the palette with nothing selected: a site, then a file or
 * folder on it); then the target site and a folder on it, each a quick pick.
 */
export class CopyToSite {
  constructor(private readonly deps: CopyToSiteDeps) {}

  /**
   * Runs the command; `destination` (a folder, for scripts and tests) skips the target questions.
   * Resolves with the ids of the queued jobs, or undefined when the user backed out.
   */
  async run(arg?: unknown, all?: unknown, destination?: unknown): Promise<string[] | undefined> {
    const sources = await this.sources(arg, all);
    if (sources.length === 0) return undefined;
    const folder = destinationOf(destination) ?? (await this.pickFolder(sources));
    if (!folder) return undefined;
    const plan = await this.deps.drop.plan(sources, folder, 'copy');
    if (plan.copies.length === 0) return [];
    const jobs = await this.deps.drop.copy(plan.copies, folder);
    return jobs?.map((job) => job.id);
  }

  private async sources(arg: unknown, all: unknown): Promise<DropSource[]> {
    const resolved = await this.deps.resolve(arg, all);
    if (resolved.length > 0) return resolved;
    const site = await this.deps.picker.site(vscode.l10n.t('Copy to Site: what to copy'));
    const picked = site && (await this.deps.picker.browse(site, 'source', vscode.l10n.t('Copy to Site: what to copy')));
    return picked ? [picked] : [];
  }

  private async pickFolder(sources: DropSource[]): Promise<RemoteLocation | undefined> {
    const what = sources.length === 1 ? sources[0].location.path : vscode.l10n.t('{0} items', sources.length);
    const title = vscode.l10n.t('Copy {0} to', what);
    const site = await this.deps.picker.site(title);
    const folder = site && (await this.deps.picker.browse(site, 'target', title));
    return folder?.location;
  }
}
