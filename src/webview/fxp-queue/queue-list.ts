import type { PanelStrings } from '../../vscode/fxp/model/panel-strings';
import { entryKey, LayoutEntry, layoutQueue, QueueLayout } from '../../vscode/fxp/model/queue-layout';
import type { JobVerb } from '../../vscode/fxp/model/queue-protocol';
import { groupActions, groupAggregate, groupRow, jobRow, verbApplies } from '../../vscode/fxp/model/queue-view-model';
import { element } from './dom';
import type { PanelQueue } from './panel-queue';
import { GroupRowView, JobRowView, ROW_HEIGHT } from './rows';
import type { Requester } from './toolbar';

/** Lines drawn above and below the visible ones, so a short scroll shows no gap. */
const OVERSCAN = 6;

type RowView = JobRowView | GroupRowView;

export interface QueueListEvents {
  request: Requester;
  /** Groups were expanded or collapsed, or the list scrolled: the page saves its state. */
  stateChanged(): void;
}

/**
 * The list of the panel: folder groups and jobs as fixed-height lines in a scrolling box, of
 * which only the visible window (plus a margin) exists in the DOM. Lines are kept by key and
 * updated in place, so a patch of a running job touches its own cells and nothing else.
 */
export class QueueList {
  readonly el: HTMLElement;
  private readonly sizer: HTMLElement;
  private layout: QueueLayout = { entries: [], groupJobs: new Map() };
  private keyIndex = new Map<string, number>();
  private readonly rows = new Map<string, RowView>();
  readonly expanded: Set<string>;
  private focusKey?: string;
  private tabStop?: RowView;

  constructor(
    private readonly doc: Document,
    private readonly queue: PanelQueue,
    private readonly strings: PanelStrings,
    private readonly events: QueueListEvents,
    expanded: Iterable<string>,
  ) {
    this.expanded = new Set(expanded);
    this.sizer = element(doc, 'div', 'sizer', { 'aria-hidden': 'true' });
    this.el = element(doc, 'div', 'list', { role: 'tree', 'aria-label': strings.listLabel }, [this.sizer]);
    this.el.addEventListener('scroll', () => {
      this.renderWindow();
      this.events.stateChanged();
    });
    this.el.addEventListener('click', (event) => this.clicked(event));
    this.el.addEventListener('keydown', (event) => this.keyPressed(event));
    this.el.addEventListener('focusin', (event) => this.focused(event));
  }

  /** Row elements in the DOM now (bounded by the window, whatever the queue's size). */
  get renderedRows(): number {
    return this.rows.size;
  }

  /** Lays the lines out again (jobs added, removed or regrouped) and redraws the window; `refreshAll` redraws every visible line's content too. */
  relayout(refreshAll: boolean): void {
    const known = new Set(this.queue.groups.keys());
    for (const id of this.expanded) if (!known.has(id)) this.expanded.delete(id);
    this.layout = layoutQueue(this.queue.order, this.queue.jobs, known, this.expanded);
    this.keyIndex = new Map(this.layout.entries.map((entry, index) => [entryKey(entry), index]));
    this.sizer.style.height = `${this.layout.entries.length * ROW_HEIGHT}px`;
    this.renderWindow();
    for (const [key, row] of this.rows) if (refreshAll || row instanceof GroupRowView) this.updateRow(row, this.layout.entries[this.keyIndex.get(key)!]);
  }

  /** Redraws the visible lines of the given jobs, and the headers of their groups. */
  refresh(jobIds: readonly string[]): void {
    const groups = new Set<string>();
    for (const id of jobIds) {
      const row = this.rows.get(`j:${id}`);
      const job = this.queue.jobs.get(id);
      if (row instanceof JobRowView && job) row.update(jobRow(job, this.strings));
      if (job?.group !== undefined) groups.add(job.group);
    }
    for (const id of groups) {
      const row = this.rows.get(`g:${id}`);
      if (row instanceof GroupRowView) this.updateGroup(row);
    }
  }

  get scrollTop(): number {
    return this.el.scrollTop;
  }

  set scrollTop(value: number) {
    this.el.scrollTop = value;
    this.renderWindow();
  }

  private viewportHeight(): number {
    // Before layout (or in a DOM without layout, such as a test's) the window's height stands in.
    return this.el.clientHeight || this.doc.defaultView?.innerHeight || 600;
  }

  /** Makes the DOM hold exactly the lines of the visible window, reusing the ones it has. */
  renderWindow(): void {
    const entries = this.layout.entries;
    const top = this.el.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(entries.length, Math.ceil((top + this.viewportHeight()) / ROW_HEIGHT) + OVERSCAN);
    const wanted = new Set<string>();
    for (let index = first; index < last; index++) wanted.add(entryKey(entries[index]));
    this.keepFocusedRow(wanted);
    for (const [key, row] of this.rows) {
      if (wanted.has(key)) continue;
      row.el.remove();
      this.rows.delete(key);
    }
    for (let index = first; index < last; index++) {
      const entry = entries[index];
      const key = entryKey(entry);
      let row = this.rows.get(key);
      if (!row) {
        row = this.createRow(entry, key);
        this.rows.set(key, row);
        this.updateRow(row, entry);
        this.el.append(row.el);
      }
      row.place(index, entry);
    }
    this.updateTabStop();
  }

  /** The line holding the keyboard focus stays while scrolled away, or the focus would fall to the page. */
  private keepFocusedRow(wanted: Set<string>): void {
    const key = this.focusKey ?? '';
    const row = this.rows.get(key);
    const index = this.keyIndex.get(key);
    if (!row || index === undefined || !row.el.contains(this.doc.activeElement)) return;
    wanted.add(key);
    row.place(index, this.layout.entries[index]);
  }

  private createRow(entry: LayoutEntry, key: string): RowView {
    return entry.kind === 'group' ? new GroupRowView(this.doc, key, entry.id, this.strings) : new JobRowView(this.doc, key, entry.id, entry.grouped, this.strings);
  }

  private updateRow(row: RowView, entry: LayoutEntry | undefined): void {
    if (row instanceof GroupRowView) this.updateGroup(row);
    else {
      const job = entry && this.queue.jobs.get(entry.id);
      if (job) row.update(jobRow(job, this.strings));
    }
  }

  private updateGroup(row: GroupRowView): void {
    const group = this.queue.groups.get(row.groupId);
    if (!group) return;
    const jobs = this.queue.pick(this.layout.groupJobs.get(row.groupId) ?? []);
    const actions = groupActions(jobs).map((action) => action.verb);
    row.update(groupRow(group, groupAggregate(jobs), this.strings), actions, this.expanded.has(row.groupId), this.strings);
  }

  /** Expands a collapsed group or collapses an expanded one. */
  toggle(groupId: string, expand = !this.expanded.has(groupId)): void {
    if (expand === this.expanded.has(groupId)) return;
    if (expand) this.expanded.add(groupId);
    else this.expanded.delete(groupId);
    this.relayout(false);
    this.events.stateChanged();
  }

  /** One line keeps tabindex 0 (the focused one, else the first drawn) so Tab enters the list once. */
  private updateTabStop(): void {
    const focused = this.focusKey === undefined ? undefined : this.rows.get(this.focusKey);
    const stop = focused ?? this.rows.get(this.layout.entries.length > 0 ? entryKey(this.layout.entries[Math.min(this.firstVisible(), this.layout.entries.length - 1)]) : '');
    if (stop === this.tabStop) return;
    this.tabStop?.el.setAttribute('tabindex', '-1');
    stop?.el.setAttribute('tabindex', '0');
    this.tabStop = stop;
  }

  private firstVisible(): number {
    return Math.floor(this.el.scrollTop / ROW_HEIGHT);
  }

  private rowOf(target: EventTarget | null): HTMLElement | undefined {
    const el = target as Element | null;
    return (el?.closest?.('.row') as HTMLElement | null) ?? undefined;
  }

  private focused(event: Event): void {
    const key = this.rowOf(event.target)?.getAttribute('data-key');
    if (!key || key === this.focusKey) return;
    this.focusKey = key;
    this.updateTabStop();
  }

  private clicked(event: Event): void {
    const button = (event.target as Element | null)?.closest?.('[data-verb]');
    const row = this.rowOf(event.target);
    if (!button || !row) return;
    this.act(row.getAttribute('data-key') ?? '', button.getAttribute('data-verb') ?? '');
  }

  /** Carries out a line's action: the twisty locally, anything else as a request with the line's job ids. */
  private act(key: string, verb: string): void {
    const [kind, id] = [key.slice(0, 1), key.slice(2)];
    if (verb === 'toggle') {
      if (kind === 'g') this.toggle(id);
      return;
    }
    const jobVerb = verb as JobVerb;
    const job = kind === 'j' ? this.queue.jobs.get(id) : undefined;
    const ids = job ? (verbApplies(jobVerb, job) ? [id] : []) : (groupActions(this.queue.pick(this.layout.groupJobs.get(id) ?? [])).find((action) => action.verb === jobVerb)?.ids ?? []);
    if (ids.length > 0) this.events.request({ action: 'job', verb: jobVerb, ids }, this.strings[jobVerb]);
  }

  private keyPressed(event: KeyboardEvent): void {
    const row = event.target as HTMLElement;
    // Keys typed on a row's buttons are theirs (Enter, Space).
    if (!row.classList?.contains('row')) return;
    const key = row.getAttribute('data-key') ?? '';
    const index = this.keyIndex.get(key);
    if (index === undefined) return;
    const target = this.keyTarget(event.key, index, key);
    if (target === undefined) return;
    event.preventDefault();
    if (typeof target === 'number') this.moveFocus(target);
  }

  /** What a key does on a line: a line index to move to, `true` when it acted in place, undefined when it is not ours. */
  private keyTarget(pressed: string, index: number, key: string): number | true | undefined {
    const entry = this.layout.entries[index];
    const page = Math.max(1, Math.floor(this.viewportHeight() / ROW_HEIGHT) - 1);
    const last = this.layout.entries.length - 1;
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: last, PageDown: index + page, PageUp: index - page };
    if (pressed in moves) return Math.max(0, Math.min(last, moves[pressed]));
    if (entry.kind === 'group' && (pressed === 'Enter' || pressed === ' ')) this.toggle(entry.id);
    else if (entry.kind === 'group' && (pressed === 'ArrowRight' || pressed === 'ArrowLeft')) this.toggle(entry.id, pressed === 'ArrowRight');
    else if (entry.kind === 'job' && entry.grouped && pressed === 'ArrowLeft') return this.keyIndex.get(`g:${this.queue.jobs.get(entry.id)?.group}`);
    else if (entry.kind === 'job' && pressed === 'Delete') this.act(key, 'remove');
    else return undefined;
    return true;
  }

  /** Focuses line `index`, scrolling it into the window first. */
  private moveFocus(index: number): void {
    const entry = this.layout.entries[index];
    if (!entry) return;
    const top = index * ROW_HEIGHT;
    const viewport = this.viewportHeight();
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + ROW_HEIGHT > this.el.scrollTop + viewport) this.el.scrollTop = top + ROW_HEIGHT - viewport;
    this.focusKey = entryKey(entry);
    this.renderWindow();
    this.rows.get(this.focusKey)?.el.focus();
  }
}
