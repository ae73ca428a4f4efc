import { readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Every file below `root`, as sorted posix paths relative to it (what a transfer test compares). */
export function filesBelow(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
