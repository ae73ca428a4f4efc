import * as fs from 'node:fs';
import * as path from 'node:path';

/** A transfer running in the addon's thread; opaque to JavaScript. */
export type NativeTransferHandle = object & { readonly __nativeTransfer: unique symbol };

/** A listening socket watched on the event loop (ferry_listen.c); opaque to JavaScript. */
export type NativeAcceptWatcher = object & { readonly __nativeAcceptWatcher: unique symbol };

/** How a native transfer ended; `code` and `call` are set for "error" (e.g. "EPIPE" in "sendfile"; "pread" and "write" are the file's). */
export type NativeOutcome = 'ok' | 'error' | 'cancelled' | 'idle';
export type NativeDone = (outcome: NativeOutcome, code: string | undefined, bytes: number, call: 'sendfile' | 'send' | 'pread' | 'read' | 'write' | undefined) => void;

/**
 * The native data path (native/ferry_io.c, Linux): one thread per plain transfer, on dup()s of
 * the descriptors, that sends a file with sendfile(2) (or pread + send, `copyBytes`) or
 * receives into it with splice(2), socket -> pipe -> file, falling back to read + pwrite where
 * the socket or the file system refuses a splice; and passive listeners whose connections stay
 * bare descriptors until a socket is needed (native/ferry_listen.c).
 */
export interface NativeIo {
  /**
   * Sends `fileFd` from `offset` to its end over `socketFd`; `idleMs` without progress ends it (0 = never).
   * With `copyBytes` > 0 (at most 16 MiB) it reads into a buffer of that size and send()s from it instead of using sendfile.
   */
  send(socketFd: number, fileFd: number, offset: number, idleMs: number, done: NativeDone, copyBytes?: number): NativeTransferHandle;
  /** Receives from `socketFd` into `fileFd` at `offset` until the peer closes. */
  receive(socketFd: number, fileFd: number, offset: number, idleMs: number, done: NativeDone): NativeTransferHandle;
  /** Bytes moved so far. */
  bytes(handle: NativeTransferHandle): number;
  /** Stops the transfer; `done` follows with "cancelled" (or whatever it ended with first). */
  cancel(handle: NativeTransferHandle): void;
  /** True when the peer closed the socket without sending anything (a peek: nothing is consumed). */
  peerClosed(socketFd: number): boolean;
  /**
   * open(2) on the calling thread only if the kernel needs no I/O for it (openat2 RESOLVE_CACHED):
   * the descriptor, else -1 (also for any error). `noSymlinks`: -1 as well when any component of
   * the path is a symlink (RESOLVE_NO_SYMLINKS).
   */
  openCached(file: string, flags: number, noSymlinks?: boolean): number;
  /** pread(2) on the calling thread of what the page cache holds (preadv2 RWF_NOWAIT; tmpfs: all): bytes read, -1 when it would wait or failed. */
  readCached(fd: number, buffer: Buffer, length: number, position: number): number;
  /** A non-blocking listening TCP socket on a numeric address (port 0: any); throws with the errno as `code` (EADDRINUSE). */
  listen(host: string, port: number, backlog: number): { fd: number; port: number };
  /**
   * Watches a listening socket on the event loop: `onConnection(fd, peerAddress)` for each accepted
   * connection (a non-blocking descriptor the callback owns), `onConnection(-1, errnoName)` when
   * accepting fails for good.
   */
  watchAccept(fd: number, onConnection: (fd: number, peer: string) => void): NativeAcceptWatcher;
  /** Stops watching and closes the listening socket. */
  unwatchAccept(watcher: NativeAcceptWatcher): void;
  /** A non-blocking send(2): bytes written, -1 when the socket buffer is full; throws with the errno as `code` (EPIPE). */
  writeNow(fd: number, buffer: Buffer, length: number): number;
  /** Sets SO_OOBINLINE: TCP urgent data (ABOR sent with MSG_OOB) stays in the stream; false when the kernel refuses. */
  oobInline(fd: number): boolean;
}

/**
 * Opens confined to a directory (native/ferry_beneath.c): the server's guarantee that no path
 * leaves the served root, even while local processes rename entries in it.
 */
export interface NativeBeneath {
  /**
   * openat2(2) of `file` relative to the directory `dirFd` with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS
   * (native/ferry_beneath.c), on the calling thread and only if the kernel needs no I/O for it:
   * the descriptor, else -1 (also for any error and for O_CREAT).
   */
  openBeneathCached(dirFd: number, file: string | Buffer, flags: number): number;
  /**
   * The same open in libuv's thread pool, creating with `mode` when `flags` has O_CREAT:
   * `done(undefined, fd)`, or `done(errnoName, -1)`; EXDEV when the path would leave `dirFd`.
   */
  openBeneath(dirFd: number, file: string | Buffer, flags: number, mode: number, done: (code: string | undefined, fd: number) => void): void;
}

const ADDON = 'ferry_io.node';

/**
 * Where the addon may be: next to a webpack bundle (dist/, copied there by the build) or in
 * node-gyp's output at the project root (tsc's out/src/core/native, or dist/ in a checkout).
 */
function candidates(): string[] {
  return [path.join(__dirname, ADDON), path.resolve(__dirname, '../../../../build/Release', ADDON), path.resolve(__dirname, '../build/Release', ADDON)];
}

/** The addon, or why there is none. */
interface Loaded {
  addon: (NativeIo & NativeBeneath) | undefined;
  why: string | undefined;
}

function load(): Loaded {
  if (process.platform !== 'linux') return { addon: undefined, why: `not available on ${process.platform}` };
  const file = candidates().find((candidate) => fs.existsSync(candidate));
  if (!file) return { addon: undefined, why: `${ADDON} was not built (npm install runs node-gyp; it needs a C compiler) or is not in this package` };
  try {
    // process.dlopen rather than require: bundlers leave it alone, and the path is computed.
    const module = { exports: {} as NativeIo & NativeBeneath };
    process.dlopen(module, file);
    return { addon: module.exports, why: undefined };
  } catch (err) {
    return { addon: undefined, why: `${file} does not load: ${(err as Error).message}` };
  }
}

let loaded: Loaded | undefined;
let reportUnavailable: ((why: string) => void) | undefined;

/** Loads the addon the first time anything asks for it (never in a process that moves no bytes). */
function loadOnce(): Loaded {
  if (!loaded) {
    loaded = load();
    if (loaded.why !== undefined) reportUnavailable?.(loaded.why);
  }
  return loaded;
}

/**
 * Tells `report` why the addon is missing or does not load, once: when it is first needed, or
 * now if that has happened. The editor writes it to the Ferry log.
 */
export function onNativeUnavailable(report: (why: string) => void): void {
  reportUnavailable = report;
  if (loaded?.why !== undefined) report(loaded.why);
}

const turnedOff = (): boolean => process.env.FERRY_NATIVE_IO === '0';

/**
 * The addon's data path, or undefined: then every transfer takes the JavaScript data path,
 * which behaves the same, only with more CPU per byte. FERRY_NATIVE_IO=0 turns it off.
 */
export declare const nativeIo: NativeIo | undefined;
/** Why the native data path is off (`ferry serve` prints it); undefined when it is on. */
export declare const nativeIoUnavailable: string | undefined;
/**
 * The addon's confined opens, whatever data path runs: FERRY_NATIVE_IO=0 chooses how bytes
 * move, never whether paths stay inside the root.
 */
export declare const nativeBeneath: NativeBeneath | undefined;
/** Why opens are not confined by the kernel (ferry_beneath.c); undefined when they are. */
export declare const nativeBeneathUnavailable: string | undefined;

// Getters on this CommonJS module's exports: a module that imports these values (the client's
// and the server's data paths) loads the addon only when it first reads one, and the importers
// stay plain value reads.
Object.defineProperties(exports, {
  nativeIo: { enumerable: true, get: () => (turnedOff() ? undefined : loadOnce().addon) },
  nativeIoUnavailable: { enumerable: true, get: () => (turnedOff() ? 'turned off by FERRY_NATIVE_IO=0' : loadOnce().why) },
  nativeBeneath: { enumerable: true, get: () => loadOnce().addon },
  nativeBeneathUnavailable: { enumerable: true, get: () => loadOnce().why },
});
