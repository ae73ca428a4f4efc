import type { FtpClient, RemoteEntry } from '../../../core/client';
import { FsProblem, needsExistenceCheck, toFsProblem } from './fs-problem';
import { ListingCache } from './listing-cache';
import { SiteClients } from './site-clients';
import { baseName, isSameOrInside, parentPath, RemoteLocation } from './site-uri';

/** A listing entry, for symbolic links with what they point to. */
export interface ListedEntry extends RemoteEntry {
  /** For a symlink: whether its target is a directory. */
  linkToDirectory?: boolean;
}

/** A change made through this layer (VS Code and the tree are told about our own changes). */
export interface RemoteChange {
  kind: 'created' | 'changed' | 'deleted';
  location: RemoteLocation;
}

/** What the root of a site looks like when it is asked for: a directory, no parent listing needed. */
const ROOT: ListedEntry = { name: '', path: '/', type: 'directory', size: 0 };

/**
 * The remote file system of all saved sites in the editor's terms: stat through the parent's
 * cached listing (which also brings the mode), the {create, overwrite} rules of writeFile, the
 * mode kept on save, errors as FsProblem kinds, the cache invalidated and a change reported
 * for each of our own writes. The FileSystemProvider and the tree are thin layers over this.
 */
export class RemoteFs {
  private readonly cache: ListingCache<ListedEntry[]>;
  private readonly changeListeners = new Set<(changes: RemoteChange[]) => void>();
  /** A file read for an editor that is being opened (readForOpening). */
  private primed?: RemoteLocation & { content: Buffer; timer: NodeJS.Timeout };

  constructor(
    private readonly clients: SiteClients,
    cacheTtlMs: () => number,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.cache = new ListingCache(cacheTtlMs);
  }

  /** Calls `listener` with every batch of our own changes; returns the unsubscribe. */
  onDidChange(listener: (changes: RemoteChange[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private emit(...changes: RemoteChange[]): void {
    const primed = this.primed;
    if (primed && changes.some((c) => c.location.siteId === primed.siteId && isSameOrInside(primed.path, c.location.path))) {
      clearTimeout(primed.timer);
      this.primed = undefined;
    }
    for (const listener of this.changeListeners) listener(changes);
  }

  /**
   * Runs `task` with the site's client, reporting the outcome to the connection state and
   * mapping errors; an ambiguous 550 is settled by a stat when `checkExistence`.
   */
  private async run<T>(location: RemoteLocation, task: (client: FtpClient) => Promise<T>, checkExistence = true): Promise<T> {
    try {
      const { client } = await this.clients.connected(location.siteId);
      const result = await task(client);
      this.clients.observe(location.siteId);
      return result;
    } catch (err) {
      this.clients.observe(location.siteId, err);
      if (!checkExistence || !needsExistenceCheck(err)) throw toFsProblem(err);
      // The reply alone does not say whether the path is missing or refused: look, in a fresh listing
      // (a cached one would still show a file deleted behind our back, and call it refused).
      this.cache.invalidate(location.siteId, parentPath(location.path));
      const exists = await this.stat(location).then(
        (entry) => entry !== undefined,
        () => undefined,
      );
      throw toFsProblem(err, exists);
    }
  }

  /** Forgets cached listings of a folder (and below), e.g. for an explicit refresh. */
  invalidate(location: RemoteLocation, subtree = true): void {
    this.cache.invalidate(location.siteId, location.path, subtree);
  }

  /** Forgets every cached listing of a site. */
  forget(siteId: string): void {
    this.cache.clear(siteId);
  }

  /**
   * The entries of a directory (cached briefly); symlinks carry whether they lead to a directory.
   * `signal` aborts a listing this call starts (its connection is closed, so none is left busy).
   */
  list(location: RemoteLocation, signal?: AbortSignal): Promise<ListedEntry[]> {
    return this.cache.get(location.siteId, location.path, () =>
      this.run(location, async (client) => {
        const entries: ListedEntry[] = await client.list(location.path, signal);
        await Promise.all(entries.filter((e) => e.type === 'symlink').map(async (e) => (e.linkToDirectory = await this.leadsToDirectory(client, e.path, signal))));
        return entries;
      }),
    );
  }

  /** Whether a symbolic link's target is a directory: what MLST/SIZE say, else whether it can be listed. */
  private async leadsToDirectory(client: FtpClient, path: string, signal?: AbortSignal): Promise<boolean> {
    const target = await client.stat(path, signal).catch(() => undefined);
    if (target?.type === 'directory' || target?.type === 'file') return target.type === 'directory';
    return client.list(path, signal).then(
      () => true,
      () => false,
    );
  }

  /**
   * What is at a location, or undefined. Read from the parent's listing (one listing serves all
   * siblings and carries modes); when the parent cannot be listed, the server is asked directly.
   */
  async stat(location: RemoteLocation): Promise<ListedEntry | undefined> {
    if (location.path === '/') return ROOT;
    const parent = { siteId: location.siteId, path: parentPath(location.path) };
    const name = baseName(location.path);
    try {
      return (await this.list(parent)).find((e) => e.name === name);
    } catch (err) {
      if (!(err instanceof FsProblem) || err.kind === 'Unavailable') throw err;
      return this.run(location, (client) => client.stat(location.path), false);
    }
  }

  /** Like stat, but a missing path is a FileNotFound problem. */
  async existing(location: RemoteLocation): Promise<ListedEntry> {
    const entry = await this.stat(location);
    if (!entry) throw new FsProblem('FileNotFound', `${location.path}: no such file or directory`);
    return entry;
  }

  /**
   * A whole file. One that turns out to be gone is reported deleted (its folder's listing is
   * dropped), so the tree and the editor stop showing it.
   */
  async readFile(location: RemoteLocation, signal?: AbortSignal): Promise<Buffer> {
    const primed = this.primed;
    if (primed?.path === location.path && primed.siteId === location.siteId) {
      this.primed = undefined;
      clearTimeout(primed.timer);
      return primed.content;
    }
    try {
      return await this.run(location, (client) => client.readFile(location.path, signal));
    } catch (err) {
      if (err instanceof FsProblem && err.kind === 'FileNotFound') this.changedElsewhere(location, 'deleted');
      throw err;
    }
  }

  /**
   * Reads a file the user is opening, so a refusal can be shown with the server's words before the
   * editor opens (VS Code shows only "unexpected error"); the editor's own read that follows within
   * a few seconds gets these bytes instead of a second download.
   */
  async readForOpening(location: RemoteLocation): Promise<void> {
    const content = await this.readFile(location);
    if (this.primed) clearTimeout(this.primed.timer);
    const timer = setTimeout(() => (this.primed = undefined), 10_000).unref();
    this.primed = { ...location, content, timer };
  }

  /**
   * Writes a whole file with VS Code's rules: without `create` the file must exist, without
   * `overwrite` it must not, a directory is never replaced, and the parent must exist. An
   * overwritten file keeps its mode: when the server reset it on upload, it is set back. Saves that
   * arrive while one uploads need no queue here: VS Code runs one write per file at a time and keeps
   * only the latest waiting save (test/vscode/suite/explorer/save-coalescing.exthost.ts).
   */
  async writeFile(location: RemoteLocation, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const existing = await this.stat(location);
    if (existing?.type === 'directory') throw new FsProblem('FileIsADirectory', `${location.path}: is a directory`);
    if (!existing && !options.create) throw new FsProblem('FileNotFound', `${location.path}: no such file`);
    if (existing && !options.overwrite) throw new FsProblem('FileExists', `${location.path}: already exists`);
    if (!existing) await this.requireDirectory({ siteId: location.siteId, path: parentPath(location.path) });
    await this.run(location, (client) => client.upload(Buffer.from(content), location.path));
    this.cache.invalidate(location.siteId, parentPath(location.path));
    if (existing?.mode !== undefined) await this.keepMode(location, existing.mode);
    this.emit({ kind: existing ? 'changed' : 'created', location });
  }

  private async requireDirectory(location: RemoteLocation): Promise<void> {
    const entry = await this.existing(location);
    if (entry.type === 'file') throw new FsProblem('FileNotADirectory', `${location.path}: not a directory`);
  }

  /** Sets `mode` back when the file's mode after an upload differs (servers that recreate files on STOR). */
  private async keepMode(location: RemoteLocation, mode: number): Promise<void> {
    const now = await this.stat(location);
    if (now?.mode === undefined || now.mode === mode) return;
    this.log(`${location.path}: mode became ${now.mode.toString(8)} on upload, setting ${mode.toString(8)} back`);
    await this.chmod(location, mode).catch((err: Error) => this.log(`${location.path}: could not keep the mode: ${err.message}`));
  }

  async createDirectory(location: RemoteLocation): Promise<void> {
    if (await this.stat(location)) throw new FsProblem('FileExists', `${location.path}: already exists`);
    await this.requireDirectory({ siteId: location.siteId, path: parentPath(location.path) });
    await this.run(location, (client) => client.mkdir(location.path));
    this.cache.invalidate(location.siteId, parentPath(location.path));
    this.emit({ kind: 'created', location });
  }

  /** Deletes a file, or a directory (with everything in it when `recursive`). */
  async delete(location: RemoteLocation, options: { recursive: boolean }): Promise<void> {
    await this.existing(location);
    await this.run(location, (client) => client.remove(location.path, { recursive: options.recursive }));
    this.cache.invalidate(location.siteId, parentPath(location.path));
    this.cache.invalidate(location.siteId, location.path, true);
    this.emit({ kind: 'deleted', location });
  }

  /**
   * Deletes one file or empty folder a listing just showed: a step of a recursive delete that
   * reports progress, so no existence check and no change event (call changedElsewhere at the end).
   */
  async removeEntry(location: RemoteLocation): Promise<void> {
    await this.run(location, (client) => client.remove(location.path), false);
  }

  /** Renames or moves within a site; with `overwrite` an existing target is deleted first. */
  async rename(from: RemoteLocation, to: RemoteLocation, options: { overwrite: boolean }): Promise<void> {
    if (from.siteId !== to.siteId) throw new FsProblem('Unavailable', 'moving between two sites is a copy: use download and upload');
    const source = await this.existing(from);
    if (isSameOrInside(to.path, from.path) && source.type === 'directory' && to.path !== from.path) {
      throw new FsProblem('NoPermissions', `${from.path}: cannot move a directory into itself`);
    }
    const target = await this.stat(to);
    if (target && !options.overwrite) throw new FsProblem('FileExists', `${to.path}: already exists`);
    if (target) await this.run(to, (client) => client.remove(to.path, { recursive: true }));
    await this.run(from, (client) => client.rename(from.path, to.path));
    for (const dir of [parentPath(from.path), parentPath(to.path)]) this.cache.invalidate(from.siteId, dir);
    this.cache.invalidate(from.siteId, from.path, true);
    this.emit({ kind: 'deleted', location: from }, { kind: 'created', location: to });
  }

  /** SITE CHMOD; the listing is refreshed so the new mode shows. */
  async chmod(location: RemoteLocation, mode: number): Promise<void> {
    await this.run(location, (client) => client.chmod(location.path, mode));
    this.cache.invalidate(location.siteId, parentPath(location.path));
    this.emit({ kind: 'changed', location });
  }

  /** Reports a change made outside this class (an upload by the transfer queue): caches and listeners learn of it. */
  changedElsewhere(location: RemoteLocation, kind: RemoteChange['kind']): void {
    this.cache.invalidate(location.siteId, parentPath(location.path));
    this.cache.invalidate(location.siteId, location.path, true);
    this.emit({ kind, location });
  }
}
