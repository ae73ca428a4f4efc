import * as vscode from 'vscode';
import type { SiteRef } from '../../core/fxp';
import { command, Explorer } from '../explorer';
import { tagged } from '../explorer/model/log';
import { CopyToSite } from './copy-to-site';
import { FxpDrop } from './fxp-drop';
import { savedSiteOf } from './model/site-ref';
import { createFxpNotifications } from './notifications';
import { QueueController } from './queue-controller';
import { FxpQueueViewProvider } from './queue-view';
import { RemotePicker } from './remote-picker';
import { showQueuePanel } from './show-queue';
import { createFxpStatusBar } from './status-bar';
import { refreshTargetsOfFinishedJobs } from './target-refresh';

/** The queue file in the extension's global storage: one queue for every window, and for `ferry queue --queue <file>`. */
export const QUEUE_FILE = 'fxp-queue.json';

/**
 * FXP in the editor: the persistent queue (run in a child process, passwords from
 * SecretStorage), its panel, remote drops on the Sites tree, "Copy to Site…", the status bar
 * item and the notifications. Everything it creates is registered on `context.subscriptions`.
 */
export function registerFxp(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, explorer: Explorer): void {
  const fxpLog = tagged(log, 'fxp');
  const savedSite = (ref: SiteRef) => savedSiteOf(ref, explorer.store.sites());
  const controller = new QueueController({
    file: vscode.Uri.joinPath(context.globalStorageUri, QUEUE_FILE).fsPath,
    passwordFor: async (ref) => {
      const site = savedSite(ref);
      return site ? explorer.store.password(site.id) : undefined;
    },
    reveal: async (ref, path) => {
      const site = savedSite(ref);
      if (!site) throw new Error(vscode.l10n.t('{0} is not a saved site.', ref.name ?? ref.host));
      await explorer.reveal({ siteId: site.id, path });
    },
    log: fxpLog,
  });
  const drop = new FxpDrop({ fs: explorer.fs, site: (id) => explorer.store.get(id), controller, log: fxpLog });
  explorer.setRemoteDrop(drop);
  const picker = new RemotePicker({ sites: () => explorer.store.sites(), fs: explorer.fs, rootOf: (id) => explorer.rootOf(id) });
  const copyToSite = new CopyToSite({ resolve: (arg, all) => explorer.targets.resolve(arg, all), picker, drop });

  const handlers: Record<string, (...args: never[]) => unknown> = {
    'ferry.fxp.copyToSite': (arg?: unknown, all?: unknown, destination?: unknown) => copyToSite.run(arg, all, destination),
    'ferry.fxp.copyQueuePath': async () => {
      await vscode.env.clipboard.writeText(controller.file);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0}. Use it with: ferry queue --queue "{0}" list', controller.file));
      return controller.file;
    },
    'ferry.fxp.showQueue': () => showQueuePanel(),
    'ferry.fxp.pauseAll': () => controller.handle({ action: 'pauseAll' }),
    'ferry.fxp.resumeAll': () => controller.handle({ action: 'resumeAll' }),
  };
  const stopRefreshing = refreshTargetsOfFinishedJobs(controller, explorer.fs);
  const panel = new FxpQueueViewProvider(context.extensionUri, controller, fxpLog);
  context.subscriptions.push(
    controller,
    panel,
    vscode.window.registerWebviewViewProvider(FxpQueueViewProvider.viewId, panel),
    createFxpStatusBar(controller),
    createFxpNotifications(controller),
    new vscode.Disposable(stopRefreshing),
    ...Object.entries(handlers).map(([id, handler]) => command(log, id, handler)),
  );
}
