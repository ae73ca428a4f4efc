import { toFsProblem } from './fs-problem';

/** An entry a recursive operation visits. */
export interface WalkedEntry {
  path: string;
  type: 'file' | 'directory';
}

/** One item that could not be handled, with the server's words. */
export interface ItemFailure {
  path: string;
  message: string;
}

/** What a recursive operation did: `done` of `total` items, the failures, and whether the user stopped it. */
export interface RecursiveOutcome {
  total: number;
  done: number;
  failures: ItemFailure[];
  cancelled: boolean;
}

/** Progress and cancellation of a recursive operation. */
export interface RecursiveHooks {
  /** Called before each item is handled (and while listing, with `total` 0). */
  onItem?(done: number, total: number, path: string): void;
  /** Checked before each item and each listing: true stops after the current one. */
  cancelled?(): boolean;
}

/**
 * The roots and everything below the folder roots, parents before children. Symbolic links are
 * neither returned nor followed (a link to a parent would loop, and SITE CHMOD or DELE on a link
 * acts on what it points to). A folder that cannot be listed is a failure; the rest goes on.
 */
export async function walkTree(
  roots: WalkedEntry[],
  list: (dir: string) => Promise<{ path: string; type: string }[]>,
  hooks: RecursiveHooks = {},
): Promise<{ entries: WalkedEntry[]; failures: ItemFailure[]; cancelled: boolean }> {
  const entries: WalkedEntry[] = [];
  const failures: ItemFailure[] = [];
  const pending: string[] = [];
  for (const root of roots) {
    entries.push(root);
    if (root.type === 'directory') pending.push(root.path);
  }
  while (pending.length > 0) {
    if (hooks.cancelled?.()) return { entries, failures, cancelled: true };
    const dir = pending.shift()!;
    hooks.onItem?.(entries.length, 0, dir);
    try {
      for (const child of await list(dir)) {
        if (child.type !== 'file' && child.type !== 'directory') continue;
        entries.push({ path: child.path, type: child.type });
        if (child.type === 'directory') pending.push(child.path);
      }
    } catch (err) {
      failures.push({ path: dir, message: toFsProblem(err).message });
    }
  }
  return { entries, failures, cancelled: false };
}

/**
 * Runs `work` on each item in order, one at a time. A failing item is recorded and the rest go
 * on (one 550 must not stop a thousand chmods); a cancel stops before the next item.
 */
export async function forEachItem<T extends { path: string }>(items: T[], work: (item: T) => Promise<void>, hooks: RecursiveHooks = {}): Promise<RecursiveOutcome> {
  const outcome: RecursiveOutcome = { total: items.length, done: 0, failures: [], cancelled: false };
  for (const item of items) {
    if (hooks.cancelled?.()) {
      outcome.cancelled = true;
      break;
    }
    hooks.onItem?.(outcome.done + outcome.failures.length, items.length, item.path);
    try {
      await work(item);
      outcome.done++;
    } catch (err) {
      outcome.failures.push({ path: item.path, message: toFsProblem(err).message });
    }
  }
  return outcome;
}

/** The order a recursive delete takes: deepest first, so children go before their folder. */
export function deletionOrder<E extends WalkedEntry>(entries: E[]): E[] {
  return [...entries].sort((a, b) => depth(b.path) - depth(a.path));
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/**
 * Deletes entries children first. A folder whose content could not all be deleted is not tried
 * (RMD of a non-empty folder can only fail) and is reported as kept.
 */
export function deleteTree<E extends WalkedEntry>(entries: E[], remove: (entry: E) => Promise<void>, hooks: RecursiveHooks = {}): Promise<RecursiveOutcome> {
  const kept: string[] = [];
  return forEachItem(
    deletionOrder(entries),
    async (entry) => {
      if (entry.type === 'directory' && kept.some((path) => path.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))) {
        kept.push(entry.path);
        throw new Error(`${entry.path}: kept, some of its content could not be deleted`);
      }
      try {
        await remove(entry);
      } catch (err) {
        kept.push(entry.path);
        throw err;
      }
    },
    hooks,
  );
}
