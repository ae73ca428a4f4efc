import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CopyJob } from './job';

/**
 * The queue file: JSON written atomically (temporary file + rename in the same directory),
 * so a crash mid-write leaves the previous complete version, never half a file.
 */
export class QueueStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async load(): Promise<CopyJob[]> {
    try {
      const data = JSON.parse(await fsp.readFile(this.file, 'utf8')) as { version: number; jobs: CopyJob[] };
      if (data.version !== 1 || !Array.isArray(data.jobs)) throw new Error(`${this.file}: not a Ferry queue file (version ${data.version})`);
      return data.jobs;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Saves a snapshot; saves are serialized so an older snapshot never lands after a newer one. */
  save(jobs: CopyJob[]): Promise<void> {
    const text = JSON.stringify({ version: 1, jobs }, null, 2);
    this.writing = this.writing.then(async () => {
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      const handle = await fsp.open(temp, 'w', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, this.file);
    });
    return this.writing;
  }

  async mtimeMs(): Promise<number> {
    return (await fsp.stat(this.file).catch(() => undefined))?.mtimeMs ?? 0;
  }
}
