import * as assert from 'node:assert/strict';
import { fill } from '../../../src/vscode/fxp/model/panel-strings';
import { endpointText, formatDuration, formatRate, methodBadge, siteName } from '../../../src/vscode/fxp/model/queue-format';
import { panelCsp, panelHtml, STRINGS_ELEMENT_ID } from '../../../src/vscode/fxp/model/queue-html';
import { entryKey, layoutQueue } from '../../../src/vscode/fxp/model/queue-layout';
import { parsePanelState, parseWebviewMessage } from '../../../src/vscode/fxp/model/queue-messages';
import { groupActions, groupAggregate, groupRow, jobActions, jobRow, queueTotals, statesText, totalsText } from '../../../src/vscode/fxp/model/queue-view-model';
import { englishStrings } from './panel-english';
import { ALPHA, BETA, makeGroup, makeJob } from './panel-fixtures';

const strings = englishStrings();
const MiB = 1024 ** 2;

describe('fxp panel: row text', () => {
  it('names sites by their saved name, else host with a non-default port', () => {
    assert.equal(siteName(ALPHA), 'Alpha');
    assert.equal(siteName(BETA), 'beta.example');
    assert.equal(siteName({ host: 'h', port: 2121 }), 'h:2121');
    assert.equal(siteName({ host: 'h', port: 990, tls: 'implicit' }), 'h');
    assert.equal(siteName({ host: '::1', port: 2121 }), '[::1]:2121');
    assert.equal(endpointText({ site: ALPHA, path: '/a b/ü.txt' }), 'Alpha:/a b/ü.txt');
  });

  it('formats rates in IEC units and durations as a clock', () => {
    assert.equal(formatRate(120 * MiB), '120 MiB/s');
    assert.equal(formatRate(1536), '1.5 KiB/s');
    assert.equal(formatDuration(42), '0:42');
    assert.equal(formatDuration(725), '12:05');
    assert.equal(formatDuration(3723), '1:02:03');
  });

  it('fills {n} holes and leaves unknown ones', () => {
    assert.equal(fill('{0} of {1}', 'a', 2), 'a of 2');
    assert.equal(fill('{0} {2}', 'a'), 'a {2}');
  });

  it('labels each method: FXP, FXP over TLS (SSCN, CPSV, clear data), relay, skipped', () => {
    const badge = (extra: Parameters<typeof makeJob>[2]) => methodBadge(makeJob('a', 'done', extra), strings);
    assert.equal(badge({}), undefined, 'no method before a transfer chose one');
    assert.equal(badge({ method: 'fxp' })?.label, 'FXP');
    assert.equal(badge({ method: 'fxp', protection: 'sscn' })?.label, 'FXP · TLS (SSCN)');
    assert.equal(badge({ method: 'fxp', protection: 'cpsv' })?.label, 'FXP · TLS (CPSV)');
    assert.equal(badge({ method: 'fxp', protection: 'clear' })?.label, 'FXP · clear data');
    assert.equal(badge({ method: 'relay' })?.label, 'relay');
    assert.match(badge({ method: 'relay' })?.title ?? '', /through this machine/);
    assert.equal(badge({ method: 'fxp', skipped: true })?.label, 'skipped');
  });

  it('shows a running job with progress, rate and time left', () => {
    const row = jobRow(makeJob('a', 'running', { size: 100 * MiB, bytesDone: 40 * MiB, rate: 20 * MiB, method: 'fxp', started: true }), strings);
    assert.equal(row.source, 'Alpha:/pub/a.bin');
    assert.equal(row.target, 'beta.example:/in/a.bin');
    assert.equal(row.size, '100 MiB');
    assert.deepEqual(row.progress, { value: 40 * MiB, max: 100 * MiB });
    assert.equal(row.bytes, '40 MiB of 100 MiB');
    assert.equal(row.rate, '20 MiB/s');
    assert.equal(row.eta, '0:03 left');
    assert.equal(row.stateText, 'Running');
    assert.deepEqual(row.actions, ['pause', 'cancel', 'reveal']);
  });

  it('shows a failed job with its error, attempts, and the renamed target', () => {
    const row = jobRow(makeJob('a', 'failed', { attempts: 3, error: '550 Permission denied', resolvedTarget: '/in/a (1).bin' }), strings);
    assert.equal(row.error, '550 Permission denied');
    assert.equal(row.attempts, '3 failed attempts');
    assert.equal(row.target, 'beta.example:/in/a (1).bin');
    assert.deepEqual(row.actions, ['retry', 'remove']);
    assert.equal(row.rate, '');
  });

  it('says when a job waiting for its retry starts again', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const row = jobRow(makeJob('a', 'queued', { attempts: 1, error: 'timeout', notBefore: '2026-01-01T10:00:30Z' }), strings, now);
    assert.match(row.error, /^timeout · next attempt at /);
    assert.equal(jobRow(makeJob('a', 'queued', { notBefore: '2026-01-01T09:00:00Z' }), strings, now).error, '');
  });

  it('offers only the actions of each state', () => {
    const verbs = (state: Parameters<typeof makeJob>[1], extra = {}) => jobActions(makeJob('a', state, extra));
    assert.deepEqual(verbs('queued'), ['pause', 'cancel', 'moveUp', 'moveDown', 'remove']);
    assert.deepEqual(verbs('running'), ['pause', 'cancel']);
    assert.deepEqual(verbs('paused', { started: true }), ['resume', 'cancel', 'moveUp', 'moveDown', 'reveal', 'remove']);
    assert.deepEqual(verbs('done'), ['reveal', 'remove']);
    assert.deepEqual(verbs('cancelled'), ['retry', 'remove']);
  });
});

describe('fxp panel: groups, totals and layout', () => {
  const files = [
    makeJob('f1', 'done', { group: 'g', size: 10 * MiB, bytesDone: 10 * MiB }),
    makeJob('f2', 'running', { group: 'g', size: 30 * MiB, bytesDone: 10 * MiB, rate: 5 * MiB }),
    makeJob('f3', 'failed', { group: 'g', size: 10 * MiB, attempts: 5, error: 'x' }),
    makeJob('f4', 'done', { group: 'g', size: 50 * MiB, skipped: true }),
  ];

  it('adds up a folder group: files, bytes (skipped files count as done), rate and state', () => {
    const aggregate = groupAggregate(files);
    assert.deepEqual(aggregate, { filesDone: 2, filesTotal: 4, failed: 1, bytesDone: 70 * MiB, bytesTotal: 100 * MiB, rate: 5 * MiB, state: 'running' });
    const row = groupRow(makeGroup('g'), aggregate, strings);
    assert.equal(row.files, '2 of 4 files');
    assert.equal(row.bytes, '70 MiB of 100 MiB');
    assert.equal(row.eta, '0:06 left');
    assert.equal(row.failed, '1 failed');
    assert.equal(groupAggregate(files.filter((f) => f.state !== 'running')).state, 'failed');
    assert.equal(groupAggregate([files[0], files[3]]).state, 'done');
  });

  it('gives each group action the ids it applies to', () => {
    assert.deepEqual(groupActions(files), [
      { verb: 'pause', ids: ['f2'] },
      { verb: 'retry', ids: ['f3'] },
      { verb: 'cancel', ids: ['f2'] },
      { verb: 'remove', ids: ['f1', 'f3', 'f4'] },
    ]);
  });

  it('sums the queue for the toolbar and the live region', () => {
    const totals = queueTotals([...files, makeJob('q', 'queued'), makeJob('p', 'paused')]);
    assert.equal(totalsText(totals, strings), '6 jobs · 70 MiB of 100 MiB · 5.0 MiB/s');
    assert.equal(statesText(totals, strings), '1 running, 2 waiting, 2 done, 1 failed');
  });

  it('lays out groups collapsed at their first file, expanded with their files, unknown groups flat', () => {
    const jobs = new Map([...files, makeJob('solo', 'queued'), makeJob('orphan', 'queued', { group: 'unknown' })].map((j) => [j.id, j]));
    const order = ['solo', 'f1', 'f2', 'orphan', 'f3', 'f4'];
    const collapsed = layoutQueue(order, jobs, new Set(['g']), new Set());
    assert.deepEqual(collapsed.entries.map(entryKey), ['j:solo', 'g:g', 'j:orphan']);
    assert.deepEqual(collapsed.groupJobs.get('g'), ['f1', 'f2', 'f3', 'f4']);
    const expanded = layoutQueue(order, jobs, new Set(['g']), new Set(['g']));
    assert.deepEqual(expanded.entries.map(entryKey), ['j:solo', 'g:g', 'j:f1', 'j:f2', 'j:f3', 'j:f4', 'j:orphan']);
    assert.deepEqual(
      expanded.entries.map((e) => `${e.pos + 1}/${e.size}`),
      ['1/3', '2/3', '1/4', '2/4', '3/4', '4/4', '3/3'],
    );
  });
});

describe('fxp panel: messages from the webview', () => {
  it('accepts the protocol and refuses junk', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state: { expanded: ['g', 3], scrollTop: 40 } }), { message: { type: 'ready', state: { expanded: ['g'], scrollTop: 40 } } });
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { message: { type: 'ready', state: undefined } });
    const ok = parseWebviewMessage({ type: 'request', requestId: 7, request: { action: 'job', verb: 'retry', ids: ['a', 'b'] } });
    assert.deepEqual(ok, { message: { type: 'request', requestId: 7, request: { action: 'job', verb: 'retry', ids: ['a', 'b'] } } });
    assert.deepEqual(parseWebviewMessage({ type: 'request', requestId: 8, request: { action: 'setLimits', limits: { concurrency: 4, perSite: 2 } } }), {
      message: { type: 'request', requestId: 8, request: { action: 'setLimits', limits: { concurrency: 4, perSite: 2 } } },
    });
    for (const junk of [null, 'ready', [], { type: 'eval' }, { type: 'request', requestId: '1', request: { action: 'pauseAll' } }]) {
      assert.ok('junk' in parseWebviewMessage(junk), JSON.stringify(junk));
    }
    for (const request of [{ action: 'job', verb: 'delete', ids: ['a'] }, { action: 'job', verb: 'pause', ids: [] }, { action: 'job', verb: 'pause', ids: [1] }, { action: 'setLimits', limits: { concurrency: 0, perSite: 1 } }, { action: 'rm -rf' }]) {
      const parsed = parseWebviewMessage({ type: 'request', requestId: 9, request });
      assert.ok('junk' in parsed && parsed.requestId === 9, `${JSON.stringify(request)} is junk that still gets a reply`);
    }
    assert.equal(parsePanelState({ expanded: 'g', scrollTop: 1 }), undefined);
  });
});

describe('fxp panel: page HTML', () => {
  it('allows only the nonce-tagged script and the extension’s own styles and fonts', () => {
    const html = panelHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abc123',
      scriptUri: 'https://x/fxp-queue.js',
      styleUri: 'https://x/fxp-queue.css',
      codiconUri: 'https://x/codicon.css',
      strings: { ...strings, empty: '</script><script>alert(1)</script>' },
      lang: 'zh-cn',
    });
    const csp = panelCsp('https://x.vscode-cdn.net', 'abc123');
    assert.equal(csp, "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net");
    assert.ok(html.includes(`content="${csp}"`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/fxp-queue.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/codicon.css" id="vscode-codicon-stylesheet">/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'a translation cannot close the strings block');
    const block = new RegExp(`<script type="application/json" id="${STRINGS_ELEMENT_ID}">(.*?)</script>`).exec(html)?.[1] ?? '';
    assert.equal(JSON.parse(block).empty, '</script><script>alert(1)</script>');
    assert.match(html, /<html lang="zh-cn">/);
    assert.match(html, /<div id="root" class="fxp-queue"><\/div>/, 'the root UI tests find the page by');
  });
});
