import type { RemoteEntry } from '../../../core/client';

/** vscode.FileType's values (a stable part of the API), so this mapping runs in plain Node. */
export const FileKind = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;

/** vscode.FilePermission.Readonly. */
export const READONLY_PERMISSION = 1;

/** A vscode.FileStat, structurally. */
export interface FileStatLike {
  type: number;
  ctime: number;
  mtime: number;
  size: number;
  permissions?: number;
}

/**
 * Read-only when the listing shows the owner's write bit cleared. FTP listings cannot say
 * whether the login user is the owner; the owner bit is what FileZilla and lftp show too.
 */
export function isReadonlyMode(mode: number | undefined): boolean {
  return mode !== undefined && (mode & 0o200) === 0;
}

/**
 * The FileType bits for an entry. A symbolic link carries the kind of its target when known
 * (`targetIsDirectory` from a stat of the link), else it counts as a file.
 */
export function fileKindOf(entry: Pick<RemoteEntry, 'type'>, targetIsDirectory?: boolean): number {
  switch (entry.type) {
    case 'directory':
      return FileKind.Directory;
    case 'file':
      return FileKind.File;
    case 'symlink':
      return FileKind.SymbolicLink | (targetIsDirectory ? FileKind.Directory : FileKind.File);
    default:
      return FileKind.Unknown;
  }
}

/** A listing entry as a FileStat: times in ms (0 when unknown), read-only from the mode bits. */
export function toFileStat(entry: RemoteEntry, targetIsDirectory?: boolean): FileStatLike {
  const mtime = entry.modifiedAt?.getTime() ?? 0;
  const stat: FileStatLike = { type: fileKindOf(entry, targetIsDirectory), ctime: mtime, mtime, size: entry.type === 'directory' ? 0 : entry.size };
  if (entry.type !== 'directory' && isReadonlyMode(entry.mode)) stat.permissions = READONLY_PERMISSION;
  return stat;
}
