import { formatBytes } from '../../core/format-bytes';
import type { SessionInfo, TransferInfo } from '../../core/server';


/** Average rate of a transfer since it started, e.g. "1.2 MiB/s". */
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
