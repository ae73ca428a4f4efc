import type { RemoteFs } from '../explorer/model/remote-fs';
import { parentPath } from '../explorer/model/site-uri';
import type { QueueController } from './queue-controller';

/** Finished copies are reported to the tree at most this often: a folder drop finishes thousands of files. */
const FLUSH_MS = 1000;

/**
 * Tells the explorer about files FXP jobs wrote, so cached listings are dropped and shown
 * folders redraw: one report per target folder per second, however many files land in it.
 */
export function refreshTargetsOfFinishedJobs(controller: QueueController, fs: RemoteFs): () => void {
  // Folder (siteId + path) → one file that arrived in it.
  const pending = new Map<string, { siteId: string; path: string }>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const location of pending.values()) fs.changedElsewhere(location, 'created');
    pending.clear();
  };
  const unsubscribe = controller.onChange((change) => {
    if (change.kind !== 'job' || change.job.state !== 'done' || change.job.skipped) return;
    // Jobs queued by `ferry queue add` name no saved site: nothing of theirs is shown.
    const siteId = change.job.target.site.siteId;
    if (!siteId) return;
    const path = change.job.resolvedTarget ?? change.job.target.path;
    pending.set(`${siteId}:${parentPath(path)}`, { siteId, path });
    timer ??= setTimeout(flush, FLUSH_MS);
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
