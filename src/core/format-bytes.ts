/**
 * The one byte formatter of the CLI, the editor and the FXP panel. IEC units (KiB = 1024 B) so a
 * size reads the same everywhere; "KB" meant 1000 in one place and 1024 in another before.
 * No Node or DOM imports: the webview bundle uses it too.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in IEC units, one decimal below 10: "512 B", "1.5 KiB", "120 MiB", "1.2 GiB". */
export function formatBytes(bytes: number): string {
  const n = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  const exponent = n >= 1024 ? Math.min(UNITS.length - 1, Math.floor(Math.log2(n) / 10)) : 0;
  const scaled = n / 1024 ** exponent;
  const digits = exponent > 0 && scaled < 10 ? 1 : 0;
  return `${scaled.toFixed(digits)} ${UNITS[exponent]}`;
}
