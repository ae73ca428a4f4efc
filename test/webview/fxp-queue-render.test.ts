import * as assert from 'node:assert/strict';
import type { CopyJob } from '../../src/core/fxp';
import type { PanelState, WebviewMessage } from '../../src/vscode/fxp/model/queue-protocol';
import { createQueueView, QueueView } from '../../src/webview/fxp-queue/queue-renderer';
import { englishStrings } from '../vscode/fxp/panel-english';
import { makeGroup, makeJob, snapshotOf } from '../vscode/fxp/panel-fixtures';

const strings = englishStrings();
const MiB = 1024 ** 2;

/** happy-dom is an ES module: loaded with import() (this test compiles to CommonJS). */
let Window: typeof import('happy-dom', { with: { 'resolution-mode': 'import' } }).Window;
type Window = InstanceType<typeof Window>;

interface Mounted {
  window: Window;
  root: HTMLElement;
  view: QueueView;
  posted: WebviewMessage[];
  states: PanelState[];
}

let mounted: Mounted[] = [];

/** A panel in its own happy-dom window (600 px high), recording what it posts and the states it saves. */
function mount(state?: PanelState): Mounted {
  const window = new Window({ width: 1000, height: 600 });
  const doc = window.document as unknown as Document;
  const root = doc.createElement('div');
  doc.body.append(root);
  const posted: WebviewMessage[] = [];
  const states: PanelState[] = [];
  const view = createQueueView(root, (message) => posted.push(message), { strings, state, onStateChange: (s) => states.push(s) });
  const result = { window, root, view, posted, states };
  mounted.push(result);
  return result;
}

const row = (root: HTMLElement, key: string) => root.querySelector<HTMLElement>(`.row[data-key="${key}"]`);
const cell = (root: HTMLElement, key: string, name: string) => row(root, key)?.querySelector(`.${name}`)?.textContent ?? '';
const visibleVerbs = (root: HTMLElement, key: string) => [...(row(root, key)?.querySelectorAll('.actions [data-verb]') ?? [])].filter((b) => !b.hasAttribute('hidden')).map((b) => b.getAttribute('data-verb'));
const click = (el: Element | null | undefined) => {
  assert.ok(el, 'element to click');
  el.dispatchEvent(new (el.ownerDocument.defaultView as unknown as typeof globalThis).MouseEvent('click', { bubbles: true }));
};
const requests = (posted: WebviewMessage[]) => posted.flatMap((m) => (m.type === 'request' ? [m.request] : []));

const STATES: CopyJob[] = [
  makeJob('queued', 'queued', { size: 5 * MiB }),
  makeJob('running', 'running', { size: 100 * MiB, bytesDone: 25 * MiB, rate: 25 * MiB, method: 'fxp', protection: 'sscn', started: true }),
  makeJob('paused', 'paused', { size: 10 * MiB, bytesDone: 4 * MiB, method: 'fxp', protection: 'cpsv', started: true }),
  makeJob('done', 'done', { size: 8 * MiB, bytesDone: 8 * MiB, method: 'fxp' }),
  makeJob('skipped', 'done', { size: 8 * MiB, bytesDone: 8 * MiB, skipped: true }),
  makeJob('failed', 'failed', { attempts: 5, error: '425 Can not open data connection', method: 'relay', started: true }),
  makeJob('cancelled', 'cancelled', { size: 1 * MiB }),
];

describe('webview: FXP Queue panel rendering (happy-dom)', () => {
  before(async () => {
    ({ Window } = await import('happy-dom'));
  });

  afterEach(async () => {
    for (const m of mounted) await m.window.happyDOM.close();
    mounted = [];
  });

  it('shows the empty text until there are jobs', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf([]));
    assert.equal(root.querySelector('.empty')?.hasAttribute('hidden'), false);
    assert.match(root.querySelector('.empty')?.textContent ?? '', /Drag files from one site onto another site's folder/);
    view.applyPatch({ jobs: [makeJob('a', 'queued')], removed: [] });
    assert.equal(root.querySelector('.empty')?.hasAttribute('hidden'), true);
    assert.ok(row(root, 'j:a'));
  });

  it('renders every job state with its progress, rate, time left, attempts and error', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf(STATES));
    const states = STATES.map((j) => [row(root, `j:${j.id}`)?.getAttribute('data-state'), cell(root, `j:${j.id}`, 'state')]);
    assert.deepEqual(states, [
      ['queued', 'Queued'],
      ['running', 'Running'],
      ['paused', 'Paused'],
      ['done', 'Done'],
      ['done', 'Done'],
      ['failed', 'Failed'],
      ['cancelled', 'Cancelled'],
    ]);
    assert.equal(cell(root, 'j:running', 'source'), 'Alpha:/pub/running.bin');
    assert.equal(cell(root, 'j:running', 'target'), 'beta.example:/in/running.bin');
    assert.equal(cell(root, 'j:running', 'bytes'), '25 MiB of 100 MiB');
    assert.equal(cell(root, 'j:running', 'rate'), '25 MiB/s');
    assert.equal(cell(root, 'j:running', 'eta'), '0:03 left');
    const bar = row(root, 'j:running')?.querySelector('vscode-progress-bar');
    assert.deepEqual([bar?.getAttribute('value'), bar?.getAttribute('max')], [String(25 * MiB), String(100 * MiB)]);
    assert.equal(row(root, 'j:running')?.querySelector('.state-icon')?.hasAttribute('spin'), true);
    assert.equal(cell(root, 'j:paused', 'rate'), '', 'no rate unless running');
    assert.equal(cell(root, 'j:failed', 'error'), '425 Can not open data connection');
    assert.equal(cell(root, 'j:failed', 'attempts'), '5 failed attempts');
    assert.equal(row(root, 'j:skipped')?.querySelector('.state-icon')?.getAttribute('name'), 'debug-step-over');
    assert.match(row(root, 'j:failed')?.getAttribute('aria-label') ?? '', /Alpha:\/pub\/failed.bin → beta.example:\/in\/failed.bin, Failed/);
  });

  it('shows the method badge: FXP, FXP over TLS (SSCN, CPSV), relay, skipped; none before a method is known', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf(STATES));
    const badge = (id: string) => {
      const el = row(root, `j:${id}`)?.querySelector('.method');
      return el?.hasAttribute('hidden') ? undefined : [el?.textContent, el?.getAttribute('data-kind')];
    };
    assert.deepEqual(badge('running'), ['FXP · TLS (SSCN)', 'fxp-tls']);
    assert.deepEqual(badge('paused'), ['FXP · TLS (CPSV)', 'fxp-tls']);
    assert.deepEqual(badge('done'), ['FXP', 'fxp']);
    assert.deepEqual(badge('failed'), ['relay', 'relay']);
    assert.deepEqual(badge('skipped'), ['skipped', 'skipped']);
    assert.equal(badge('queued'), undefined);
    assert.match(row(root, 'j:failed')?.querySelector('.method')?.getAttribute('title') ?? '', /through this machine/);
  });

  it('shows only the actions valid in each state, with labels for screen readers', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf(STATES));
    assert.deepEqual(visibleVerbs(root, 'j:queued'), ['pause', 'cancel', 'moveUp', 'moveDown', 'remove']);
    assert.deepEqual(visibleVerbs(root, 'j:running'), ['pause', 'cancel', 'reveal']);
    assert.deepEqual(visibleVerbs(root, 'j:paused'), ['resume', 'cancel', 'moveUp', 'moveDown', 'reveal', 'remove']);
    assert.deepEqual(visibleVerbs(root, 'j:done'), ['reveal', 'remove']);
    assert.deepEqual(visibleVerbs(root, 'j:failed'), ['retry', 'reveal', 'remove']);
    assert.deepEqual(visibleVerbs(root, 'j:cancelled'), ['retry', 'remove']);
    const button = row(root, 'j:running')?.querySelector('[data-verb="pause"]');
    assert.deepEqual([button?.getAttribute('label'), button?.getAttribute('title'), button?.getAttribute('icon')], ['Pause', 'Pause', 'debug-pause']);
  });

  it('posts a request with the job id when an action is clicked, numbering requests', () => {
    const { root, view, posted } = mount();
    view.applySnapshot(snapshotOf(STATES));
    click(row(root, 'j:running')?.querySelector('[data-verb="pause"]'));
    click(row(root, 'j:failed')?.querySelector('[data-verb="retry"]'));
    click(row(root, 'j:done')?.querySelector('[data-verb="reveal"]'));
    click(row(root, 'j:queued')?.querySelector('[data-verb="moveDown"]'));
    assert.deepEqual(posted, [
      { type: 'request', requestId: 1, request: { action: 'job', verb: 'pause', ids: ['running'] } },
      { type: 'request', requestId: 2, request: { action: 'job', verb: 'retry', ids: ['failed'] } },
      { type: 'request', requestId: 3, request: { action: 'job', verb: 'reveal', ids: ['done'] } },
      { type: 'request', requestId: 4, request: { action: 'job', verb: 'moveDown', ids: ['queued'] } },
    ]);
  });

  it('shows a folder group collapsed with aggregate progress, expands it to its files and keeps that in the state', () => {
    const files = [
      makeJob('f1', 'done', { group: 'g', size: 30 * MiB, bytesDone: 30 * MiB, method: 'fxp' }),
      makeJob('f2', 'running', { group: 'g', size: 50 * MiB, bytesDone: 20 * MiB, rate: 10 * MiB, method: 'fxp' }),
      makeJob('f3', 'failed', { group: 'g', size: 20 * MiB, error: 'x', attempts: 5 }),
    ];
    const { root, view, posted, states } = mount();
    view.applySnapshot(snapshotOf([makeJob('solo', 'queued'), ...files], [makeGroup('g')]));
    const header = row(root, 'g:g');
    assert.ok(header);
    assert.equal(cell(root, 'g:g', 'files'), '1 of 3 files');
    assert.equal(cell(root, 'g:g', 'bytes'), '50 MiB of 100 MiB');
    assert.equal(cell(root, 'g:g', 'rate'), '10 MiB/s');
    assert.equal(cell(root, 'g:g', 'eta'), '0:05 left');
    assert.equal(cell(root, 'g:g', 'state'), 'Running');
    assert.equal(header.querySelector('vscode-progress-bar')?.getAttribute('value'), String(50 * MiB));
    assert.equal(header.getAttribute('aria-expanded'), 'false');
    assert.equal(row(root, 'j:f1'), null, 'collapsed by default');

    click(header.querySelector('[data-verb="toggle"]'));
    assert.equal(header.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(
      [...root.querySelectorAll('.row')].map((r) => [r.getAttribute('data-key'), r.getAttribute('aria-level')]).sort(),
      [
        ['g:g', '1'],
        ['j:f1', '2'],
        ['j:f2', '2'],
        ['j:f3', '2'],
        ['j:solo', '1'],
      ],
    );
    assert.deepEqual(states.at(-1)?.expanded, ['g']);

    click(header.querySelector('[data-verb="retry"]'));
    click(header.querySelector('[data-verb="remove"]'));
    assert.deepEqual(requests(posted), [
      { action: 'job', verb: 'retry', ids: ['f3'] },
      { action: 'job', verb: 'remove', ids: ['f1', 'f3'] },
    ]);
    click(header.querySelector('[data-verb="toggle"]'));
    assert.equal(row(root, 'j:f1'), null, 'collapsed again');
  });

  it('restores expanded groups and the scroll position from the saved state', () => {
    const jobs = Array.from({ length: 500 }, (_, i) => makeJob(`j${i}`, 'queued', { group: i < 3 ? 'g' : undefined }));
    const { root, view } = mount({ expanded: ['g'], scrollTop: 0 });
    view.applySnapshot(snapshotOf(jobs, [makeGroup('g')]));
    assert.ok(row(root, 'j:j1'), 'the group came back expanded');
    const restored = mount({ expanded: [], scrollTop: 400 * 46 });
    restored.view.applySnapshot(snapshotOf(jobs, [makeGroup('g')]));
    assert.ok(row(restored.root, 'j:j400'), 'the saved scroll position shows its rows');
    assert.equal(row(restored.root, 'j:j3'), null);
  });

  it('drives the toolbar: run all, pause all, clear finished, limits, totals', () => {
    const { root, view, posted } = mount();
    view.applySnapshot(snapshotOf(STATES, [], { pausedAll: true, limits: { concurrency: 3, perSite: 1 } }));
    const buttons = [...root.querySelectorAll('.toolbar vscode-button')];
    for (const button of buttons) click(button);
    const [concurrency, perSite] = [...root.querySelectorAll<HTMLInputElement>('.toolbar vscode-textfield')];
    assert.deepEqual([concurrency.value, perSite.value], ['3', '1']);
    concurrency.value = '6';
    concurrency.dispatchEvent(new (root.ownerDocument.defaultView as unknown as typeof globalThis).Event('change'));
    perSite.value = '0';
    perSite.dispatchEvent(new (root.ownerDocument.defaultView as unknown as typeof globalThis).Event('change'));
    assert.equal(perSite.hasAttribute('invalid'), true, 'out of range');
    assert.deepEqual(requests(posted), [{ action: 'resumeAll' }, { action: 'pauseAll' }, { action: 'clearFinished' }, { action: 'setLimits', limits: { concurrency: 6, perSite: 1 } }]);
    assert.equal(root.querySelector('.totals')?.textContent, '7 jobs · 45 MiB of 132 MiB · 25 MiB/s');
    const status = root.querySelector('[role="status"]');
    assert.equal(status?.textContent, '1 running, 2 waiting, 2 done, 1 failed');
    assert.equal(root.querySelector('.note')?.hasAttribute('hidden'), false, 'the pause-all note shows');
  });

  it('updates one row in place on a patch: the other rows are the same nodes and untouched', () => {
    const { root, view, window } = mount();
    view.applySnapshot(snapshotOf(STATES));
    const before = new Map([...root.querySelectorAll('.row')].map((r) => [r.getAttribute('data-key'), r]));
    const mutated = new Set<Node>();
    const observer = new window.MutationObserver(() => undefined);
    observer.observe(root.querySelector('.list') as unknown as never, { subtree: true, childList: true, attributes: true, characterData: true });
    view.applyPatch({ jobs: [{ ...STATES[1], bytesDone: 50 * MiB, rate: 10 * MiB }], removed: [] });
    observer.takeRecords().forEach((r) => mutated.add(r.target as unknown as Node));
    observer.disconnect();
    const after = [...root.querySelectorAll('.row')];
    assert.equal(after.length, before.size);
    for (const r of after) assert.equal(before.get(r.getAttribute('data-key')), r, `${r.getAttribute('data-key')} is the same node`);
    assert.equal(cell(root, 'j:running', 'bytes'), '50 MiB of 100 MiB');
    assert.equal(cell(root, 'j:running', 'eta'), '0:05 left');
    const running = row(root, 'j:running')!;
    assert.ok(mutated.size > 0);
    for (const node of mutated) assert.ok(running.contains(node), `only the running row changed, not ${(node as Element).className ?? node.nodeName}`);
  });

  it('adds new jobs at the end and drops removed ones', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf(STATES));
    view.applyPatch({ jobs: [makeJob('new', 'queued')], removed: ['done', 'cancelled'] });
    assert.equal(row(root, 'j:done'), null);
    assert.equal(row(root, 'j:cancelled'), null);
    assert.equal(row(root, 'j:new')?.getAttribute('aria-posinset'), '6');
    assert.equal(row(root, 'j:new')?.getAttribute('aria-setsize'), '6');
  });

  it('draws only a window of a 10 000-job queue, and follows the scroll', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => makeJob(`j${i}`, i < 4 ? 'running' : 'queued', { size: MiB, bytesDone: i < 4 ? MiB / 2 : 0, rate: i < 4 ? MiB : 0 }));
    const { root, view } = mount();
    const started = process.hrtime.bigint();
    view.applySnapshot(snapshotOf(jobs));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(view.renderedRows() > 10 && view.renderedRows() <= 40, `${view.renderedRows()} rows in the DOM`);
    assert.equal(root.querySelectorAll('.row').length, view.renderedRows());
    assert.ok(ms < 5000, `snapshot of 10 000 jobs took ${ms} ms`);
    const list = root.querySelector<HTMLElement>('.list')!;
    const focused = row(root, 'j:j0')!;
    focused.focus();
    list.scrollTop = 5000 * 46;
    list.dispatchEvent(new (root.ownerDocument.defaultView as unknown as typeof globalThis).Event('scroll'));
    assert.ok(row(root, 'j:j5000'), 'row 5000 is drawn after scrolling to it');
    assert.equal(row(root, 'j:j1'), null, 'rows scrolled away are gone');
    assert.equal(row(root, 'j:j0'), focused, 'except the one with the keyboard focus');
    assert.equal(root.ownerDocument.activeElement, focused);
    assert.ok(view.renderedRows() <= 41);
    assert.equal(row(root, 'j:j5000')?.style.top, `${5000 * 46}px`);
  });

  it('applies patches of 4 running jobs in a 10 000-job queue in milliseconds', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => makeJob(`j${i}`, i < 4 ? 'running' : 'queued', { size: 100 * MiB, method: i < 4 ? 'fxp' : undefined }));
    const { view } = mount();
    view.applySnapshot(snapshotOf(jobs));
    const times: number[] = [];
    for (let tick = 1; tick <= 50; tick++) {
      const started = performance.now();
      view.handleMessage({ type: 'patch', patch: { jobs: jobs.slice(0, 4).map((job) => ({ ...job, bytesDone: tick * MiB, rate: 20 * MiB })), removed: [] } });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    // Generous (2 shared cores, other runs): the point is "milliseconds, not a redraw of 10 000 rows".
    assert.ok(times[25] < 50, `median patch took ${times[25].toFixed(2)} ms`);
    assert.ok(view.renderedRows() <= 40);
  });

  it('shows the error of a failed request, and the save problem', () => {
    const { root, view } = mount();
    view.applySnapshot(snapshotOf(STATES, [], { saveProblem: 'ENOSPC: no space left on device' }));
    assert.match(root.querySelector('.banner.warning')?.textContent ?? '', /The queue file could not be saved: ENOSPC/);
    click(row(root, 'j:failed')?.querySelector('[data-verb="retry"]'));
    click(row(root, 'j:queued')?.querySelector('[data-verb="pause"]'));
    view.handleMessage({ type: 'reply', requestId: 2, ok: true });
    const banner = root.querySelector('.banner.error')!;
    assert.equal(banner.hasAttribute('hidden'), true, 'an ok reply shows nothing');
    view.handleMessage({ type: 'reply', requestId: 1, ok: false, error: '530 Login incorrect' });
    assert.equal(banner.hasAttribute('hidden'), false);
    assert.equal(banner.getAttribute('role'), 'alert');
    assert.equal(banner.textContent, 'Retry failed: 530 Login incorrect');
    click(banner.querySelector('.dismiss'));
    assert.equal(banner.hasAttribute('hidden'), true);
    view.handleMessage({ type: 'patch', patch: { jobs: [], removed: [], saveProblem: null } });
    assert.equal(root.querySelector('.banner.warning')?.hasAttribute('hidden'), true);
  });

  it('moves the focus with the arrow keys and toggles a group with Enter', () => {
    const { root, view, window } = mount();
    view.applySnapshot(snapshotOf([makeJob('a', 'queued'), makeJob('f1', 'queued', { group: 'g' }), makeJob('b', 'queued')], [makeGroup('g')]));
    const key = (target: Element, name: string) => target.dispatchEvent(new window.KeyboardEvent('keydown', { key: name, bubbles: true }) as unknown as Event);
    const first = row(root, 'j:a')!;
    assert.equal(first.getAttribute('tabindex'), '0', 'Tab enters the list at the first row');
    first.focus();
    key(first, 'ArrowDown');
    const header = row(root, 'g:g')!;
    assert.equal(root.ownerDocument.activeElement, header);
    assert.equal(header.getAttribute('tabindex'), '0');
    assert.equal(first.getAttribute('tabindex'), '-1');
    key(header, 'Enter');
    assert.equal(header.getAttribute('aria-expanded'), 'true');
    key(header, 'ArrowDown');
    assert.equal(root.ownerDocument.activeElement, row(root, 'j:f1'));
    key(row(root, 'j:f1')!, 'ArrowLeft');
    assert.equal(root.ownerDocument.activeElement, header);
    key(header, 'End');
    assert.equal(root.ownerDocument.activeElement, row(root, 'j:b'));
  });
});
