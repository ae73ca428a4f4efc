import { FileInfo, FileType } from 'basic-ftp';
import * as path from 'node:path';

/** A remote file or directory as every client layer sees it. */
export interface RemoteEntry {
  name: string;
  /** The path it was found at (parent + name). */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'unknown';
  size: number;
  modifiedAt?: Date;
  /** Unix mode bits (0o644) when the server reports them. */
  mode?: number;
  /** Symlink target from a Unix listing. */
  target?: string;
}

const TYPES: Record<number, RemoteEntry['type']> = {
  [FileType.File]: 'file',
  [FileType.Directory]: 'directory',
  [FileType.SymbolicLink]: 'symlink',
  [FileType.Unknown]: 'unknown',
};

export function toRemoteEntry(info: FileInfo, parent: string): RemoteEntry {
  const p = info.permissions;
  return {
    name: info.name,
    path: parent === '' ? info.name : path.posix.join(parent, info.name),
    type: TYPES[info.type] ?? 'unknown',
    size: info.size,
    modifiedAt: info.modifiedAt,
    mode: p ? (p.user << 6) | (p.group << 3) | p.world : undefined,
    target: info.link || undefined,
  };
}
