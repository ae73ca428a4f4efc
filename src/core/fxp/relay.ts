import { PassThrough } from 'node:stream';
import type { FtpClient } from '../client';

/**
 * Copies through this machine when the servers refuse to talk to each other: a streaming
 * download piped into an upload, both from `offset` (REST on both sides). Memory stays
 * bounded by the pipe's buffer. Resolves with the payload bytes that passed through.
 */
export async function relayCopy(source: FtpClient, target: FtpClient, srcPath: string, dstPath: string, offset: number, options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<number> {
  const pipe = new PassThrough({ highWaterMark: 4 << 20 });
  let bytes = 0;
  pipe.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    options.onProgress?.(offset + bytes);
  });
  pipe.pause();
  const down = source.download(srcPath, pipe, { offset, signal: options.signal });
  const up = target.upload(pipe, dstPath, { offset, signal: options.signal });
  // If either side fails, the other must not wait forever on the pipe. The failure itself
  // reaches the caller through down/up; the pipe's own 'error' would otherwise be uncaught.
  pipe.on('error', () => undefined);
  down.catch((err) => pipe.destroy(err));
  up.catch((err) => pipe.destroy(err));
  await Promise.all([down, up]);
  return bytes;
}
