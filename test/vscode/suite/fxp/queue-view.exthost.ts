/**
 * The FXP Queue panel's provider against a real webview of the workbench: the bundled page must load under
 * its CSP and say `ready`; the provider answers with a snapshot, streams coalesced patches and replies to
 * each request once. The queue behind it is a small in-memory QueueBackend (our own interface); the
 * controller's suites test the real queue. A webview panel hosts the page because the panel's own view id
 * already belongs to the extension's provider.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CopyJob } from '../../../../src/core/fxp';
import type { HostMessage, PanelRequest, QueueBackend, QueueChange, QueueSnapshot } from '../../../../src/vscode/fxp/model/queue-protocol';
import { FxpQueueViewProvider } from '../../../../src/vscode/fxp/queue-view';
import { makeJob, snapshotOf } from '../../fxp/panel-fixtures';
import { eventually } from './fxp-kit';

/** A queue in memory: jobs, the changes it announces, the requests it got. */
class MemoryBackend implements QueueBackend {
  jobs: CopyJob[] = [makeJob('a', 'queued'), makeJob('b', 'running', { size: 1000, bytesDone: 10, rate: 5 })];
  readonly requests: PanelRequest[] = [];
  private readonly listeners = new Set<(change: QueueChange) => void>();
  snapshots = 0;

  snapshot(): QueueSnapshot {
    this.snapshots++;
    return snapshotOf(this.jobs);
  }

  onChange(listener: (change: QueueChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: QueueChange): void {
    for (const listener of this.listeners) listener(change);
  }

  async handle(request: PanelRequest): Promise<unknown> {
    this.requests.push(request);
    if (request.action === 'job' && request.verb === 'reveal') throw new Error('beta.example is not a saved site.');
    if (request.action === 'job') this.emit({ kind: 'job', job: makeJob(request.ids[0], 'paused') });
    return undefined;
  }
}

/** A webview panel dressed as the WebviewView the provider expects; records both directions of messages. */
function hostInPanel() {
  const panel = vscode.window.createWebviewPanel('ferry.test.fxpQueue', 'FXP Queue (test)', vscode.ViewColumn.One, {});
  const fromPage = new vscode.EventEmitter<unknown>();
  const visibility = new vscode.EventEmitter<void>();
  const pageMessages: unknown[] = [];
  const hostMessages: HostMessage[] = [];
  const relay = panel.webview.onDidReceiveMessage((message: unknown) => {
    pageMessages.push(message);
    fromPage.fire(message);
  });
  const webview = {
    get options() {
      return panel.webview.options;
    },
    set options(options: vscode.WebviewOptions) {
      panel.webview.options = options;
    },
    get html() {
      return panel.webview.html;
    },
    set html(html: string) {
      panel.webview.html = html;
    },
    get cspSource() {
      return panel.webview.cspSource;
    },
    asWebviewUri: (uri: vscode.Uri) => panel.webview.asWebviewUri(uri),
    postMessage: (message: HostMessage) => {
      hostMessages.push(message);
      return panel.webview.postMessage(message);
    },
    onDidReceiveMessage: fromPage.event,
  };
  const view = { webview, visible: true, onDidChangeVisibility: visibility.event, onDidDispose: panel.onDidDispose, viewType: FxpQueueViewProvider.viewId };
  /** What VS Code does when the user hides or shows the view. */
  const setVisible = (visible: boolean) => {
    view.visible = visible;
    visibility.fire();
  };
  const dispose = () => {
    relay.dispose();
    fromPage.dispose();
    visibility.dispose();
    panel.dispose();
  };
  return { panel, view: view as unknown as vscode.WebviewView, setVisible, pageMessages, hostMessages, fromPage, dispose };
}

describe('fxp: the FXP Queue panel provider in a real webview', function () {
  this.timeout(60_000);
  let backend: MemoryBackend;
  let host: ReturnType<typeof hostInPanel>;
  let provider: FxpQueueViewProvider;
  const warnings: string[] = [];
  const of = <T extends HostMessage['type']>(type: T) => host.hostMessages.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

  beforeEach(async () => {
    const extension = vscode.extensions.getExtension('ferry-dev.ferry')!;
    await extension.activate();
    backend = new MemoryBackend();
    host = hostInPanel();
    provider = new FxpQueueViewProvider(extension.extensionUri, backend, { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) });
    provider.resolveWebviewView(host.view);
    await eventually('the page says ready', () => host.pageMessages.find((m) => (m as { type?: string }).type === 'ready'), 30_000);
  });

  afterEach(() => {
    provider.dispose();
    host.dispose();
  });

  it('loads the bundled page under a nonce CSP, and answers its ready with one snapshot', async () => {
    const html = host.panel.webview.html;
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(nonce, 'the CSP allows scripts by nonce only');
    assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src="[^"]+/dist/webview/fxp-queue\\.js"`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.equal(host.panel.webview.options.enableScripts, true);
    assert.deepEqual(
      host.panel.webview.options.localResourceRoots?.map((u) => u.path.split('/').slice(-2).join('/')),
      ['dist/webview'],
    );
    const snapshot = await eventually('a snapshot', () => of('snapshot')[0]);
    assert.deepEqual(
      snapshot.snapshot.jobs.map((j) => j.id),
      ['a', 'b'],
    );
    assert.equal(of('snapshot').length, 1);
    assert.equal(of('patch').length, 0);
  });

  it('streams the queue’s changes as few patches carrying the newest version of each job', async () => {
    await eventually('a snapshot', () => of('snapshot')[0]);
    for (let i = 1; i <= 300; i++) backend.emit({ kind: 'job', job: makeJob('b', 'running', { size: 1000, bytesDone: i, rate: i }) });
    backend.emit({ kind: 'removed', ids: ['a'] });
    const patch = await eventually('a patch', () => of('patch')[0]);
    assert.equal(of('patch').length, 1, '300 changes in one go are one patch');
    assert.deepEqual(
      patch.patch.jobs.map((j) => [j.id, j.bytesDone]),
      [['b', 300]],
    );
    assert.deepEqual(patch.patch.removed, ['a']);
    backend.emit({ kind: 'reset' });
    await eventually('a new snapshot after a reset', () => (of('snapshot').length === 2 ? true : undefined));
  });

  it('answers every request exactly once: ok after the patch it caused, the backend’s error, or junk refused', async () => {
    await eventually('a snapshot', () => of('snapshot')[0]);
    host.fromPage.fire({ type: 'request', requestId: 1, request: { action: 'job', verb: 'pause', ids: ['b'] } });
    host.fromPage.fire({ type: 'request', requestId: 2, request: { action: 'job', verb: 'reveal', ids: ['b'] } });
    host.fromPage.fire({ type: 'request', requestId: 3, request: { action: 'format-disk' } });
    host.fromPage.fire({ type: 'hello' });
    await eventually('three replies', () => (of('reply').length >= 3 ? true : undefined));
    const replies = new Map(of('reply').map((r) => [r.requestId, r]));
    assert.equal(of('reply').length, 3);
    assert.deepEqual(replies.get(1), { type: 'reply', requestId: 1, ok: true, result: undefined });
    assert.deepEqual(replies.get(2), { type: 'reply', requestId: 2, ok: false, error: 'beta.example is not a saved site.' });
    assert.equal(replies.get(3)?.ok, false);
    assert.deepEqual(backend.requests, [
      { action: 'job', verb: 'pause', ids: ['b'] },
      { action: 'job', verb: 'reveal', ids: ['b'] },
    ]);
    const order = host.hostMessages.map((m) => (m.type === 'reply' ? `reply${m.requestId}` : m.type));
    assert.ok(order.indexOf('patch') < order.indexOf('reply1'), `the pause's patch comes before its reply: ${order.join(', ')}`);
    assert.ok(
      warnings.some((w) => /ignored a message \(unknown type "hello"\)/.test(w)),
      warnings.join('\n'),
    );
  });

  it('starts over with a fresh snapshot when the page reloads', async () => {
    await eventually('a snapshot', () => of('snapshot')[0]);
    const readies = () => host.pageMessages.filter((m) => (m as { type?: string }).type === 'ready').length;
    host.panel.webview.html = `${host.panel.webview.html}\n`;
    await eventually('a second ready', () => (readies() === 2 ? true : undefined), 30_000);
    await eventually('a second snapshot', () => (of('snapshot').length === 2 ? true : undefined));
    assert.equal(backend.snapshots, 2);
    assert.deepEqual(provider.stats, { snapshots: 2, patches: 0, jobs: 0 });
  });

  it('posts nothing while the view is hidden, and a snapshot when it shows again', async () => {
    await eventually('a snapshot', () => of('snapshot')[0]);
    host.setVisible(false);
    backend.emit({ kind: 'job', job: makeJob('b', 'running', { size: 1000, bytesDone: 500, rate: 5 }) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(of('patch').length, 0, 'no patch for a hidden view');
    host.setVisible(true);
    assert.equal(of('snapshot').length, 2);
  });
});
