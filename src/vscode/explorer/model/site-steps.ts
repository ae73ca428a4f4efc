import type { SiteConfig } from './site-config';
import { looksLikeUrl, parseSiteUrl } from './site-url';

/**
 * The pages of the Add/Edit Site flow. `test` runs a test connection after the first three and
 * offers Save / Advanced… / Back; `finish` runs it again at the end of the advanced pages (or of
 * an edited page) and offers Save / Back.
 */
export type StepId =
  | 'host'
  | 'user'
  | 'password'
  | 'test'
  | 'tls'
  | 'certificate'
  | 'port'
  | 'dataMode'
  | 'activeAddress'
  | 'activePortRange'
  | 'encoding'
  | 'remotePath'
  | 'timeOffset'
  | 'connections'
  | 'name'
  | 'finish';

/** A site being added or edited: the saved fields, and the password typed (undefined: keep the stored one). */
export interface SiteDraft {
  site: Omit<SiteConfig, 'id'>;
  password?: string;
  /** The last test connection logged in with these answers: the typed password may be stored. */
  loggedIn?: boolean;
}

/** Adding (advanced once the user chose Advanced…), or editing the pages from `page` on. */
export type FlowMode = { kind: 'add'; advanced: boolean } | { kind: 'edit'; page: StepId };

// The certificate page comes after the port: it fetches the certificate from the server at that port.
const ADVANCED: readonly StepId[] = ['tls', 'port', 'certificate', 'dataMode', 'activeAddress', 'activePortRange', 'encoding', 'remotePath', 'timeOffset', 'connections', 'name'];

/**
 * The pages an edit of `page` shows before `finish`: the page and those whose answers only make
 * sense with it (the TLS mode's default port and certificate; active mode's address and ports).
 */
const EDIT_GROUPS: Partial<Record<StepId, readonly StepId[]>> = {
  host: ['host', 'user', 'password'],
  tls: ['tls', 'port', 'certificate'],
  dataMode: ['dataMode', 'activeAddress', 'activePortRange'],
};

/** True when `step` has a question to ask for this site (certificate only with TLS, active-mode details only in active mode, …). */
function applies(step: StepId, site: SiteDraft['site']): boolean {
  switch (step) {
    case 'password':
      // `user` is undefined until the user page is answered ('' for anonymous): a new site counts the password page.
      return site.user !== '';
    case 'certificate':
      return site.tls !== 'none';
    case 'activeAddress':
    case 'activePortRange':
      return site.dataMode === 'active';
    default:
      return true;
  }
}

/**
 * The pages to show, in order, for this site as answered so far. Which pages apply depends only
 * on earlier pages' answers, so answering a page never changes the pages before it: the step
 * counter only moves forward by one.
 */
export function planSteps(site: SiteDraft['site'], mode: FlowMode): StepId[] {
  const all: StepId[] =
    mode.kind === 'edit'
      ? [...(EDIT_GROUPS[mode.page] ?? [mode.page]), 'finish']
      : ['host', 'user', 'password', 'test', ...(mode.advanced ? [...ADVANCED, 'finish' as const] : [])];
  return all.filter((step) => applies(step, site));
}

/** The pages Edit Site offers to open, in the flow's order. */
export function editablePages(site: SiteDraft['site']): StepId[] {
  const pages: StepId[] = ['host', ...ADVANCED];
  return pages.filter((step) => applies(step, site) && step !== 'activeAddress' && step !== 'activePortRange');
}

/** Position of `step` in the plan for the step counter: `step` of `total`, both from 1. */
export function stepPosition(plan: readonly StepId[], step: StepId): { step: number; total: number } {
  return { step: plan.indexOf(step) + 1, total: plan.length };
}

/** The page after `step` in the plan (recomputed by the caller after the answer), or undefined at the end. */
export function nextStep(plan: readonly StepId[], step: StepId): StepId | undefined {
  const at = plan.indexOf(step);
  return at >= 0 ? plan[at + 1] : undefined;
}

/** The page before `step`, or undefined on the first page (Back there leaves the flow unchanged). */
export function previousStep(plan: readonly StepId[], step: StepId): StepId | undefined {
  const at = plan.indexOf(step);
  return at > 0 ? plan[at - 1] : undefined;
}

/** The name a new site gets unless the user gives one: its host (the Sites view shows it). */
export function defaultName(site: SiteDraft['site']): string {
  return site.host;
}

/**
 * Takes the host page's answer into the draft: a host, `host:port`, or an `ftp://user:password@host:port/path` URL
 * (also ftpes://, ftps://) fills the TLS mode, port, user, password and remote folder as well,
 * so the later pages open with those answers. Returns an error for a URL that cannot be used.
 */
export function fillFromHost(draft: SiteDraft, value: string): string | undefined {
  const wasDefaultName = !draft.site.name || draft.site.name === defaultName(draft.site);
  const url = looksLikeUrl(value) ? parseSiteUrl(value) : undefined;
  if (typeof url === 'string') return url;
  const hostPort = /^([^\s:/[\]]+):(\d{1,5})$/.exec(value.trim());
  if (url === undefined && hostPort) Object.assign(draft.site, { host: hostPort[1], port: Number(hostPort[2]) });
  else if (url === undefined) draft.site.host = value.trim();
  else {
    const fallback = url.tls === 'implicit' ? 990 : 21;
    Object.assign(draft.site, { host: url.host, tls: url.tls, port: url.port === undefined || url.port === fallback ? undefined : url.port });
    if (url.tls === 'none') draft.site.certificate = undefined;
    if (url.user) draft.site.user = url.user;
    if (url.remotePath) draft.site.remotePath = url.remotePath;
    if (url.password) draft.password = url.password;
  }
  if (wasDefaultName) draft.site.name = defaultName(draft.site);
  return undefined;
}

/**
 * Reads the time-offset page: empty for "detect per connection", else the server's LIST zone as
 * hours ahead of UTC ("+8", "-5:30", "5.5"). Minutes, or a string saying what is wrong.
 */
export function parseTimeOffset(text: string): number | undefined | string {
  const value = text.trim();
  if (value === '') return undefined;
  const match = /^([+-]?)(\d{1,2})(?:(?::(\d{2}))|(?:\.(\d+)))?$/.exec(value);
  if (!match) return 'hours ahead of UTC, like +8, -5:30 or 0';
  const minutes = Number(match[2]) * 60 + (match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? Math.round(Number(`0.${match[4]}`) * 60) : 0);
  if ((match[3] !== undefined && Number(match[3]) >= 60) || minutes > 14 * 60) return 'from -14:00 to +14:00';
  return match[1] === '-' ? -minutes : minutes;
}

/** Minutes ahead of UTC as the time-offset page shows them: "+8", "-5:30", "0". */
export function formatTimeOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : minutes > 0 ? '+' : '';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}
