import { fill, PanelStrings } from '../../vscode/fxp/model/panel-strings';
import type { HostMessage, PanelRequest, PanelState, QueuePatch, QueueSnapshot, WebviewMessage } from '../../vscode/fxp/model/queue-protocol';
import { queueTotals } from '../../vscode/fxp/model/queue-view-model';
import { element, setHidden, setText } from './dom';
import { PanelQueue } from './panel-queue';
import { QueueList } from './queue-list';
import { Toolbar } from './toolbar';

export interface QueueViewOptions {
  strings: PanelStrings;
  /** What the page saved before a reload: expanded groups and scroll position. */
  state?: PanelState;
  /** Called when the state to save changed (groups toggled, scrolled). */
  onStateChange?(state: PanelState): void;
}

/** The FXP Queue panel's renderer, driven by host messages; it posts requests through `post`. */
export interface QueueView {
  /** Applies any message of the extension (snapshot, patch, reply). */
  handleMessage(message: HostMessage): void;
  applySnapshot(snapshot: QueueSnapshot): void;
  applyPatch(patch: QueuePatch): void;
  /** The state to save now. */
  state(): PanelState;
  /** Row elements in the DOM now. */
  renderedRows(): number;
  /** Draws the lines the window shows after its size changed. */
  refreshWindow(): void;
}

/** The lines above the list: a failed save, a failed request (dismissable), "all paused", an empty queue. */
interface Banners {
  saveProblem: HTMLElement;
  requestError: HTMLElement;
  errorText: HTMLElement;
  pausedNote: HTMLElement;
  empty: HTMLElement;
}

function createBanners(doc: Document, strings: PanelStrings): Banners {
  const saveProblem = element(doc, 'div', 'banner warning', { role: 'alert', hidden: '' });
  const errorText = element(doc, 'span', 'banner-text');
  const dismiss = element(doc, 'vscode-toolbar-button', 'dismiss', { icon: 'close', label: strings.dismiss, title: strings.dismiss });
  const requestError = element(doc, 'div', 'banner error', { role: 'alert', hidden: '' }, [errorText, dismiss]);
  const pausedNote = element(doc, 'div', 'note', { hidden: '' }, [strings.pausedAllNote]);
  const empty = element(doc, 'div', 'empty', { hidden: '' }, [strings.empty]);
  dismiss.addEventListener('click', () => setHidden(requestError, true));
  return { saveProblem, requestError, errorText, pausedNote, empty };
}

/** Everything outside the list: toolbar values, totals, banners, the empty text. */
function renderOutsideList(queue: PanelQueue, toolbar: Toolbar, banners: Banners, list: HTMLElement, strings: PanelStrings): void {
  toolbar.update(queue.limits, queue.pausedAll, queueTotals(queue.jobs.values()));
  setHidden(banners.saveProblem, queue.saveProblem === undefined);
  setText(banners.saveProblem, queue.saveProblem === undefined ? '' : fill(strings.saveProblem, queue.saveProblem));
  setHidden(banners.pausedNote, !queue.pausedAll);
  setHidden(banners.empty, queue.jobs.size > 0);
  setHidden(list, queue.jobs.size === 0);
}

/**
 * Builds the panel in `root` (toolbar, messages, the list) and returns the functions that feed
 * it. Everything is built with `root.ownerDocument`, so a test or the benchmark can render in
 * its own window without a browser.
 */
export function createQueueView(root: HTMLElement, post: (message: WebviewMessage) => void, options: QueueViewOptions): QueueView {
  const doc = root.ownerDocument;
  const { strings } = options;
  const queue = new PanelQueue();
  const pending = new Map<number, string>();
  let nextRequestId = 1;
  let restoreScroll = options.state?.scrollTop;

  const request = (panelRequest: PanelRequest, label: string) => {
    const requestId = nextRequestId++;
    pending.set(requestId, label);
    post({ type: 'request', requestId, request: panelRequest });
  };
  const state = (): PanelState => ({ expanded: [...list.expanded], scrollTop: list.scrollTop });
  const toolbar = new Toolbar(doc, strings, request);
  const list = new QueueList(doc, queue, strings, { request, stateChanged: () => options.onStateChange?.(state()) }, options.state?.expanded ?? []);
  const banners = createBanners(doc, strings);
  root.append(toolbar.el, banners.saveProblem, banners.requestError, banners.pausedNote, banners.empty, list.el);
  const renderMeta = () => renderOutsideList(queue, toolbar, banners, list.el, strings);

  const applySnapshot = (snapshot: QueueSnapshot) => {
    queue.load(snapshot);
    renderMeta();
    list.relayout(true);
    if (restoreScroll !== undefined) {
      // Once, after the first snapshot gave the list its height.
      list.scrollTop = restoreScroll;
      restoreScroll = undefined;
    }
  };

  const applyPatch = (patch: QueuePatch) => {
    const effect = queue.apply(patch);
    if (effect.structural) list.relayout(false);
    list.refresh(effect.changed);
    renderMeta();
  };

  const applyReply = (message: Extract<HostMessage, { type: 'reply' }>) => {
    const label = pending.get(message.requestId);
    if (label === undefined) return;
    pending.delete(message.requestId);
    if (message.ok) return;
    setText(banners.errorText, fill(strings.requestFailed, label, message.error));
    setHidden(banners.requestError, false);
  };

  return {
    handleMessage(message) {
      if (message.type === 'snapshot') applySnapshot(message.snapshot);
      else if (message.type === 'patch') applyPatch(message.patch);
      else if (message.type === 'reply') applyReply(message);
    },
    applySnapshot,
    applyPatch,
    state,
    renderedRows: () => list.renderedRows,
    refreshWindow: () => list.renderWindow(),
  };
}
