import { FtpReplyError, Reply } from '../protocol/replies';

/** The reply for a path that leads (or would lead) outside the served root. */
export function outsideRoot(virtual: string): FtpReplyError {
  return new FtpReplyError(Reply.FileUnavailable, `${virtual}: Permission denied (outside the served root).`);
}

const ERRNO_TEXT: Record<string, [number, string]> = {
  ENOENT: [Reply.FileUnavailable, 'No such file or directory.'],
  ENOTDIR: [Reply.FileUnavailable, 'Not a directory.'],
  EISDIR: [Reply.FileUnavailable, 'Is a directory.'],
  EEXIST: [Reply.FileUnavailable, 'File exists.'],
  ENOTEMPTY: [Reply.FileUnavailable, 'Directory not empty.'],
  EACCES: [Reply.FileUnavailable, 'Permission denied.'],
  EPERM: [Reply.FileUnavailable, 'Operation not permitted.'],
  ELOOP: [Reply.FileUnavailable, 'Too many levels of symbolic links.'],
  ENAMETOOLONG: [Reply.FileNameNotAllowed, 'File name too long.'],
  EINVAL: [Reply.FileNameNotAllowed, 'Invalid file name.'],
  ENOSPC: [Reply.InsufficientStorage, 'No space left on device.'],
  EDQUOT: [Reply.ExceededStorage, 'Disk quota exceeded.'],
  EBUSY: [Reply.FileBusy, 'Resource busy.'],
  EXDEV: [Reply.FileUnavailable, 'Cannot rename across file systems.'],
};

/** Turns a filesystem error into the reply a client should see, naming the path. */
export function fsErrorToReply(err: unknown, virtual: string): FtpReplyError {
  if (err instanceof FtpReplyError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const known = ERRNO_TEXT[code];
  if (known) return new FtpReplyError(known[0] as FtpReplyError['code'], `${virtual}: ${known[1]}`, code);
  // Never echo the raw OS message: it names real paths outside the client's view.
  return new FtpReplyError(Reply.LocalError, `${virtual}: Local error${code ? ` (${code})` : ''}.`, code || undefined);
}
