import * as vscode from 'vscode';
import { fetchServerCertificate, ServerCertificate } from '../../core/client/certificate-probe';
import { CertificatePolicy, toSiteSettings } from './model/site-config';
import type { SiteDraft } from './model/site-steps';
import type { Page } from './site-pages';
import { askChoice, BACK, Choice } from './quick-steps';

const t = vscode.l10n.t;

/** The certificate a site's server presents now, or why it could not be fetched. */
export async function serverCertificate(draft: SiteDraft, signal: AbortSignal): Promise<ServerCertificate | string> {
  try {
    return await fetchServerCertificate(toSiteSettings({ ...draft.site, id: '' }, undefined), signal);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The pick item that pins `fingerprint`. */
export function trustItem(cert: ServerCertificate): Choice<CertificatePolicy> {
  return {
    label: `$(pass) ${t("Trust this server's certificate")}`,
    description: t('issued to {0}, valid until {1}', cert.subject.replace(/\n/g, ', '), cert.validTo),
    detail: `SHA-256 ${cert.fingerprint256}`,
    value: { fingerprint256: cert.fingerprint256 },
  };
}

/** The three policies as pick items; `cert` (once fetched) fills in the fingerprint and the system's verdict. */
function certificateItems(current: CertificatePolicy | undefined, cert?: ServerCertificate | string): Choice<CertificatePolicy>[] {
  const system = cert === undefined ? t('fetching the server\'s certificate…') : typeof cert === 'string' ? t('could not fetch the server\'s certificate: {0}', cert) : cert.trustedBySystem ? t('they vouch for this server') : t('they do not vouch for this server: {0}', cert.systemError ?? '');
  const items: Choice<CertificatePolicy>[] = [{ label: t("Verify with the system's certificate authorities"), description: system, value: 'verify' }];
  if (typeof cert === 'object') items.push(trustItem(cert));
  const pinned = typeof current === 'object' ? current.fingerprint256 : undefined;
  if (pinned && (typeof cert !== 'object' || pinned.replace(/:/g, '').toUpperCase() !== cert.fingerprint256.replace(/:/g, ''))) {
    items.push({ label: t('Keep trusting the certificate pinned before'), detail: `SHA-256 ${pinned}`, value: current as CertificatePolicy });
  }
  items.push({ label: `$(warning) ${t("Don't verify (not recommended)")}`, description: t('any certificate is accepted: a man in the middle could read the password'), value: 'insecure' });
  return items;
}

/**
 * The certificate page (TLS sites): verify with the system's CAs, trust the certificate the
 * server shows now (its SHA-256 fetched without logging in), or don't verify.
 */
export const certificatePage: Page = async ({ draft, position }) => {
  const current = draft.site.certificate;
  const answer = await askChoice(position, {
    placeholder: t('Server certificate'),
    items: certificateItems(current),
    active: current ?? 'verify',
    load: async (signal) => certificateItems(current, await serverCertificate(draft, signal)),
  });
  if (answer === undefined || answer === BACK) return answer as typeof BACK | undefined;
  draft.site.certificate = answer === 'verify' ? undefined : answer;
  return 'next';
};
