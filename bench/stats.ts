/** Small statistics and output helpers for the benchmark. */

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toFixed(digits);
}

/** Every result line goes to stdout as `metric value unit`; progress goes to stderr. */
export function emit(metric: string, value: number, unit: string, digits = 2): void {
  console.log(`${metric} ${fmt(value, digits)} ${unit}`);
}

export function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** One row of a part's target table; rows wanted "(info)" carry a number and no verdict. */
export interface TargetRow {
  label: string;
  wanted: string;
  value: number;
  ok?: boolean;
  unit: string;
}

/** Prints a part's table of targets, then `<metric> N of M` (targets met). */
export function printTargets(title: string, metric: string, rows: TargetRow[]): void {
  console.log(`\n# ${title}${process.env.BENCH_QUICK === '1' ? ' (BENCH_QUICK: indicative only)' : ''}`);
  const real = rows.filter((t) => t.wanted !== '(info)');
  for (const t of rows) {
    const verdict = t.wanted === '(info)' ? '' : t.ok ? 'MET' : 'NOT MET';
    console.log(`#   ${t.label.padEnd(52)}${t.wanted.padEnd(12)}${`${fmt(t.value, t.unit === 'B' ? 0 : 2)} ${t.unit}`.padStart(12)}  ${verdict}`);
  }
  if (real.length > 0) emit(metric, real.filter((t) => t.ok).length, `of ${real.length}`, 0);
}
