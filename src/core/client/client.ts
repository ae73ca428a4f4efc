import { FTPError } from 'basic-ftp';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { FtpConnection } from './connection';
import { RemoteReplyError } from './errors';
import { downloadFile, downloadToStream, TransferOptions, TransferResult, uploadFile, uploadFromStream } from './file-transfers';
import { listDirectory, statPath } from './listing';
import { setModifiedTime } from './modified-time';
import { ConnectionPool, TaskOptions } from './pool';
import { ProgressListener } from './transfer-progress';
import { RemoteEntry } from './remote-entry';
import { SiteSettings } from './settings';
import { forEachLimited, localPathFor, makeDirectory, removePath, walkRemote } from './tree';
import { ExcludeTest, excludeTest } from '../exclude';
import { Reply } from '../protocol/replies';

export interface FolderTransferOptions extends Omit<TransferOptions, 'onProgress'> {
  /** Files in flight at once (default: the site's maxConnections). */
  concurrency?: number;
  /** Gitignore-style patterns, relative to the folder, of entries not transferred (core/exclude.ts). */
  exclude?: readonly string[];
  /** Aggregated over all files; `resumedBytes` of `bytes` were there before (resumed prefixes). */
  onProgress?: (progress: { bytes: number; files: number; filesDone: number; totalBytes: number; resumedBytes: number }) => void;
}

/**
 * The FTP client the explorer, the FileSystemProvider, the CLI and FXP stand on. Every
 * operation borrows a pooled connection, so callers may run them concurrently.
 */
export class FtpClient {
  readonly pool: ConnectionPool;

  constructor(readonly settings: SiteSettings) {
    this.pool = new ConnectionPool(settings);
  }

  private run<T>(operation: string, target: string | undefined, task: (conn: FtpConnection) => Promise<T>, options: Partial<TaskOptions> = {}): Promise<T> {
    return this.pool.run(task, { ...options, context: { operation, path: target } });
  }

  /** Opens (or reuses) a connection and reports what the server offers; `signal` aborts the handshake's socket. */
  async connect(signal?: AbortSignal): Promise<{ capabilities: FtpConnection['capabilities']; secure: boolean; home: string }> {
    return this.run('connect to', undefined, async (conn) => ({ capabilities: conn.capabilities, secure: conn.isSecure, home: conn.home }), { idempotent: true, signal });
  }

  list(dir: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
    return this.run('list', dir, (conn) => listDirectory(conn, dir), { idempotent: true, signal });
  }

  /** Every entry below `dir`, parents before children. */
  walk(dir: string, signal?: AbortSignal, exclude?: ExcludeTest): Promise<RemoteEntry[]> {
    return this.run('list', dir, (conn) => walkRemote(conn, dir, exclude), { idempotent: true, signal });
  }

  /** The entry at `target`, or undefined when there is none. */
  stat(target: string, signal?: AbortSignal): Promise<RemoteEntry | undefined> {
    return this.run('stat', target, (conn) => statPath(conn, target), { idempotent: true, signal });
  }

  downloadFile(remotePath: string, localPath: string, options: TransferOptions = {}): Promise<TransferResult> {
    let attempt = 0;
    // A retry after a dropped connection continues from what already arrived.
    return this.run('download', remotePath, (conn) => downloadFile(conn, remotePath, localPath, { ...options, resume: options.resume || attempt++ > 0 }), {
      idempotent: true,
      signal: options.signal,
    });
  }

  uploadFile(localPath: string, remotePath: string, options: TransferOptions = {}): Promise<TransferResult> {
    let attempt = 0;
    return this.run('upload', remotePath, (conn) => uploadFile(conn, localPath, remotePath, { ...options, resume: options.resume || attempt++ > 0 }), {
      idempotent: true,
      signal: options.signal,
    });
  }

  /** Reads a whole remote file into memory (the editor's readFile). */
  async readFile(remotePath: string, signal?: AbortSignal): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await this.run('read', remotePath, (conn) => downloadToStream(conn, remotePath, sink, { signal }), { idempotent: false, signal });
    return Buffer.concat(chunks);
  }

  download(remotePath: string, destination: Writable, options: { offset?: number; onProgress?: ProgressListener; signal?: AbortSignal } = {}): Promise<number> {
    return this.run('download', remotePath, (conn) => downloadToStream(conn, remotePath, destination, options), { signal: options.signal });
  }

  upload(source: Readable | Buffer, remotePath: string, options: { append?: boolean; offset?: number; onProgress?: ProgressListener; signal?: AbortSignal } = {}): Promise<number> {
    const stream = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    return this.run('upload', remotePath, (conn) => uploadFromStream(conn, stream, remotePath, options), { signal: options.signal });
  }

  mkdir(dir: string, options: { parents?: boolean } = {}): Promise<void> {
    return this.run('create directory', dir, (conn) => makeDirectory(conn, dir, options.parents ?? false), { idempotent: options.parents });
  }

  remove(target: string, options: { recursive?: boolean } = {}): Promise<void> {
    return this.run('delete', target, (conn) => removePath(conn, target, options.recursive ?? false));
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', from, async (conn) => {
      await conn.client.rename(from, to);
    });
  }

  /** Sets a file's modification time (MFMT, else two-argument MDTM); rejects when the server refuses. */
  setModifiedTime(target: string, date: Date): Promise<void> {
    return this.run('set the modification time of', target, (conn) => setModifiedTime(conn, target, date), { idempotent: true });
  }

  /** SITE CHMOD; a server without it is remembered and answered with a clear error. */
  chmod(target: string, mode: number): Promise<void> {
    return this.run('chmod', target, async (conn) => {
      if (conn.capabilities.siteChmod === false) {
        throw new RemoteReplyError(502, 'this server does not support SITE CHMOD', { operation: 'chmod', host: conn.label, path: target });
      }
      try {
        await conn.client.send(`SITE CHMOD ${mode.toString(8).padStart(3, '0')} ${target}`);
        conn.capabilities.siteChmod = true;
      } catch (err) {
        // Not 501: that is a bad mode argument, not a missing SITE CHMOD.
        if (err instanceof FTPError && ([Reply.SyntaxError, Reply.NotImplemented, Reply.NotImplementedForParameter] as number[]).includes(err.code)) conn.capabilities.siteChmod = false;
        throw err;
      }
    });
  }

  /** Downloads a remote folder tree into `localDir` (created as needed). */
  async downloadFolder(remoteDir: string, localDir: string, options: FolderTransferOptions = {}): Promise<{ files: number; bytes: number }> {
    const entries = await this.walk(remoteDir, options.signal, excludeTest(options.exclude));
    await fsp.mkdir(localDir, { recursive: true });
    for (const dir of entries.filter((e) => e.type === 'directory')) await fsp.mkdir(localPathFor(remoteDir, dir.path, localDir), { recursive: true });
    const files = entries.filter((e) => e.type === 'file');
    return this.transferMany(files.map((f) => ({ size: f.size, run: (onProgress) => this.downloadFile(f.path, localPathFor(remoteDir, f.path, localDir), { ...options, onProgress }) })), options);
  }

  /** Uploads a local folder tree into `remoteDir` (created as needed, parents first). */
  async uploadFolder(localDir: string, remoteDir: string, options: FolderTransferOptions = {}): Promise<{ files: number; bytes: number }> {
    const files: { local: string; remote: string; size: number }[] = [];
    const dirs: string[] = [remoteDir];
    const exclude = excludeTest(options.exclude);
    const walk = async (local: string, remote: string) => {
      for (const entry of await fsp.readdir(local, { withFileTypes: true })) {
        const l = path.join(local, entry.name);
        const r = path.posix.join(remote, entry.name);
        if (exclude?.(path.posix.relative(remoteDir, r), entry.isDirectory())) continue;
        if (entry.isDirectory()) {
          dirs.push(r);
          await walk(l, r);
        } else if (entry.isFile()) files.push({ local: l, remote: r, size: (await fsp.stat(l)).size });
      }
    };
    await walk(localDir, remoteDir);
    await this.run('create directory', remoteDir, async (conn) => {
      for (const dir of dirs) await makeDirectory(conn, dir, true);
    });
    return this.transferMany(files.map((f) => ({ size: f.size, run: (onProgress) => this.uploadFile(f.local, f.remote, { ...options, onProgress }) })), options);
  }

  private async transferMany(jobs: { size: number; run: (onProgress: ProgressListener) => Promise<TransferResult> }[], options: FolderTransferOptions): Promise<{ files: number; bytes: number }> {
    const totalBytes = jobs.reduce((sum, j) => sum + j.size, 0);
    const perFile = new Map<number, number>();
    const resumed = new Map<number, number>();
    const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    let filesDone = 0;
    const report = () => options.onProgress?.({ bytes: sum(perFile), files: jobs.length, filesDone, totalBytes, resumedBytes: sum(resumed) });
    await forEachLimited(
      jobs.map((job, index) => ({ job, index })),
      options.concurrency ?? this.settings.maxConnections ?? 2,
      async ({ job, index }) => {
        const result = await job.run((p) => {
          perFile.set(index, p.offset + p.bytes);
          resumed.set(index, p.offset);
          report();
        });
        perFile.set(index, result.size);
        filesDone++;
        report();
      },
    );
    return { files: jobs.length, bytes: totalBytes };
  }

  close(): void {
    this.pool.close();
  }
}
