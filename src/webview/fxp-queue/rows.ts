import type { JobState } from '../../core/fxp';
import type { PanelStrings } from '../../vscode/fxp/model/panel-strings';
import type { MethodBadge } from '../../vscode/fxp/model/queue-format';
import type { JobVerb } from '../../vscode/fxp/model/queue-protocol';
import type { LayoutEntry } from '../../vscode/fxp/model/queue-layout';
import type { GroupRowModel, JobRowModel } from '../../vscode/fxp/model/queue-view-model';
import { element, setAttribute, setHidden, setText } from './dom';

/** Height of every line of the list, in CSS pixels; the windowing computes positions from it. */
export const ROW_HEIGHT = 46;

/** A codicon per state, so the state reads without colour too. */
const STATE_ICONS: Record<JobState, string> = {
  queued: 'clock',
  running: 'sync',
  paused: 'debug-pause',
  done: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
};

const VERB_ICONS: Record<JobVerb, string> = {
  pause: 'debug-pause',
  resume: 'debug-continue',
  cancel: 'close',
  retry: 'refresh',
  remove: 'trash',
  moveUp: 'arrow-up',
  moveDown: 'arrow-down',
  reveal: 'go-to-file',
};

/** What both kinds of line show: state, the two ends, a progress bar and the numbers. */
interface LineModel {
  state: JobState;
  stateText: string;
  source: string;
  target: string;
  progress?: { value: number; max: number };
  bytes: string;
  rate: string;
  eta: string;
}

/**
 * One line of the list. Built once per key and updated in place: each update touches only the
 * cells whose text changed. Action buttons carry `data-verb`; the list handles their clicks.
 */
abstract class RowView {
  readonly el: HTMLElement;
  protected readonly doc: Document;
  private readonly stateIcon: HTMLElement;
  private readonly source: HTMLElement;
  private readonly target: HTMLElement;
  private readonly stateText: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly bytes: HTMLElement;
  private readonly rate: HTMLElement;
  private readonly eta: HTMLElement;
  /** Kind-specific cells: the method badge (jobs), the file count (groups). */
  protected readonly line1: HTMLElement;
  protected readonly line2: HTMLElement;
  private readonly buttons = new Map<JobVerb, HTMLElement>();
  private top = -1;

  protected constructor(doc: Document, key: string, lead: HTMLElement, verbs: readonly JobVerb[], strings: PanelStrings) {
    this.doc = doc;
    this.stateIcon = element(doc, 'vscode-icon', 'state-icon');
    this.source = element(doc, 'span', 'source');
    this.target = element(doc, 'span', 'target');
    this.stateText = element(doc, 'span', 'state');
    this.progress = element(doc, 'vscode-progress-bar', 'progress');
    this.bytes = element(doc, 'span', 'bytes');
    this.rate = element(doc, 'span', 'rate');
    this.eta = element(doc, 'span', 'eta');
    const arrow = element(doc, 'vscode-icon', 'arrow', { name: 'arrow-right', 'aria-hidden': 'true' });
    this.line1 = element(doc, 'div', 'line line1', {}, [this.source, arrow, this.target]);
    this.line2 = element(doc, 'div', 'line line2', {}, [this.progress, this.bytes, this.rate, this.eta]);
    const actions = element(doc, 'div', 'actions');
    for (const verb of verbs) {
      const label = strings[verb];
      const button = element(doc, 'vscode-toolbar-button', 'action', { 'data-verb': verb, icon: VERB_ICONS[verb], label, title: label, hidden: '' });
      this.buttons.set(verb, button);
      actions.append(button);
    }
    const main = element(doc, 'div', 'main', {}, [this.line1, this.line2]);
    this.el = element(doc, 'div', 'row', { role: 'treeitem', tabindex: '-1', 'data-key': key }, [lead, this.stateIcon, main, actions]);
    this.el.style.height = `${ROW_HEIGHT}px`;
  }

  /**
   * Puts the line at its place in the list (absolute positioning, so no other line moves) and
   * tells assistive technology where it is, since only a window of the lines exists in the DOM.
   */
  place(index: number, entry: LayoutEntry): void {
    const top = index * ROW_HEIGHT;
    if (top !== this.top) {
      this.el.style.top = `${top}px`;
      this.top = top;
    }
    setAttribute(this.el, 'aria-level', entry.kind === 'job' && entry.grouped ? '2' : '1');
    setAttribute(this.el, 'aria-posinset', String(entry.pos + 1));
    setAttribute(this.el, 'aria-setsize', String(entry.size));
  }

  protected updateLine(model: LineModel, icon = STATE_ICONS[model.state]): void {
    setAttribute(this.el, 'data-state', model.state);
    setAttribute(this.stateIcon, 'name', icon);
    setAttribute(this.stateIcon, 'spin', model.state === 'running' ? '' : undefined);
    setAttribute(this.stateIcon, 'title', model.stateText);
    setText(this.source, model.source);
    setAttribute(this.source, 'title', model.source);
    setText(this.target, model.target);
    setAttribute(this.target, 'title', model.target);
    setText(this.stateText, model.stateText);
    this.updateProgress(model);
    setText(this.bytes, model.bytes);
    setText(this.rate, model.rate);
    setText(this.eta, model.eta);
    setAttribute(this.el, 'aria-label', `${model.source} → ${model.target}, ${model.stateText}, ${model.bytes}`);
  }

  private updateProgress(model: LineModel): void {
    const bar = this.progress;
    setAttribute(bar, 'aria-label', model.bytes);
    if (model.progress) {
      setAttribute(bar, 'indeterminate', undefined);
      setAttribute(bar, 'max', String(model.progress.max));
      setAttribute(bar, 'value', String(model.progress.value));
    } else {
      // A running copy of unknown size moves without a known end; a waiting one shows an empty bar.
      setAttribute(bar, 'indeterminate', model.state === 'running' ? '' : undefined);
      setAttribute(bar, 'max', '1');
      setAttribute(bar, 'value', model.state === 'running' ? undefined : '0');
    }
  }

  protected appendState(): void {
    this.line1.append(this.stateText);
  }

  /** Shows the buttons of `verbs`, hides the others. */
  protected showActions(verbs: readonly JobVerb[]): void {
    for (const [verb, button] of this.buttons) setHidden(button, !verbs.includes(verb));
  }
}

/** A job's line: both ends, method badge, state, progress, rate, ETA, attempts and error. */
export class JobRowView extends RowView {
  private readonly badge: HTMLElement;
  private readonly attempts: HTMLElement;
  private readonly error: HTMLElement;

  constructor(doc: Document, key: string, readonly jobId: string, grouped: boolean, strings: PanelStrings) {
    const lead = element(doc, 'span', grouped ? 'lead indent' : 'lead');
    super(doc, key, lead, ['resume', 'pause', 'retry', 'cancel', 'moveUp', 'moveDown', 'reveal', 'remove'], strings);
    this.el.classList.add('job');
    this.el.setAttribute('data-id', jobId);
    this.badge = element(doc, 'vscode-badge', 'method', { hidden: '' });
    this.attempts = element(doc, 'span', 'attempts');
    this.error = element(doc, 'span', 'error');
    this.line1.append(this.badge);
    this.appendState();
    this.line2.append(this.attempts, this.error);
  }

  update(model: JobRowModel): void {
    this.updateLine(model, model.badge?.kind === 'skipped' ? 'debug-step-over' : undefined);
    this.updateBadge(model.badge);
    setText(this.attempts, model.attempts);
    setText(this.error, model.error);
    setAttribute(this.error, 'title', model.error || undefined);
    this.showActions(model.actions);
  }

  private updateBadge(badge: MethodBadge | undefined): void {
    setHidden(this.badge, !badge);
    setText(this.badge, badge?.label ?? '');
    setAttribute(this.badge, 'title', badge?.title);
    setAttribute(this.badge, 'data-kind', badge?.kind);
  }
}

/** A folder group's header line: aggregate progress, files done of total, and a twisty to show its files. */
export class GroupRowView extends RowView {
  private readonly files: HTMLElement;
  private readonly failed: HTMLElement;
  private readonly twisty: HTMLElement;

  constructor(doc: Document, key: string, readonly groupId: string, strings: PanelStrings) {
    const twisty = element(doc, 'vscode-toolbar-button', 'lead twisty', { 'data-verb': 'toggle' });
    super(doc, key, twisty, ['resume', 'pause', 'retry', 'cancel', 'remove'], strings);
    this.twisty = twisty;
    this.el.classList.add('group');
    this.el.setAttribute('data-group', groupId);
    this.files = element(doc, 'span', 'files');
    this.failed = element(doc, 'span', 'error');
    this.line1.append(this.files);
    this.appendState();
    this.line2.append(this.failed);
  }

  update(model: GroupRowModel, actions: readonly JobVerb[], expanded: boolean, strings: PanelStrings): void {
    this.updateLine(model, model.state === 'running' ? undefined : expanded ? 'folder-opened' : 'folder');
    setText(this.files, model.files);
    setText(this.failed, model.failed);
    this.showActions(actions);
    const toggle = expanded ? strings.collapse : strings.expand;
    setAttribute(this.el, 'aria-expanded', String(expanded));
    setAttribute(this.twisty, 'icon', expanded ? 'chevron-down' : 'chevron-right');
    setAttribute(this.twisty, 'label', toggle);
    setAttribute(this.twisty, 'title', toggle);
  }
}
