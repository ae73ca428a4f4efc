import * as fs from 'node:fs';
import { nativeBeneath, nativeBeneathUnavailable } from '../native/native-io';

/**
 * Opens that cannot leave a directory, on Linux: openat2(RESOLVE_BENEATH) relative to a held
 * descriptor of the root (native/ferry_beneath.c). Node has no *at calls, so what follows an
 * open names its result /proc/self/fd/<fd>[/<name>]: the kernel resolves that from the held
 * descriptor, exactly as mkdirat(fd, name) or fchmodat(fd, …) would, and Node's fs calls run
 * it in the thread pool as usual. Nothing between the check and the use goes by path again.
 */

/** open(2)'s O_PATH (Linux): a descriptor naming a file without opening its contents. */
export const O_PATH = process.platform === 'linux' ? 0o10000000 : undefined;

/** The name fs calls take for the file held by `fd`, or for `name` inside the directory `fd` holds. */
export function heldName(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

/** openat2(dirFd, file, RESOLVE_BENEATH): on the event loop when cached, else in the thread pool. Errors carry the errno `code`. */
export function openBeneath(dirFd: number, file: string | Buffer, flags: number, mode = 0): Promise<number> {
  const cached = flags & fs.constants.O_CREAT ? -1 : nativeBeneath!.openBeneathCached(dirFd, file, flags);
  if (cached >= 0) return Promise.resolve(cached);
  return new Promise((resolve, reject) =>
    nativeBeneath!.openBeneath(dirFd, file, flags, mode, (code, fd) =>
      code ? reject(Object.assign(new Error(`openat2 ${file}: ${code}`), { code })) : resolve(fd),
    ),
  );
}

let checked: Promise<string | undefined> | undefined;

/**
 * Why paths are not confined by the kernel here (no addon, not Linux, a kernel before 5.6
 * without openat2, no /proc, FERRY_CONFINE=0), or undefined when they are. Checked once per process.
 */
export function confinementUnavailable(): Promise<string | undefined> {
  // The tests' switch to show what the unconfined way lets through; nothing a user should set.
  if (process.env.FERRY_CONFINE === '0') return Promise.resolve('turned off by FERRY_CONFINE=0');
  checked ??= (async () => {
    if (!nativeBeneath) return nativeBeneathUnavailable;
    let root: number | undefined;
    try {
      root = fs.openSync('/', O_PATH! | fs.constants.O_DIRECTORY);
      fs.closeSync(await openBeneath(root, '.', O_PATH!));
      fs.statSync(heldName(root));
      return undefined;
    } catch (err) {
      return `openat2 or /proc/self/fd is not available (${(err as NodeJS.ErrnoException).code ?? err})`;
    } finally {
      if (root !== undefined) fs.closeSync(root);
    }
  })();
  return checked;
}
