import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { CopyJob, JobGroup } from './job';
import { withFileLock } from './queue-lock';

/**
 * The queue file, version 2. Version 1 (`{ version: 1, jobs }`) still loads and becomes version 2
 * on the next write. `removed` keeps the ids of removed jobs (tombstones, ISO time of removal) so
 * that no process brings a removed job back; they are dropped after a day.
 */
export interface QueueFileData {
  version: 2;
  jobs: CopyJob[];
  groups: JobGroup[];
  removed: Record<string, string>;
}

/** Identifies one version of the file: every save replaces it by rename, so a new inode means new content. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);
}

export function emptyQueueFile(): QueueFileData {
  return { version: 2, jobs: [], groups: [], removed: {} };
}

/** Parses either version; throws on anything else rather than let a save overwrite a file it does not understand. */
export function parseQueueFile(text: string, file: string): QueueFileData {
  const data = JSON.parse(text) as { version?: number; jobs?: CopyJob[]; groups?: JobGroup[]; removed?: Record<string, string> };
  if ((data.version !== 1 && data.version !== 2) || !Array.isArray(data.jobs)) {
    throw new Error(`${file}: not a Ferry queue file (version ${data.version}); move it away to start a new queue`);
  }
  return {
    version: 2,
    jobs: data.jobs,
    groups: Array.isArray(data.groups) ? data.groups : [],
    removed: data.removed && typeof data.removed === 'object' ? data.removed : {},
  };
}

/** Per job: a counter raised by every change, and its line as last serialized at that count. */
const jobVersions = new WeakMap<CopyJob, number>();
const jobLines = new WeakMap<CopyJob, { version: number; line: Buffer }>();

/** Must follow every in-place change of a job object, so the next save serializes it again (QueueState.edit does). */
export function markChanged(job: CopyJob): void {
  jobVersions.set(job, (jobVersions.get(job) ?? 0) + 1);
}

/**
 * A job's line, encoded; stringified and encoded again only after markChanged. Stringifying,
 * joining and encoding 10 000 jobs at every save blocked the event loop 60-110 ms each time.
 */
function jobLine(job: CopyJob): Buffer {
  const version = jobVersions.get(job) ?? 0;
  const cached = jobLines.get(job);
  if (cached && cached.version === version) return cached.line;
  const line = Buffer.from(JSON.stringify(job));
  jobLines.set(job, { version, line });
  return line;
}

const SEPARATOR = Buffer.from(',\n');

/** One job per line: compact enough for 10 000 jobs, still readable and diffable. Returned as pieces for writev. */
export function formatQueueFile(data: QueueFileData): Buffer[] {
  const head = (groups: string) => Buffer.from(`{"version":2,\n"groups":${groups},\n"removed":${JSON.stringify(data.removed)},\n"jobs":`);
  const groups = data.groups.length === 0 ? '[]' : `[\n${data.groups.map((g) => JSON.stringify(g)).join(',\n')}\n]`;
  if (data.jobs.length === 0) return [head(groups), Buffer.from('[]}\n')];
  const pieces: Buffer[] = [head(groups), Buffer.from('[\n')];
  for (const [index, job] of data.jobs.entries()) {
    if (index > 0) pieces.push(SEPARATOR);
    pieces.push(jobLine(job));
  }
  pieces.push(Buffer.from('\n]}\n'));
  return pieces;
}

/** Most buffers one writev takes on Linux (IOV_MAX); the file is written in slices, yielding in between. */
const WRITEV_SLICE = 1024;

/**
 * Reads and writes the queue file. Writes are atomic (temporary file in the same directory,
 * fsync, rename), so a crash mid-write leaves the previous complete version, never half a file;
 * `locked` serializes read-modify-write cycles between processes.
 */
export class QueueStore {
  constructor(
    readonly file: string,
    private readonly log?: (line: string) => void,
  ) {}

  /** The file's text and stamp; undefined when there is no file. */
  async read(): Promise<{ text: string; stamp: FileStamp } | undefined> {
    try {
      const handle = await fsp.open(this.file, 'r');
      try {
        const stat = await handle.stat();
        const text = await handle.readFile('utf8');
        return { text, stamp: { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs } };
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async stamp(): Promise<FileStamp | undefined> {
    const stat = await fsp.stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return stat && { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
  }

  /** Replaces the file with `pieces`; a failed write leaves the old file and no temporary file behind. */
  async write(pieces: Buffer[]): Promise<FileStamp> {
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await fsp.open(temp, 'w', 0o600);
      try {
        for (let start = 0; start < pieces.length; start += WRITEV_SLICE) await writeAll(handle, pieces.slice(start, start + WRITEV_SLICE));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, this.file);
    } catch (err) {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    const stamp = await this.stamp();
    if (!stamp) throw new Error(`${this.file} vanished right after it was written`);
    return stamp;
  }

  /** Runs a read-merge-write cycle under the inter-process lock. */
  locked<T>(task: () => Promise<T>): Promise<T> {
    return withFileLock(this.file, task, this.log);
  }
}

/** writev may write less than asked; the rest is written again. */
async function writeAll(handle: fsp.FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  for (let round = 0; rest.length > 0 && round < 1000; round++) {
    let { bytesWritten } = await handle.writev(rest);
    let first = 0;
    while (first < rest.length && bytesWritten >= rest[first].length) bytesWritten -= rest[first++].length;
    rest = rest.slice(first);
    if (rest.length > 0) rest[0] = rest[0].subarray(bytesWritten);
  }
  if (rest.length > 0) throw new Error('the queue file could not be written completely');
}
