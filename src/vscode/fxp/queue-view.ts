import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { QueueUpdateCoalescer } from './model/queue-coalescer';
import { panelHtml } from './model/queue-html';
import { parseWebviewMessage } from './model/queue-messages';
import type { HostMessage, PanelRequest, QueueBackend } from './model/queue-protocol';
import { panelStrings } from './queue-strings';

/** The three levels of the extension's log the view writes to. */
export interface QueueViewLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The folder of the panel's bundle, stylesheet and codicon font (webpack's dist/webview). */
const ASSETS = ['dist', 'webview'];

/**
 * The FXP Queue panel (a webview view in the bottom panel). It waits for the page's `ready`,
 * answers with a snapshot of the queue, then streams coalesced patches of the queue's changes;
 * every request of the page gets exactly one reply. While the page is hidden or reloading
 * nothing is posted: its next `ready` gets a fresh snapshot.
 */
export class FxpQueueViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'ferry.fxpQueue';

  private readonly coalescer: QueueUpdateCoalescer;
  private readonly unsubscribe: () => void;
  private view?: vscode.WebviewView;
  private viewListeners: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backend: QueueBackend,
    private readonly log: QueueViewLog,
  ) {
    this.coalescer = new QueueUpdateCoalescer({ post: (message) => this.post(message), snapshot: () => backend.snapshot() });
    this.unsubscribe = backend.onChange((change) => this.coalescer.push(change));
  }

  /** Counts of the messages posted so far, for the benchmark's "panel messages per second". */
  get stats(): QueueUpdateCoalescer['stats'] {
    return this.coalescer.stats;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.releaseView();
    this.view = view;
    const assets = vscode.Uri.joinPath(this.extensionUri, ...ASSETS);
    view.webview.options = { enableScripts: true, localResourceRoots: [assets] };
    view.webview.html = this.html(view.webview, assets);
    this.viewListeners = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // Hidden, the view's page is discarded (unless the registration retains it): nothing is posted
      // meanwhile. Shown again, a snapshot brings a retained page up to date; a reloaded one asks with `ready`.
      view.onDidChangeVisibility(() => {
        if (view.visible) this.coalescer.sendSnapshot();
        else this.coalescer.stop();
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.releaseView();
      }),
    ];
  }

  private html(webview: vscode.Webview, assets: vscode.Uri): string {
    const uri = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(assets, name)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: uri('fxp-queue.js'),
      styleUri: uri('fxp-queue.css'),
      codiconUri: uri('codicon.css'),
      strings: panelStrings(),
      lang: vscode.env.language,
    });
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if ('junk' in parsed) {
      this.log.warn(`FXP Queue panel: ignored a message (${parsed.junk})`);
      if (parsed.requestId !== undefined) this.post({ type: 'reply', requestId: parsed.requestId, ok: false, error: vscode.l10n.t('The panel sent a request Ferry does not understand.') });
      return;
    }
    const message = parsed.message;
    if (message.type === 'ready') {
      this.log.info(`FXP Queue panel ready (${message.state?.expanded.length ?? 0} folder groups expanded)`);
      this.coalescer.sendSnapshot();
    } else void this.answer(message.requestId, message.request);
  }

  /** Carries out one request; the changes it caused are posted before its reply, so the panel never shows a stale row after "ok". */
  private async answer(requestId: number, request: PanelRequest): Promise<void> {
    let reply: HostMessage;
    try {
      const result = await this.backend.handle(request);
      reply = { type: 'reply', requestId, ok: true, result };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.log.warn(`FXP Queue panel: ${request.action}${request.action === 'job' ? ` ${request.verb}` : ''} failed: ${error}`);
      reply = { type: 'reply', requestId, ok: false, error };
    }
    this.coalescer.flush();
    this.post(reply);
  }

  private post(message: HostMessage): void {
    const view = this.view;
    if (!view) return;
    view.webview.postMessage(message).then(undefined, (err: unknown) => this.log.error(`FXP Queue panel: could not post a ${message.type}: ${String(err)}`));
  }

  private releaseView(): void {
    this.coalescer.stop();
    for (const listener of this.viewListeners) listener.dispose();
    this.viewListeners = [];
    this.view = undefined;
  }

  dispose(): void {
    this.unsubscribe();
    this.releaseView();
  }
}
