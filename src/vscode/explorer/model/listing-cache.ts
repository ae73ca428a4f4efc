import { isSameOrInside } from './site-uri';

interface Slot<T> {
  at: number;
  value: Promise<T>;
}

/** Folders kept at most: a walk through many folders must not keep every listing it saw until they are asked for again. */
export const MAX_CACHED_FOLDERS = 200;

/**
 * Short-lived memory of directory listings per site. VS Code stats every entry of a folder it
 * shows, in parallel: they all share one listing of the folder, and concurrent loads of the
 * same folder share one request. Our own writes invalidate what they touch; a load that was in
 * flight while its folder was invalidated is not kept. Bounded by age (expired listings are
 * dropped whenever one is added) and by count (the least recently used goes first).
 */
export class ListingCache<T> {
  /** In order of last use, oldest first (a Map keeps insertion order). */
  private readonly slots = new Map<string, Slot<T>>();
  private generation = 0;

  /** `ttlMs` is read on every lookup, so a changed setting applies at once. */
  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
    private readonly maxFolders = MAX_CACHED_FOLDERS,
  ) {}

  /** Folders held now (loads in flight included). */
  get size(): number {
    return this.slots.size;
  }

  private static key(siteId: string, dir: string): string {
    return `${siteId}\0${dir}`;
  }

  /** The cached listing of `dir`, or the result of `load` (kept for the TTL when it succeeds). */
  get(siteId: string, dir: string, load: () => Promise<T>): Promise<T> {
    const key = ListingCache.key(siteId, dir);
    const slot = this.slots.get(key);
    if (slot && this.now() - slot.at < this.ttlMs()) {
      this.slots.delete(key);
      this.slots.set(key, slot);
      return slot.value;
    }
    const generation = this.generation;
    const value = load();
    const fresh: Slot<T> = { at: this.now(), value };
    this.slots.delete(key);
    this.slots.set(key, fresh);
    this.prune();
    value.then(
      () => {
        if (generation !== this.generation && this.slots.get(key) === fresh) this.slots.delete(key);
      },
      () => {
        if (this.slots.get(key) === fresh) this.slots.delete(key);
      },
    );
    return value;
  }

  /** Drops expired listings, then the least recently used ones beyond the limit. */
  private prune(): void {
    const oldest = this.now() - this.ttlMs();
    for (const [key, slot] of this.slots) if (slot.at <= oldest) this.slots.delete(key);
    for (const key of this.slots.keys()) {
      if (this.slots.size <= this.maxFolders) break;
      this.slots.delete(key);
    }
  }

  /** Forgets `dir`'s listing, and with `subtree` every listing below it too. */
  invalidate(siteId: string, dir: string, subtree = false): void {
    this.generation++;
    for (const key of [...this.slots.keys()]) {
      const [site, path] = key.split('\0');
      if (site === siteId && (path === dir || (subtree && isSameOrInside(path, dir)))) this.slots.delete(key);
    }
  }

  /** Forgets everything of one site (disconnect, settings changed), or of all sites. */
  clear(siteId?: string): void {
    this.generation++;
    for (const key of [...this.slots.keys()]) if (siteId === undefined || key.startsWith(`${siteId}\0`)) this.slots.delete(key);
  }
}
