import { promises as fsp } from 'node:fs';
import type { FtpClient } from '../../../core/client';
import type { ConflictHook } from '../../../core/client/transfer-targets';
import { BatchProgress, BatchSnapshot } from './progress';

/** One file or folder to move. */
export interface TransferItem {
  /** Local file system path. */
  local: string;
  /** Absolute remote path. */
  remote: string;
  folder: boolean;
  /** Size when known in advance (files). */
  size?: number;
}

/** A batch of downloads or uploads between one site and the local disk; it can be run again to resume. */
export interface TransferJob {
  direction: 'download' | 'upload';
  siteId: string;
  items: TransferItem[];
}

export interface RunOptions {
  /** Continue partial files instead of starting over (REST; APPE for uploads on servers without REST STREAM). */
  resume?: boolean;
  signal?: AbortSignal;
  verifyHash?: boolean;
  /** Keep modification times both ways (the ferry.transfers.preserveTimes setting; default true). */
  preserveTime?: boolean;
  onProgress?: (snapshot: BatchSnapshot) => void;
  /** What to do with targets that exist (asked lazily); without it, overwrite. */
  conflict?: ConflictHook;
  /** Gitignore-style patterns left out of folder items (core/exclude.ts); a file picked by itself is always sent. */
  exclude?: readonly string[];
}

/**
 * Downloads are written as "<name>.part" and renamed when complete, so a cancelled or failed
 * download never looks complete in the OS file manager (WinSCP's ".filepart", Firefox's ".part").
 */
export const PART_SUFFIX = '.part';

/** Runs each item of a job in turn through the client core, reporting one aggregated progress. */
export async function runTransferJob(client: FtpClient, job: TransferJob, options: RunOptions = {}): Promise<{ files: number; bytes: number }> {
  const batch = new BatchProgress();
  const report = (index: number, bytes: number, total: number, resumed?: number) => options.onProgress?.(batch.update(index, bytes, total, resumed));
  job.items.forEach((item, index) => item.size !== undefined && report(index, 0, item.size));
  const common = { resume: options.resume, signal: options.signal, verifyHash: options.verifyHash, preserveTime: options.preserveTime, conflict: options.conflict, partSuffix: PART_SUFFIX };
  const folderOptions = { ...common, exclude: options.exclude };
  let files = 0;
  let bytes = 0;
  for (const [index, item] of job.items.entries()) {
    if (item.folder) {
      const onProgress = (p: { bytes: number; totalBytes: number; resumedBytes: number }) => report(index, p.bytes, p.totalBytes, p.resumedBytes);
      const done = job.direction === 'download' ? await client.downloadFolder(item.remote, item.local, { ...folderOptions, onProgress }) : await client.uploadFolder(item.local, item.remote, { ...folderOptions, onProgress });
      files += done.files;
      bytes += done.bytes;
      report(index, done.bytes, done.bytes);
    } else {
      const onProgress = (p: { bytes: number; offset: number; total?: number }) => report(index, p.offset + p.bytes, p.total ?? item.size ?? 0, p.offset);
      const done = job.direction === 'download' ? await client.downloadFile(item.remote, item.local, { ...common, onProgress }) : await client.uploadFile(item.local, item.remote, { ...common, onProgress });
      files++;
      bytes += done.size;
      report(index, done.size, done.size);
    }
  }
  return { files, bytes };
}

/** Fills in the sizes of local files to upload, so progress has a total from the start. */
export async function withLocalSizes(items: TransferItem[]): Promise<TransferItem[]> {
  return Promise.all(items.map(async (item) => (item.folder ? item : { ...item, size: (await fsp.stat(item.local)).size })));
}
