import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { openFile, openWithoutSymlinks } from './fast-fs';
import { FtpReplyError, Reply } from './replies';

/** open(2)'s O_PATH (Linux): a descriptor naming a file without opening its contents. */
const O_PATH = process.platform === 'linux' ? 0o10000000 : undefined;

/**
 * Where an open descriptor really leads, read from /proc (Linux): the kernel resolved every
 * symlink while opening, so this is exactly the file the descriptor reads. Undefined without
 * /proc (the caller then resolves the path with realpath).
 */
function openedPath(fd: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/**
 * Where a path really leads, symlinks resolved. realpath(3) reads every component's link in
 * turn (a system call each, in the thread pool); on Linux one open(O_PATH) resolves the whole
 * path in the kernel and /proc/self/fd names the result. Fails as realpath does (ENOENT for a
 * missing or dangling path, ELOOP, EACCES).
 */
export async function resolveReal(real: string): Promise<string> {
  if (O_PATH === undefined) return fsp.realpath(real);
  const fd = await openFile(real, O_PATH);
  try {
    return openedPath(fd) ?? (await fsp.realpath(real));
  } finally {
    fs.closeSync(fd);
  }
}

/** A path as the client sees it (always absolute, `/`-separated) and where it lives on disk. */
export interface ResolvedPath {
  virtual: string;
  real: string;
}

/**
 * Maps client paths onto one root directory and refuses anything that would leave it:
 * `..` is folded lexically (it can never climb above `/`), and every path that exists
 * is checked again after resolving symlinks, so a link pointing outside is refused too.
 * Operations act on the lexical path (a link inside the root is renamed or deleted
 * itself, not its target).
 */
export class RootedFs {
  private constructor(readonly root: string) {}

  /** Opens a root; it must exist and be a directory. */
  static async open(root: string): Promise<RootedFs> {
    const real = await fsp.realpath(root);
    if (!(await fsp.stat(real)).isDirectory()) throw new Error(`${root} is not a directory`);
    return new RootedFs(real);
  }

  /** Folds `arg` against the virtual working directory into a normalized virtual path. */
  virtualPath(cwd: string, arg: string): string {
    if (arg.includes('\0')) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Path contains a NUL byte.');
    // CR or LF in a name would break every LIST/NLST line that shows it.
    if (/[\r\n]/.test(arg)) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Path contains a line break.');
    // On Windows a backslash would be a separator for the OS; make it one for the fold as well.
    const normalizedArg = path.sep === '\\' ? arg.replace(/\\/g, '/') : arg;
    return path.posix.resolve(cwd, normalizedArg);
  }

  private lexicalReal(virtual: string): string {
    return virtual === '/' ? this.root : path.join(this.root, ...virtual.split('/').filter(Boolean));
  }

  /** True when an already symlink-resolved path lies inside the root. */
  contains(real: string): boolean {
    return real === this.root || real.startsWith(this.root.endsWith(path.sep) ? this.root : this.root + path.sep);
  }

  /** Resolves a path that must exist and whose symlink-resolved target must stay inside the root. */
  async existing(cwd: string, arg: string): Promise<ResolvedPath> {
    const virtual = this.virtualPath(cwd, arg);
    const real = this.lexicalReal(virtual);
    if (O_PATH !== undefined) {
      fs.closeSync(await this.openInside(virtual, real, O_PATH));
      return { virtual, real };
    }
    let target: string;
    try {
      target = await fsp.realpath(real);
    } catch (err) {
      throw fsErrorToReply(err, virtual);
    }
    if (!this.contains(target)) throw outsideRoot(virtual);
    return { virtual, real };
  }

  /**
   * Opens an existing path with `flags` and checks that what was opened lies inside the root.
   * Checking the open descriptor (not the path beforehand) leaves no window for a symlink to be
   * swapped in between the check and the use, and costs one thread-pool trip instead of two.
   * The caller owns the descriptor.
   */
  async openExisting(cwd: string, arg: string, flags: number): Promise<ResolvedPath & { fd: number }> {
    const virtual = this.virtualPath(cwd, arg);
    const real = this.lexicalReal(virtual);
    if (O_PATH !== undefined) return { virtual, real, fd: await this.openInside(virtual, real, flags) };
    await this.existing('/', virtual);
    return { virtual, real, fd: await openFile(real, flags).catch((err) => Promise.reject(fsErrorToReply(err, virtual))) };
  }

  /** Linux: opens `real` and returns the descriptor once /proc/self/fd says it lies inside the root. */
  private async openInside(virtual: string, real: string, flags: number): Promise<number> {
    // With no symlink anywhere on the path (the kernel checks that while opening), the lexical
    // path, which cannot leave the root, is the real one: no /proc lookup needed.
    const direct = openWithoutSymlinks(real, flags);
    if (direct >= 0) return direct;
    let fd: number;
    try {
      fd = await openFile(real, flags);
    } catch (err) {
      throw fsErrorToReply(err, virtual);
    }
    const target = openedPath(fd) ?? (await fsp.realpath(real).catch(() => undefined));
    if (target === undefined || !this.contains(target)) {
      fs.closeSync(fd);
      throw outsideRoot(virtual);
    }
    return fd;
  }

  /**
   * An existing path inside the root with its stats (of the symlink's target, as stat(2)).
   * On Linux: one open(O_PATH), whose descriptor answers both where it leads and fstat.
   */
  async existingWithStats(cwd: string, arg: string): Promise<{ target: ResolvedPath; st: fs.Stats }> {
    if (O_PATH === undefined) {
      const target = await this.existing(cwd, arg);
      return { target, st: await fsp.stat(target.real).catch((err) => Promise.reject(fsErrorToReply(err, target.virtual))) };
    }
    const { fd, ...target } = await this.openExisting(cwd, arg, O_PATH);
    try {
      // fstat of an open descriptor reads the in-memory inode: no thread-pool trip needed.
      return { target, st: fs.fstatSync(fd) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Resolves a path that may not exist yet (STOR, MKD, RNTO): its parent must exist inside
   * the root, and if the path itself is a symlink its target must be inside as well
   * (a dangling link pointing outside would otherwise let a write escape).
   */
  async creatable(cwd: string, arg: string): Promise<ResolvedPath> {
    const virtual = this.virtualPath(cwd, arg);
    if (virtual === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot replace the root directory.');
    const parent = await this.existing('/', path.posix.dirname(virtual));
    const real = path.join(parent.real, path.posix.basename(virtual));
    const link = await fsp.lstat(real).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const target = await resolveReal(real).catch(() => undefined);
      if (target === undefined || !this.contains(target)) throw outsideRoot(virtual);
    }
    return { virtual, real };
  }
}

function outsideRoot(virtual: string): FtpReplyError {
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
  if (known) return new FtpReplyError(known[0] as FtpReplyError['code'], `${virtual}: ${known[1]}`);
  // Never echo the raw OS message: it names real paths outside the client's view.
  return new FtpReplyError(Reply.LocalError, `${virtual}: Local error${code ? ` (${code})` : ''}.`);
}
