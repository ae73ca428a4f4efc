import * as vscode from 'vscode';
import { certificatePage } from './certificate-page';
import { editablePages, FlowMode, formatTimeOffset, nextStep, planSteps, previousStep, SiteDraft, StepId, stepPosition } from './model/site-steps';
import { BACK, Choice } from './quick-steps';
import { Page, QUESTION_PAGES } from './site-pages';
import { testPage } from './test-page';

const PAGES: Record<StepId, Page> = { ...QUESTION_PAGES, certificate: certificatePage, test: testPage(true), finish: testPage(false) };

/**
 * The guided flow for adding or editing a site. Adding: host (or an ftp:// URL that fills the
 * rest), user, password, then a test connection offering Save, Advanced… (TLS, port,
 * certificate, transfer mode, encoding, folder, time zone, connections, name, each only when
 * it applies) or Back. Editing: the page `mode.page` and those that depend on it, then the
 * test. The step counter follows the plan (model/site-steps.ts), so it only moves by one.
 * Resolves the draft to save, or undefined when the user pressed Escape (nothing is saved).
 */
export async function siteFlow(title: string, draft: SiteDraft, mode: FlowMode, storedPassword: () => Promise<string | undefined> = async () => undefined): Promise<SiteDraft | undefined> {
  let step: StepId | undefined = planSteps(draft.site, mode)[0];
  while (step) {
    const plan = planSteps(draft.site, mode);
    const position = { title, ...stepPosition(plan, step), back: previousStep(plan, step) !== undefined };
    const result = await PAGES[step]({ draft, position, mode, storedPassword });
    if (result === undefined) return undefined;
    if (result === 'save') return draft;
    if (result === 'advanced') mode = { kind: 'add', advanced: true };
    // Pages after this one may come or go with its answer; those before it never change.
    const next = planSteps(draft.site, mode);
    step = result === BACK ? (previousStep(next, step) ?? step) : nextStep(next, step);
  }
  return draft;
}

/** Edit Site's first question: which page to open, each with its current answer. */
export async function pickEditPage(title: string, draft: SiteDraft): Promise<StepId | undefined> {
  const t = vscode.l10n.t;
  const site = draft.site;
  const labels: Partial<Record<StepId, [string, string]>> = {
    host: [t('Host, user and password'), `${site.user || t('anonymous')}@${site.host}`],
    tls: [t('Encryption (TLS)'), site.tls],
    port: [t('Port'), String(site.port ?? (site.tls === 'implicit' ? 990 : 21))],
    certificate: [t('Server certificate'), typeof site.certificate === 'object' ? `SHA-256 ${site.certificate.fingerprint256.slice(0, 23)}…` : (site.certificate ?? 'verify')],
    dataMode: [t('Data connections'), [site.dataMode, site.activeAddress, site.activePortRange].filter(Boolean).join(' ')],
    encoding: [t('Encoding of file names'), site.encoding ?? 'auto'],
    remotePath: [t('Initial remote folder'), site.remotePath ?? t('the login folder')],
    timeOffset: [t('Time zone of LIST dates'), site.listTimeOffsetMinutes === undefined ? t('detected on each connection') : `UTC${formatTimeOffset(site.listTimeOffsetMinutes)}`],
    connections: [t('Simultaneous connections'), String(site.maxConnections ?? 2)],
    name: [t('Name shown in the Sites view'), site.name],
  };
  const items: Choice<StepId>[] = editablePages(site).map((page) => ({ label: labels[page]?.[0] ?? page, description: labels[page]?.[1], value: page }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: t('What to change'), ignoreFocusOut: true });
  return picked?.value;
}
