import * as vscode from 'vscode';
import { NAME_ENCODINGS } from '../../core/client/name-encodings';
import { isPort, parsePortRange, SiteConfig } from './model/site-config';
import { looksLikeUrl, parseSiteUrl } from './model/site-url';
import { askChoice, askText, BACK, runSteps, StepAnswer, StepPosition } from './quick-steps';

/** A site being edited in the flow, with the password typed (undefined: keep the stored one). */
export interface SiteDraft {
  site: Omit<SiteConfig, 'id'>;
  password?: string;
}

/** Turns a step's answer into the flow's result, storing a value with `apply`. */
function settleStep<T>(answer: StepAnswer<T>, apply: (value: T) => void): boolean | typeof BACK | undefined {
  if (answer === undefined || answer === BACK) return answer as typeof BACK | undefined;
  apply(answer as T);
  return true;
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());

/** Why the host step's answer cannot be used: a bare host without spaces, or an FTP URL. */
function hostProblem(value: string): string | undefined {
  if (looksLikeUrl(value)) {
    const url = parseSiteUrl(value);
    return typeof url === 'string' ? vscode.l10n.t('This URL cannot be used: {0}', url) : undefined;
  }
  return /^\S+$/.test(value.trim()) ? undefined : vscode.l10n.t('Enter a host name without spaces');
}

/** Takes the host step's answer; an `ftp://user@host:port/path` URL fills the later steps' answers too. */
function fillFromHost(draft: SiteDraft, value: string): void {
  const url = looksLikeUrl(value) ? parseSiteUrl(value) : undefined;
  if (url === undefined || typeof url === 'string') {
    draft.site.host = value.trim();
    return;
  }
  const fallback = url.tls === 'implicit' ? 990 : 21;
  Object.assign(draft.site, { host: url.host, tls: url.tls, port: url.port === fallback ? undefined : url.port });
  if (url.user) draft.site.user = url.user;
  if (url.remotePath) draft.site.remotePath = url.remotePath;
  if (url.password) draft.password = url.password;
}

/**
 * The guided flow for adding or editing a site: host, port, user, password, TLS mode and
 * certificate, data mode with the active-mode address and port range, remote folder,
 * encoding, connections, name. Resolves the draft, or undefined when cancelled.
 */
export async function siteFlow(title: string, initial?: SiteDraft): Promise<SiteDraft | undefined> {
  const site: Omit<SiteConfig, 'id'> = initial ? { ...initial.site } : { name: '', host: '', tls: 'explicit', dataMode: 'auto' };
  const draft: SiteDraft = { site, password: initial?.password };
  const at = (p: Omit<StepPosition, 'title'>): StepPosition => ({ title, ...p });
  const t = vscode.l10n.t;
  const done = await runSteps([
    async (p) =>
      settleStep(
        await askText(at(p), {
          prompt: t('Host name or IP address of the FTP server, or an ftp:// URL'),
          value: site.host,
          placeholder: 'ftp.example.com',
          validate: (v) => hostProblem(v),
        }),
        (v) => fillFromHost(draft, v),
      ),
    async (p) => {
      const answer = await askChoice(at(p), {
        placeholder: t('Encryption (TLS)'),
        items: [
          { label: t('Explicit TLS (FTPES)'), description: t('recommended: AUTH TLS on the normal port'), value: 'explicit' as const },
          { label: t('Implicit TLS (FTPS)'), description: t('TLS from the first byte, usually port 990'), value: 'implicit' as const },
          { label: t('None (plain FTP)'), description: t('password and files travel unencrypted'), value: 'none' as const },
        ],
        active: site.tls,
      });
      return settleStep(answer, (v) => (site.tls = v));
    },
    async (p) => {
      const fallback = site.tls === 'implicit' ? '990' : '21';
      const answer = await askText(at(p), { prompt: t('Port'), value: site.port ? String(site.port) : fallback, validate: (v) => (isPort(v) ? undefined : t('Enter a port from 1 to 65535')) });
      return settleStep(answer, (v) => (site.port = Number(v) === Number(fallback) ? undefined : Number(v)));
    },
    async (p) => {
      if (site.tls === 'none') return false;
      const fingerprint = typeof site.certificate === 'object' ? site.certificate.fingerprint256 : '';
      const answer = await askText(at(p), {
        prompt: t('Server certificate: empty to verify it against the system\'s authorities, "insecure" to accept any, or its SHA-256 fingerprint to trust exactly that one'),
        value: site.certificate === 'insecure' ? 'insecure' : fingerprint,
        validate: (v) => (v.trim() === '' || v.trim() === 'insecure' || /^[0-9a-f:]{64,95}$/i.test(v.trim()) ? undefined : t('Enter nothing, "insecure", or a SHA-256 fingerprint')),
      });
      return settleStep(answer, (v) => (site.certificate = v.trim() === '' ? undefined : v.trim() === 'insecure' ? 'insecure' : { fingerprint256: v.trim() }));
    },
    async (p) => settleStep(await askText(at(p), { prompt: t('User name (empty for anonymous)'), value: site.user ?? '' }), (v) => (site.user = optional(v))),
    async (p) => {
      if (!site.user) return false;
      const answer = await askText(at(p), {
        prompt: t('Password, kept in VS Code\'s secret storage (empty: keep the current one, or ask when connecting)'),
        password: true,
      });
      return settleStep(answer, (v) => (draft.password = v === '' ? draft.password : v));
    },
    async (p) => {
      const answer = await askChoice(at(p), {
        placeholder: t('Data connections'),
        items: [
          { label: t('Automatic'), description: t('passive first, then active; remembers what worked'), value: 'auto' as const },
          { label: t('Passive'), description: t('EPSV/PASV: the client connects to the server'), value: 'passive' as const },
          { label: t('Active'), description: t('EPRT/PORT: the server connects back to the client'), value: 'active' as const },
        ],
        active: site.dataMode,
      });
      return settleStep(answer, (v) => (site.dataMode = v));
    },
    async (p) => {
      if (site.dataMode === 'passive') return false;
      const answer = await askText(at(p), { prompt: t('Active mode: address to advertise in PORT/EPRT (empty: the local address of the connection)'), value: site.activeAddress ?? '' });
      return settleStep(answer, (v) => (site.activeAddress = optional(v)));
    },
    async (p) => {
      if (site.dataMode === 'passive') return false;
      const answer = await askText(at(p), {
        prompt: t('Active mode: local port range such as 50000-50100 (empty: any port)'),
        value: site.activePortRange ?? '',
        validate: (v) => (v.trim() === '' || parsePortRange(v) ? undefined : t('Enter two ports like 50000-50100, or nothing')),
      });
      return settleStep(answer, (v) => (site.activePortRange = optional(v)));
    },
    async (p) => settleStep(await askText(at(p), { prompt: t('Initial remote folder (empty: the login folder)'), value: site.remotePath ?? '', placeholder: '/var/www' }), (v) => (site.remotePath = optional(v))),
    async (p) => {
      const answer = await askChoice(at(p), {
        placeholder: t('Encoding of file names'),
        items: NAME_ENCODINGS.map((e) => ({ label: e.label, description: e.name, value: e.name })),
        active: site.encoding ?? 'auto',
      });
      return settleStep(answer, (v) => (site.encoding = v === 'auto' ? undefined : v));
    },
    async (p) => {
      const answer = await askText(at(p), {
        prompt: t('Simultaneous connections to this server (transfers and listings in parallel)'),
        value: String(site.maxConnections ?? 2),
        validate: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 16 ? undefined : t('Enter a number from 1 to 16')),
      });
      return settleStep(answer, (v) => (site.maxConnections = Number(v) === 2 ? undefined : Number(v)));
    },
    async (p) => settleStep(await askText(at(p), { prompt: t('Name shown in the Sites view'), value: site.name || site.host }), (v) => (site.name = v.trim() || site.host)),
  ]);
  return done ? draft : undefined;
}
