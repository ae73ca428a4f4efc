import { isSameOrInside } from './site-uri';
import type { SavedAnswers } from './conflict-answers';
import type { TransferJob } from './transfer-job';

/** A transfer that did not finish: run again with resume, it continues its partial files. */
export interface InterruptedTransfer {
  /** Unique within the list. */
  id: string;
  job: TransferJob;
  title: string;
  reason: string;
  /** When it stopped (ms since the epoch). */
  at: number;
  /** The conflict answers it was given, so the resume treats existing files the same way. */
  answers?: SavedAnswers;
}

/** Where the list lives: VS Code's global state (a Memento), or a map in tests. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const KEY = 'ferry.transfers.interrupted';

function isRecord(value: unknown): value is InterruptedTransfer {
  const r = value as InterruptedTransfer;
  return typeof r?.id === 'string' && typeof r.title === 'string' && Array.isArray(r.job?.items) && (r.job.direction === 'download' || r.job.direction === 'upload');
}

/**
 * The interrupted transfers, persisted so a reload (or a crash) loses none: the Resume picker
 * lists them and the Sites view marks their remote partial files until they are resumed or
 * dismissed.
 */
export class InterruptedList {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly store: StateStore) {}

  /** Oldest first; a hand-broken stored value reads as no entries. */
  all(): InterruptedTransfer[] {
    const stored = this.store.get<unknown>(KEY);
    return Array.isArray(stored) ? stored.filter(isRecord) : [];
  }

  async add(entry: Omit<InterruptedTransfer, 'id'>): Promise<InterruptedTransfer> {
    const record = { ...entry, id: `${entry.at}-${Math.random().toString(36).slice(2, 8)}` };
    await this.save([...this.all(), record]);
    return record;
  }

  /** Takes an entry off the list (resumed or dismissed); false when it was not there. */
  async remove(id: string): Promise<boolean> {
    const before = this.all();
    const after = before.filter((r) => r.id !== id);
    if (after.length === before.length) return false;
    await this.save(after);
    return true;
  }

  /** The interrupted upload that left `remotePath` of `siteId` possibly incomplete (the item itself, or inside an uploaded folder). */
  uploadTouching(siteId: string, remotePath: string): InterruptedTransfer | undefined {
    return this.all().find(
      (r) => r.job.direction === 'upload' && r.job.siteId === siteId && r.job.items.some((i) => i.remote === remotePath || (i.folder && isSameOrInside(remotePath, i.remote))),
    );
  }

  /** Called after every change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private async save(records: InterruptedTransfer[]): Promise<void> {
    await this.store.update(KEY, records);
    for (const listener of this.listeners) listener();
  }
}
