/** Test files of the benchmark parts. */
import { createHash, randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';

/** Writes `size` random bytes (mode 0644, readable by vsftpd's anonymous user); returns the sha256. */
export function makeRandomFile(file: string, size: number): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w', 0o644);
  const chunk = Buffer.allocUnsafe(Math.min(size, 16 << 20));
  for (let done = 0; done < size; ) {
    const n = Math.min(chunk.length, size - done);
    randomFillSync(chunk, 0, n);
    fs.writeSync(fd, chunk, 0, n);
    hash.update(chunk.subarray(0, n));
    done += n;
  }
  fs.closeSync(fd);
  fs.chmodSync(file, 0o644);
  return hash.digest('hex');
}
