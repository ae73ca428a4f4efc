import * as assert from 'node:assert/strict';
import { editablePages, fillFromHost, FlowMode, formatTimeOffset, nextStep, parseTimeOffset, planSteps, previousStep, SiteDraft, StepId, stepPosition } from '../../../../src/vscode/explorer/model/site-steps';

const fresh = (): SiteDraft => ({ site: { name: '', host: '', tls: 'explicit', dataMode: 'auto' } });
const ADD: FlowMode = { kind: 'add', advanced: false };
const ADVANCED: FlowMode = { kind: 'add', advanced: true };

/**
 * Walks the flow as site-flow.ts does — answer a page, recompute the plan, go to the next page — and records the
 * step counter each page shows. `answer` changes the draft on a given page (what the user typed there).
 */
function walk(draft: SiteDraft, mode: FlowMode, answer: Partial<Record<StepId, (d: SiteDraft) => void>> = {}): string[] {
  const shown: string[] = [];
  let step: StepId | undefined = planSteps(draft.site, mode)[0];
  for (let guard = 0; step && guard < 40; guard++) {
    const { step: at, total } = stepPosition(planSteps(draft.site, mode), step);
    shown.push(`${step} ${at}/${total}`);
    answer[step]?.(draft);
    step = nextStep(planSteps(draft.site, mode), step);
  }
  return shown;
}

describe('explorer: the Add/Edit Site step plan (issue #16)', () => {
  it('adds a site with a user in four pages: host, user, password, test', () => {
    assert.deepEqual(walk(fresh(), ADD, { host: (d) => fillFromHost(d, 'ftp.example.org'), user: (d) => (d.site.user = 'alice') }), ['host 1/4', 'user 2/4', 'password 3/4', 'test 4/4']);
  });

  it('skips the password for an anonymous login (an empty user name)', () => {
    assert.deepEqual(walk(fresh(), ADD, { user: (d) => (d.site.user = '') }), ['host 1/4', 'user 2/4', 'test 3/3']);
    const anonymous = fresh();
    anonymous.site.user = '';
    assert.deepEqual(planSteps(anonymous.site, { kind: 'edit', page: 'host' }), ['host', 'user', 'finish']);
  });

  it('asks the active-mode address and ports only in active mode, and the certificate only with TLS', () => {
    const draft = fresh();
    draft.site.user = 'alice';
    const automatic = walk(structuredClone(draft), ADVANCED).map((s) => s.split(' ')[0]);
    assert.deepEqual(automatic, ['host', 'user', 'password', 'test', 'tls', 'port', 'certificate', 'dataMode', 'encoding', 'remotePath', 'timeOffset', 'connections', 'name', 'finish']);
    const active = walk(structuredClone(draft), ADVANCED, { tls: (d) => (d.site.tls = 'none'), dataMode: (d) => (d.site.dataMode = 'active') }).map((s) => s.split(' ')[0]);
    assert.deepEqual(active, ['host', 'user', 'password', 'test', 'tls', 'port', 'dataMode', 'activeAddress', 'activePortRange', 'encoding', 'remotePath', 'timeOffset', 'connections', 'name', 'finish']);
  });

  it('never moves the counter backwards or back to 1 going forward, and ends at total/total', () => {
    const answers: Partial<Record<StepId, (d: SiteDraft) => void>> = { user: (d) => (d.site.user = 'u'), tls: (d) => (d.site.tls = 'none'), dataMode: (d) => (d.site.dataMode = 'active') };
    for (const mode of [ADD, ADVANCED, { kind: 'edit', page: 'tls' } as FlowMode, { kind: 'edit', page: 'dataMode' } as FlowMode]) {
      const shown = walk(fresh(), mode, answers).map((s) => s.split(' ')[1].split('/').map(Number));
      shown.forEach(([at, total], i) => {
        assert.equal(at, i + 1, `page ${i + 1} of ${JSON.stringify(mode)}`);
        assert.ok(at <= total);
      });
      const [last, total] = shown.at(-1)!;
      assert.equal(last, total);
    }
  });

  it('goes Back to the page before, and has no Back on the first page', () => {
    const draft = fresh();
    draft.site.user = 'u';
    const plan = planSteps(draft.site, ADVANCED);
    assert.equal(previousStep(plan, 'host'), undefined);
    assert.equal(previousStep(plan, 'tls'), 'test');
    assert.equal(previousStep(plan, 'finish'), 'name');
    draft.site.tls = 'none';
    assert.equal(previousStep(planSteps(draft.site, ADVANCED), 'dataMode'), 'port', 'no certificate page without TLS');
  });

  it('opens an edit at the picked page with its dependent pages, then the test', () => {
    const draft = fresh();
    assert.deepEqual(planSteps(draft.site, { kind: 'edit', page: 'certificate' }), ['certificate', 'finish']);
    assert.deepEqual(planSteps(draft.site, { kind: 'edit', page: 'tls' }), ['tls', 'port', 'certificate', 'finish']);
    assert.deepEqual(planSteps(draft.site, { kind: 'edit', page: 'dataMode' }), ['dataMode', 'finish']);
    draft.site.dataMode = 'active';
    assert.deepEqual(planSteps(draft.site, { kind: 'edit', page: 'dataMode' }), ['dataMode', 'activeAddress', 'activePortRange', 'finish']);
    assert.deepEqual(planSteps(draft.site, { kind: 'edit', page: 'host' }), ['host', 'user', 'password', 'finish']);
    assert.deepEqual(editablePages(draft.site), ['host', 'tls', 'port', 'certificate', 'dataMode', 'encoding', 'remotePath', 'timeOffset', 'connections', 'name']);
    draft.site.tls = 'none';
    assert.ok(!editablePages(draft.site).includes('certificate'));
  });

  it('fills the later pages from a URL typed as the host, and names the site after its host', () => {
    const draft = fresh();
    assert.equal(fillFromHost(draft, 'ftp://alice:pw@files.example.org:2121/www'), undefined);
    assert.deepEqual(draft, { site: { name: 'files.example.org', host: 'files.example.org', port: 2121, tls: 'none', dataMode: 'auto', user: 'alice', remotePath: 'www', certificate: undefined }, password: 'pw' });
    assert.deepEqual(walk(draft, ADD).map((s) => s.split(' ')[0]), ['host', 'user', 'password', 'test']);
    fillFromHost(draft, 'ftps://10.0.0.5:990');
    assert.deepEqual([draft.site.tls, draft.site.port, draft.site.name], ['implicit', undefined, '10.0.0.5']);
    draft.site.name = 'My server';
    fillFromHost(draft, 'other.example.org');
    assert.equal(draft.site.name, 'My server', 'a name the user gave is kept');
    assert.match(String(fillFromHost(draft, 'sftp://x/')), /not FTP/);
    fillFromHost(draft, 'ftp.example.net:2121');
    assert.deepEqual([draft.site.host, draft.site.port], ['ftp.example.net', 2121]);
  });

  it('reads the time zone of LIST dates as hours ahead of UTC', () => {
    assert.equal(parseTimeOffset(''), undefined);
    assert.equal(parseTimeOffset('+8'), 480);
    assert.equal(parseTimeOffset('-5:30'), -330);
    assert.equal(parseTimeOffset('5.5'), 330);
    assert.equal(parseTimeOffset('0'), 0);
    assert.equal(typeof parseTimeOffset('+15'), 'string');
    assert.equal(typeof parseTimeOffset('8:75'), 'string');
    assert.equal(typeof parseTimeOffset('eight'), 'string');
    for (const minutes of [480, -330, 0, 345]) assert.equal(parseTimeOffset(formatTimeOffset(minutes)), minutes);
  });
});
