import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { confinementUnavailable, heldName, O_PATH, openBeneath } from './beneath';
import { openFile, openWithoutSymlinks } from '../data/fast-fs';
import { fsErrorToReply, outsideRoot } from './fs-errors';
import { decodeName, fsPath } from './name-bytes';
import { FtpReplyError, Reply } from '../protocol/replies';

/**
 * Where an open descriptor really leads, read from /proc (Linux): the kernel resolved every
 * symlink while opening, so this is exactly the file the descriptor reads. Undefined without
 * /proc (the caller then resolves the path with realpath).
 */
function openedPath(fd: number): string | undefined {
  try {
    return decodeName(fs.readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' }));
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
  if (O_PATH === undefined) return realpathName(real);
  const fd = await openFile(fsPath(real), O_PATH);
  try {
    return openedPath(fd) ?? (await realpathName(real));
  } finally {
    fs.closeSync(fd);
  }
}

/** realpath(3) of a name that may hold bytes that are not UTF-8 (name-bytes.ts), kept as they are. */
async function realpathName(file: string | Buffer): Promise<string> {
  return decodeName(await fsp.realpath(typeof file === 'string' ? fsPath(file) : file, { encoding: 'buffer' }));
}

/** A path as the client sees it (always absolute, `/`-separated) and where it lives on disk. */
export interface ResolvedPath {
  virtual: string;
  real: string;
}

/** A path held inside the root for one operation. */
export interface HeldPath extends ResolvedPath {
  /**
   * The name to give fs calls: /proc/self/fd/<fd> for the file itself, /proc/self/fd/<dir>/<name>
   * for an entry of a held directory, so no rename after the check can redirect the call. The
   * lexical path where the kernel cannot confine (see RootedFs.confined). A Buffer when the
   * name holds bytes that are not UTF-8 (name-bytes.ts).
   */
  readonly at: string | Buffer;
  /** Closes what is held; safe to call more than once. */
  release(): void;
}

const O_DIRECTORY = fs.constants.O_DIRECTORY;

function held(virtual: string, real: string, fd: number | undefined, name?: string): HeldPath {
  let open = fd !== undefined;
  return {
    virtual,
    real,
    at: fsPath(fd === undefined ? real : heldName(fd, name)),
    release: () => {
      if (open) fs.closeSync(fd!);
      open = false;
    },
  };
}

/**
 * Maps client paths onto one root directory and refuses anything that would leave it. `..` is
 * folded lexically (it can never climb above `/`). On Linux with the addon, every open resolves
 * beneath a descriptor of the root in the kernel (openat2 RESOLVE_BENEATH), and every other
 * operation goes through a descriptor opened that way: a directory swapped for a symlink by a
 * local process while a command runs cannot send it outside. Elsewhere (`confined` false) the
 * resolved path is checked before the use, which a concurrent local rename can defeat.
 * Operations on an entry act on the entry itself (a link inside the root is renamed or
 * deleted itself, not its target).
 */
export class RootedFs {
  private closed = false;

  private constructor(
    readonly root: string,
    private readonly rootFd: number | undefined,
  ) {}

  /** Opens a root; it must exist and be a directory. `confine: false` takes the path-checking way (tests). */
  static async open(root: string, confine = true): Promise<RootedFs> {
    if (confine && O_PATH !== undefined && (await confinementUnavailable()) === undefined) {
      const fd = await openFile(root, O_PATH | O_DIRECTORY);
      return new RootedFs(openedPath(fd) ?? (await realpathName(root)), fd);
    }
    const real = await realpathName(root);
    if (!(await fsp.stat(fsPath(real))).isDirectory()) throw new Error(`${root} is not a directory`);
    return new RootedFs(real, undefined);
  }

  /** True when the kernel confines every operation to the root (see the class comment). */
  get confined(): boolean {
    return this.rootFd !== undefined;
  }

  /** Closes the root's descriptor; later operations fail. */
  close(): void {
    if (!this.closed && this.rootFd !== undefined) fs.closeSync(this.rootFd);
    this.closed = true;
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

  /**
   * Opens a path inside the root with `flags`; with O_CREAT a missing file is created with
   * `mode`. What is opened is inside the root when it is opened, so checking the descriptor
   * leaves no window. The caller owns the descriptor.
   */
  async open(cwd: string, arg: string, flags: number, mode = 0): Promise<ResolvedPath & { fd: number }> {
    const virtual = this.virtualPath(cwd, arg);
    const real = this.lexicalReal(virtual);
    if (flags & fs.constants.O_CREAT && virtual === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Cannot replace the root directory.');
    const fd = this.rootFd !== undefined ? await this.openConfined(virtual, flags, mode) : await this.openChecked(virtual, real, flags, mode);
    return { virtual, real, fd };
  }

  /** An existing path inside the root with its stats (of the symlink's target, as stat(2)). */
  async existingWithStats(cwd: string, arg: string): Promise<{ target: ResolvedPath; st: fs.Stats }> {
    if (O_PATH === undefined) {
      const virtual = this.virtualPath(cwd, arg);
      const target = { virtual, real: await this.checkedReal(virtual) };
      return { target, st: await fsp.stat(fsPath(target.real)).catch((err) => Promise.reject(fsErrorToReply(err, virtual))) };
    }
    const { fd, ...target } = await this.open(cwd, arg, O_PATH);
    try {
      // fstat of an open descriptor reads the in-memory inode: no thread-pool trip needed.
      return { target, st: fs.fstatSync(fd) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Holds an existing path (a symlink: its target, which must be inside) for chmod, utimes, listing… */
  async hold(cwd: string, arg: string): Promise<HeldPath> {
    if (this.rootFd === undefined) {
      const virtual = this.virtualPath(cwd, arg);
      return held(virtual, await this.checkedReal(virtual), undefined);
    }
    const { virtual, real, fd } = await this.open(cwd, arg, O_PATH!);
    return held(virtual, real, fd);
  }

  /**
   * Holds the directory an entry lives in, for operations on the entry itself: MKD, RMD, DELE,
   * RNFR, RNTO. The entry need not exist; a symlink must lead inside the root. Not for the root itself.
   */
  async holdEntry(cwd: string, arg: string): Promise<HeldPath> {
    const virtual = this.virtualPath(cwd, arg);
    if (virtual === '/') throw new FtpReplyError(Reply.FileUnavailable, '/: Not allowed on the root directory.');
    const name = path.posix.basename(virtual);
    if (this.rootFd === undefined) return held(virtual, await this.checkedEntry(virtual), undefined);
    const parent = await this.openConfined(path.posix.dirname(virtual), O_PATH! | O_DIRECTORY);
    const entry = held(virtual, this.lexicalReal(virtual), parent, name);
    // A link leading outside (or nowhere) is not shown in listings: it cannot be renamed, replaced
    // or deleted either. Whatever it is swapped for later, the operation acts on the entry itself.
    const link = await fsp.lstat(entry.at).catch(() => undefined);
    if (link?.isSymbolicLink() && !(await this.statFollowing(entry.at))) {
      entry.release();
      throw outsideRoot(virtual);
    }
    return entry;
  }

  /**
   * The stats of what a symlink (named by a held path) leads to, or undefined when that is
   * missing or outside the root. The check and the stats come from one descriptor.
   */
  async statFollowing(link: string | Buffer): Promise<fs.Stats | undefined> {
    if (O_PATH === undefined) {
      const target = await realpathName(link).catch(() => undefined);
      return target && this.contains(target) ? fsp.stat(link).catch(() => undefined) : undefined;
    }
    const fd = await openFile(link, O_PATH).catch(() => undefined);
    if (fd === undefined) return undefined;
    try {
      const target = openedPath(fd);
      return target !== undefined && this.contains(target) ? fs.fstatSync(fd) : undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** openat2 beneath the root's descriptor. */
  private async openConfined(virtual: string, flags: number, mode = 0): Promise<number> {
    if (this.closed) throw new FtpReplyError(Reply.LocalError, `${virtual}: Session closed.`);
    try {
      return await openBeneath(this.rootFd!, fsPath(virtual === '/' ? '.' : virtual.slice(1)), flags, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw fsErrorToReply(err, virtual);
    }
    // EXDEV: the path climbed out, or met an absolute symlink, which RESOLVE_BENEATH refuses even
    // when it leads back inside. Find where it leads now and open that, again beneath the root.
    const target = await this.whereItLeads(virtual, (flags & fs.constants.O_CREAT) !== 0);
    if (target === undefined || !this.contains(target)) throw outsideRoot(virtual);
    try {
      return await openBeneath(this.rootFd!, fsPath(path.relative(this.root, target) || '.'), flags, mode);
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'EXDEV' ? outsideRoot(virtual) : fsErrorToReply(err, virtual);
    }
  }

  /** The resolved real path; for a file about to be created, its resolved folder plus its name. */
  private async whereItLeads(virtual: string, creating: boolean): Promise<string | undefined> {
    const real = this.lexicalReal(virtual);
    const target = await resolveReal(real).catch((err: NodeJS.ErrnoException) => (creating && err.code === 'ENOENT' ? null : undefined));
    if (target !== null) return target;
    const folder = await resolveReal(path.dirname(real)).catch(() => undefined);
    return folder && path.join(folder, path.basename(real));
  }

  /** Without confinement: open, then check where the descriptor leads (a new file: its folder first). */
  private async openChecked(virtual: string, real: string, flags: number, mode: number): Promise<number> {
    if (flags & fs.constants.O_CREAT) {
      await this.checkedEntry(virtual);
    } else if (O_PATH === undefined) {
      await this.checkedReal(virtual);
    } else {
      // With no symlink anywhere on the path, the lexical path, which cannot leave the root, is the real one.
      const direct = openWithoutSymlinks(fsPath(real), flags);
      if (direct >= 0) return direct;
    }
    const fd = await new Promise<number>((resolve, reject) => fs.open(fsPath(real), flags, mode, (err, opened) => (err ? reject(err) : resolve(opened)))).catch(
      (err) => Promise.reject(fsErrorToReply(err, virtual)),
    );
    if (O_PATH === undefined) return fd;
    const target = openedPath(fd) ?? (await realpathName(real).catch(() => undefined));
    if (target !== undefined && this.contains(target)) return fd;
    fs.closeSync(fd);
    throw outsideRoot(virtual);
  }

  /** Without confinement: the lexical path of an existing `virtual` whose resolved target is inside. */
  private async checkedReal(virtual: string): Promise<string> {
    const real = this.lexicalReal(virtual);
    const target = await resolveReal(real).catch((err) => Promise.reject(fsErrorToReply(err, virtual)));
    if (!this.contains(target)) throw outsideRoot(virtual);
    return real;
  }

  /**
   * Without confinement: the lexical path of an entry whose folder is inside; if the entry is a
   * symlink its target must be inside as well (a dangling link pointing outside would otherwise
   * let a write escape).
   */
  private async checkedEntry(virtual: string): Promise<string> {
    const folder = await this.checkedReal(path.posix.dirname(virtual));
    const real = path.join(folder, path.posix.basename(virtual));
    const link = await fsp.lstat(fsPath(real)).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const target = await resolveReal(real).catch(() => undefined);
      if (target === undefined || !this.contains(target)) throw outsideRoot(virtual);
    }
    return real;
  }
}
