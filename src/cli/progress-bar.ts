import { TransferProgress } from '../core/client';
import { formatBytes } from '../core/format-bytes';


/** A one-line progress bar on stderr when it is a terminal; silent otherwise (scripts, CI). */
export function progressBar(label: string): { update(p: TransferProgress): void; done(): void } {
  const stream = process.stderr;
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(p) {
      const have = p.offset + p.bytes;
      const percent = p.total ? Math.floor((have / p.total) * 100) : undefined;
      const width = 24;
      const filled = percent === undefined ? 0 : Math.round((percent / 100) * width);
      const bar = percent === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% `;
      stream.write(`\r${label} ${bar}${formatBytes(have)}${p.total ? ' / ' + formatBytes(p.total) : ''} ${formatBytes(p.rate)}/s\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
