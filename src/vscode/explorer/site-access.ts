import * as vscode from 'vscode';
import type { RemoteReplyError, SiteSettings } from '../../core/client';
import type { FailureKind } from './model/connect-failure';
import type { Logger } from './model/log';
import type { SiteAccess } from './model/site-clients';
import { askPassword } from './password-prompt';
import { SiteStore } from './site-store';

/**
 * The editor's side of connecting to a saved site: settings with the password from
 * SecretStorage (or asked for), the password asked again after a refused login and kept only
 * once it worked, and the offer of plain FTP when the server has no TLS.
 */
export class SiteAccessUi implements SiteAccess {
  constructor(
    private readonly store: SiteStore,
    private readonly log: Logger,
    private readonly protocolLog: (siteId: string, line: string) => void,
  ) {}

  settings(siteId: string): Promise<SiteSettings> {
    return this.store.connectionSettings(siteId, (line) => this.protocolLog(siteId, line));
  }

  async loginRefused(siteId: string, err: RemoteReplyError, tried: SiteSettings): Promise<SiteSettings | undefined> {
    const site = this.store.get(siteId);
    this.log.warn(`${siteId}: login refused: ${err.code} ${err.text}`);
    this.store.forgetTypedPassword(siteId);
    if (!site) return undefined;
    // Without a user name there is no password to type: the site itself needs changing.
    if (!site.user) {
      void this.offerEdit(siteId, vscode.l10n.t('The server refused the anonymous login to {0}: {1}', site.name, `${err.code} ${err.text}`));
      return undefined;
    }
    const answer = await askPassword(site, `${err.code} ${err.text}`);
    if (answer === 'edit') void vscode.commands.executeCommand('ferry.editSite', siteId);
    return typeof answer === 'string' && answer !== 'edit' ? { ...tried, password: answer } : undefined;
  }

  async loggedIn(siteId: string, settings: SiteSettings): Promise<void> {
    if (settings.password !== undefined && this.store.get(siteId)?.user) await this.store.storePassword(siteId, settings.password);
  }

  failed(siteId: string, err: unknown, kind: FailureKind): void {
    if (kind === 'tls-refused') void offerPlainFtp(this.store, siteId, err as RemoteReplyError);
  }

  private async offerEdit(siteId: string, message: string): Promise<void> {
    const edit = vscode.l10n.t('Edit Site…');
    if ((await vscode.window.showErrorMessage(message, edit)) === edit) await vscode.commands.executeCommand('ferry.editSite', siteId);
  }
}

/**
 * Says that a site's server refused AUTH TLS (it has no TLS, whatever its reply code) and
 * offers to switch the site to plain FTP, after a warning that everything then travels in
 * clear text. Resolves true when the site was switched.
 */
export async function offerPlainFtp(store: SiteStore, siteId: string, err: RemoteReplyError): Promise<boolean> {
  const site = store.get(siteId);
  if (!site) return false;
  const plain = vscode.l10n.t('Use plain FTP for this site');
  const edit = vscode.l10n.t('Edit Site…');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('{0} does not offer TLS: the server refused AUTH TLS ({1}). The user name and password were not sent.', site.name, `${err.code} ${err.text}`),
    plain,
    edit,
  );
  if (choice === edit) await vscode.commands.executeCommand('ferry.editSite', siteId);
  if (choice !== plain) return false;
  const confirm = vscode.l10n.t('Use Plain FTP');
  const sure = await vscode.window.showWarningMessage(
    vscode.l10n.t('Use plain FTP for {0}?', site.name),
    { modal: true, detail: vscode.l10n.t('Without TLS the password and the files travel in clear text: anyone on the network path can read them.') },
    confirm,
  );
  if (sure !== confirm) return false;
  // Saving changes the site's settings: its failed connection is dropped and the next use connects without TLS.
  await store.save({ ...site, tls: 'none', certificate: undefined });
  return true;
}
