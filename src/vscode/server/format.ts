import type { SessionInfo, TransferInfo } from '../../core/server';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, one decimal below 10). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** Average rate of a transfer since it started, e.g. "1.2 MB/s". */
export function formatRate(bytes: number, startedAt: Date, now = Date.now()): string {
  const seconds = Math.max((now - startedAt.getTime()) / 1000, 0.001);
  return `${formatBytes(bytes / seconds)}/s`;
}

/** One transfer log line: who, what, how much, how fast, and the error when it failed. */
export function describeTransferEnd(t: TransferInfo, now = Date.now()): string {
  const outcome = t.ok ? 'ok' : `failed${t.error ? `: ${t.error}` : ''}`;
  return `${t.user} ${t.command} ${t.path} ${formatBytes(t.bytes)} at ${formatRate(t.bytes, t.startedAt, now)} ${outcome}`;
}

/** What a session is doing: its running transfer with bytes and rate, else its last command. */
export function describeActivity(session: SessionInfo, now = Date.now()): string {
  const t = session.transfer;
  if (!t) return session.lastCommand ?? '';
  return `${t.command} ${t.path} · ${formatBytes(t.bytes)} at ${formatRate(t.bytes, t.startedAt, now)}`;
}
