import type { JobVerb, PanelRequest, PanelState, WebviewMessage } from './queue-protocol';

/**
 * Checks what the FXP Queue webview posts. The page is our own script, but a webview is a
 * browser context: anything it sends is checked for shape before the queue acts on it.
 */

const VERBS: ReadonlySet<string> = new Set<JobVerb>(['pause', 'resume', 'cancel', 'retry', 'remove', 'moveUp', 'moveDown', 'reveal']);
/** More ids than any queue holds is junk, not a request. */
const MAX_IDS = 100_000;
/** The highest concurrency the toolbar accepts (overall and per site). */
export const MAX_LIMIT = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LIMIT;
}

/** The restored panel state, or undefined when there is none or it is malformed (the panel then starts fresh). */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value) || !Array.isArray(value.expanded) || typeof value.scrollTop !== 'number' || !Number.isFinite(value.scrollTop)) return undefined;
  const expanded = value.expanded.filter((id): id is string => typeof id === 'string');
  return { expanded, scrollTop: Math.max(0, value.scrollTop) };
}

/** A well-formed panel request, or undefined. */
export function parsePanelRequest(value: unknown): PanelRequest | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.action) {
    case 'pauseAll':
    case 'resumeAll':
    case 'clearFinished':
      return { action: value.action };
    case 'setLimits': {
      const limits = value.limits;
      if (!isRecord(limits) || !isLimit(limits.concurrency) || !isLimit(limits.perSite)) return undefined;
      return { action: 'setLimits', limits: { concurrency: limits.concurrency, perSite: limits.perSite } };
    }
    case 'job': {
      const { verb, ids } = value;
      if (typeof verb !== 'string' || !VERBS.has(verb) || !Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS) return undefined;
      if (!ids.every((id) => typeof id === 'string')) return undefined;
      return { action: 'job', verb: verb as JobVerb, ids: ids as string[] };
    }
    default:
      return undefined;
  }
}

/**
 * A webview message in the protocol's shape, or a short reason why it is not (with the request's
 * id when it has one, so that even a malformed request gets its one reply).
 */
export function parseWebviewMessage(raw: unknown): { message: WebviewMessage } | { junk: string; requestId?: number } {
  if (!isRecord(raw)) return { junk: 'not an object' };
  if (raw.type === 'ready') return { message: { type: 'ready', state: parsePanelState(raw.state) } };
  if (raw.type !== 'request') return { junk: `unknown type ${JSON.stringify(raw.type)?.slice(0, 40)}` };
  if (typeof raw.requestId !== 'number' || !Number.isSafeInteger(raw.requestId)) return { junk: 'request without a numeric requestId' };
  const request = parsePanelRequest(raw.request);
  if (!request) return { junk: `malformed request ${raw.requestId}`, requestId: raw.requestId };
  return { message: { type: 'request', requestId: raw.requestId, request } };
}
