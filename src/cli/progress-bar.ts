import { TransferProgress } from '../core/client';

function human(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

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
      stream.write(`\r${label} ${bar}${human(have)}${p.total ? ' / ' + human(p.total) : ''} ${human(p.rate)}/s\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}

export { human as humanBytes };
