import * as vscode from 'vscode';
import { NAME_ENCODINGS } from '../../core/client/name-encodings';
import { isPort, parsePortRange } from './model/site-config';
import { fillFromHost, FlowMode, formatTimeOffset, parseTimeOffset, SiteDraft, StepId } from './model/site-steps';
import { looksLikeUrl, parseSiteUrl } from './model/site-url';
import { askChoice, askText, BACK, StepAnswer, StepPosition } from './quick-steps';

/** What a page of the site flow ended with: go on, go back, cancel (Escape), save, or open the advanced pages. */
export type PageResult = 'next' | typeof BACK | undefined | 'save' | 'advanced';

/** What a page sees: the draft it fills, where it is, and how the flow was opened. */
export interface PageContext {
  draft: SiteDraft;
  position: StepPosition;
  mode: FlowMode;
  /** The saved site's password, when editing (the test uses it unless a new one was typed). */
  storedPassword(): Promise<string | undefined>;
}

export type Page = (ctx: PageContext) => Promise<PageResult>;

/** Turns a step's answer into a page result, storing a value with `apply`. */
function settleStep<T>(answer: StepAnswer<T>, apply: (value: T) => void): PageResult {
  if (answer === undefined || answer === BACK) return answer as typeof BACK | undefined;
  apply(answer as T);
  return 'next';
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());
const t = vscode.l10n.t;

/** Why the host page's answer cannot be used: a bare host without spaces, or an FTP URL. */
function hostProblem(value: string): string | undefined {
  if (looksLikeUrl(value)) {
    const url = parseSiteUrl(value);
    return typeof url === 'string' ? t('This URL cannot be used: {0}', url) : undefined;
  }
  return /^\S+$/.test(value.trim()) ? undefined : t('Enter a host name without spaces');
}

const host: Page = async ({ draft, position }) =>
  settleStep(
    await askText(position, {
      prompt: t('Host name or IP address of the FTP server, or a URL such as ftp://user@host:port/folder (ftpes://, ftps://)'),
      value: draft.site.host,
      placeholder: 'ftp.example.com',
      validate: hostProblem,
    }),
    (v) => fillFromHost(draft, v),
  );

const user: Page = async ({ draft, position }) =>
  settleStep(await askText(position, { prompt: t('User name (empty: anonymous login)'), value: draft.site.user ?? '' }), (v) => {
    draft.site.user = v.trim();
    if (!draft.site.user) draft.password = undefined;
  });

const password: Page = async ({ draft, position, mode }) =>
  settleStep(
    await askText(position, {
      prompt:
        mode.kind === 'edit'
          ? t('Password (empty: keep the stored one). Kept in VS Code\'s secret storage once it has logged in.')
          : t('Password (empty: ask when connecting). Kept in VS Code\'s secret storage once it has logged in.'),
      value: draft.password ?? '',
      password: true,
    }),
    (v) => (draft.password = v === '' ? undefined : v),
  );

const tls: Page = async ({ draft, position }) => {
  const answer = await askChoice(position, {
    placeholder: t('Encryption (TLS)'),
    items: [
      { label: t('Explicit TLS (FTPES)'), description: t('recommended: AUTH TLS on the normal port'), value: 'explicit' as const },
      { label: t('Implicit TLS (FTPS)'), description: t('TLS from the first byte, usually port 990'), value: 'implicit' as const },
      {
        label: t('None (plain FTP)'),
        description: `$(warning) ${t('not encrypted')}`,
        detail: t('The password and the files travel in clear text: anyone on the network path can read them.'),
        value: 'none' as const,
      },
    ],
    active: draft.site.tls,
  });
  return settleStep(answer, (v) => {
    draft.site.tls = v;
    if (v === 'none') draft.site.certificate = undefined;
  });
};

const port: Page = async ({ draft, position }) => {
  const fallback = draft.site.tls === 'implicit' ? '990' : '21';
  const answer = await askText(position, {
    prompt: t('Port'),
    value: draft.site.port ? String(draft.site.port) : fallback,
    validate: (v) => (isPort(v) ? undefined : t('Enter a port from 1 to 65535')),
  });
  return settleStep(answer, (v) => (draft.site.port = Number(v) === Number(fallback) ? undefined : Number(v)));
};

const dataMode: Page = async ({ draft, position }) => {
  const answer = await askChoice(position, {
    placeholder: t('Data connections'),
    items: [
      { label: t('Automatic'), description: t('passive first, then active; remembers what worked'), value: 'auto' as const },
      { label: t('Passive'), description: t('EPSV/PASV: the client connects to the server'), value: 'passive' as const },
      { label: t('Active'), description: t('EPRT/PORT: the server connects back to the client'), value: 'active' as const },
    ],
    active: draft.site.dataMode,
  });
  return settleStep(answer, (v) => (draft.site.dataMode = v));
};

const activeAddress: Page = async ({ draft, position }) =>
  settleStep(
    await askText(position, { prompt: t('Active mode: address to advertise in PORT/EPRT (empty: the local address of the connection)'), value: draft.site.activeAddress ?? '' }),
    (v) => (draft.site.activeAddress = optional(v)),
  );

const activePortRange: Page = async ({ draft, position }) =>
  settleStep(
    await askText(position, {
      prompt: t('Active mode: local port range such as 50000-50100 (empty: any port)'),
      value: draft.site.activePortRange ?? '',
      validate: (v) => (v.trim() === '' || parsePortRange(v) ? undefined : t('Enter two ports like 50000-50100, or nothing')),
    }),
    (v) => (draft.site.activePortRange = optional(v)),
  );

const encoding: Page = async ({ draft, position }) => {
  const answer = await askChoice(position, {
    placeholder: t('Encoding of file names'),
    items: NAME_ENCODINGS.map((e) => ({ label: e.label, description: e.name, value: e.name })),
    active: draft.site.encoding ?? 'auto',
  });
  return settleStep(answer, (v) => (draft.site.encoding = v === 'auto' ? undefined : v));
};

const remotePath: Page = async ({ draft, position }) =>
  settleStep(
    await askText(position, { prompt: t('Initial remote folder (empty: the login folder)'), value: draft.site.remotePath ?? '', placeholder: '/var/www' }),
    (v) => (draft.site.remotePath = optional(v)),
  );

const timeOffset: Page = async ({ draft, position }) => {
  const answer = await askText(position, {
    prompt: t('Time zone of LIST dates, in hours ahead of UTC such as +8 or -5:30 (empty: detect it on each connection)'),
    value: draft.site.listTimeOffsetMinutes === undefined ? '' : formatTimeOffset(draft.site.listTimeOffsetMinutes),
    validate: (v) => (typeof parseTimeOffset(v) === 'string' ? t('Enter hours ahead of UTC from -14 to +14, like +8 or -5:30, or nothing') : undefined),
  });
  return settleStep(answer, (v) => (draft.site.listTimeOffsetMinutes = parseTimeOffset(v) as number | undefined));
};

const connections: Page = async ({ draft, position }) =>
  settleStep(
    await askText(position, {
      prompt: t('Simultaneous connections to this server (transfers and listings in parallel)'),
      value: String(draft.site.maxConnections ?? 2),
      validate: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 16 ? undefined : t('Enter a number from 1 to 16')),
    }),
    (v) => (draft.site.maxConnections = Number(v) === 2 ? undefined : Number(v)),
  );

const name: Page = async ({ draft, position }) =>
  settleStep(await askText(position, { prompt: t('Name shown in the Sites view'), value: draft.site.name || draft.site.host }), (v) => (draft.site.name = v.trim() || draft.site.host));

/** The question pages; `certificate`, `test` and `finish` talk to the server and live in their own modules. */
export const QUESTION_PAGES: Omit<Record<StepId, Page>, 'certificate' | 'test' | 'finish'> = {
  host,
  user,
  password,
  tls,
  port,
  dataMode,
  activeAddress,
  activePortRange,
  encoding,
  remotePath,
  timeOffset,
  connections,
  name,
};
