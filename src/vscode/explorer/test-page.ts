import * as vscode from 'vscode';
import { serverCertificate, trustItem } from './certificate-page';
import { testWithProgress } from './connection-test';
import { CertificatePolicy, toSiteSettings } from './model/site-config';
import type { TestOutcome } from './model/site-test';
import { BACK, Choice, place, settle } from './quick-steps';
import type { Page, PageContext, PageResult } from './site-pages';

const t = vscode.l10n.t;

/** What an item of the test page does; `info` items are findings, shown but not actions. */
type Action = 'save' | 'advanced' | 'back' | 'retest' | 'plain' | 'info' | CertificatePolicy;

/** The line the page shows above its items: how the test ended. */
function summary(outcome: TestOutcome, name: string): string {
  switch (outcome.kind) {
    case 'ok':
      return t('Connected to {0}: save the site?', name);
    case 'cancelled':
      return t('The connection test was cancelled.');
    case 'tls-refused':
      return t('{0} does not offer TLS.', name);
    case 'certificate':
      return t('The server\'s certificate is not trusted.');
    case 'login':
      return t('The server refused the login.');
    default:
      return t('Could not connect to {0}.', name);
  }
}

/** The finding lines of a passed test, or the failure's message. */
function findings(outcome: TestOutcome): Choice<Action>[] {
  const lines = outcome.kind === 'ok' ? outcome.lines.map((line) => `$(pass) ${line}`) : outcome.kind === 'cancelled' ? [] : [`$(error) ${outcome.message}`];
  return [{ label: t('Connection test'), kind: vscode.QuickPickItemKind.Separator, value: 'info' as const }, ...lines.map((label) => ({ label, value: 'info' as const }))];
}

/** The moves after a test: the fix the outcome suggests first, then Save, Advanced… (first test page only), Back. */
async function actions(outcome: TestOutcome, ctx: PageContext, advanced: boolean, signal: AbortSignal): Promise<Choice<Action>[]> {
  const fixes: Choice<Action>[] = [];
  if (outcome.kind === 'tls-refused') {
    fixes.push({ label: `$(unlock) ${t('Use plain FTP and test again')}`, detail: t('The password and the files travel in clear text: anyone on the network path can read them.'), value: 'plain' });
  } else if (outcome.kind === 'certificate') {
    const cert = await serverCertificate(ctx.draft, signal);
    if (typeof cert === 'object') fixes.push({ ...trustItem(cert), label: `${trustItem(cert).label} ${t('and test again')}` });
  } else if (outcome.kind !== 'ok') fixes.push({ label: `$(refresh) ${t('Test again')}`, value: 'retest' });
  const save: Choice<Action> = { label: `$(save) ${outcome.kind === 'ok' ? t('Save') : t('Save anyway')}`, value: 'save' };
  const more: Choice<Action>[] = advanced ? [{ label: `$(settings-gear) ${t('Advanced…')}`, description: t('TLS, port, certificate, transfer mode, encoding, folder, time zone, name'), value: 'advanced' }] : [];
  const back: Choice<Action> = { label: `$(arrow-left) ${t('Back')}`, value: 'back' };
  return outcome.kind === 'ok' ? [save, ...more, back] : [...fixes, back, ...more, save];
}

/** Tests the draft (its typed password, else the stored one) and shows the outcome and the moves on `pick`. */
async function runOn(pick: vscode.QuickPick<Choice<Action>>, ctx: PageContext, advanced: boolean, signal: AbortSignal): Promise<void> {
  const { draft } = ctx;
  const name = draft.site.name || draft.site.host;
  pick.busy = true;
  pick.items = [];
  pick.placeholder = t('Testing the connection to {0}…', name);
  const password = draft.password ?? (await ctx.storedPassword());
  const outcome = await testWithProgress(name, toSiteSettings({ ...draft.site, id: '' }, password), signal);
  draft.loggedIn = outcome.kind === 'ok';
  const items = await actions(outcome, ctx, advanced, signal);
  if (signal.aborted) return;
  pick.placeholder = summary(outcome, name);
  pick.items = [...items, ...findings(outcome)];
  pick.busy = false;
}

/**
 * The test page: runs a test connection (cancellable from its notification; leaving the page
 * cancels it too) and shows what it found, with Save, Advanced… (`test` only), Back, and the
 * fix for a refused TLS (plain FTP, after the clear-text warning) or an untrusted certificate
 * (trust the one the server shows).
 */
export function testPage(advanced: boolean): Page {
  return (ctx) => {
    const pick = vscode.window.createQuickPick<Choice<Action>>();
    place(pick, ctx.position);
    return settle<PageResult>(pick, (done, closed) => {
      const run = () => void runOn(pick, ctx, advanced, closed);
      pick.onDidTriggerButton(() => done(BACK));
      pick.onDidAccept(() => {
        const action = pick.selectedItems[0]?.value;
        if (action === undefined || action === 'info' || pick.busy) return;
        if (action === 'save' || action === 'advanced') return done(action);
        if (action === 'back') return done(BACK);
        if (action === 'plain') Object.assign(ctx.draft.site, { tls: 'none', certificate: undefined });
        else if (typeof action === 'object') ctx.draft.site.certificate = action;
        run();
      });
      run();
    });
  };
}
