import * as assert from 'node:assert/strict';
import { ConflictAnswer, ConflictAnswers } from '../../../src/vscode/explorer/model/conflict-answers';
import { InterruptedList, StateStore } from '../../../src/vscode/explorer/model/interrupted';
import { TransferJob } from '../../../src/vscode/explorer/model/transfer-job';

/** A Memento over a map, as VS Code's global state keeps JSON. */
function memento(): StateStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(key: string) => (data.has(key) ? (JSON.parse(data.get(key)!) as T) : undefined),
    update: async (key: string, value: unknown) => void data.set(key, JSON.stringify(value)),
  };
}

const upload: TransferJob = { direction: 'upload', siteId: 'web', items: [{ local: '/l/site', remote: '/www/site', folder: true }, { local: '/l/a.txt', remote: '/www/a.txt', folder: false, size: 3 }] };

describe('explorer: interrupted transfers and conflict answers', () => {
  it('keeps interrupted transfers across a reload (a new list over the same state), with their answers', async () => {
    const state = memento();
    const first = new InterruptedList(state);
    let changes = 0;
    first.onDidChange(() => changes++);
    const a = await first.add({ job: upload, title: 'Uploading 2 items', reason: 'cancelled', at: 1, answers: { all: 'skip', byPath: {} } });
    await first.add({ job: { ...upload, direction: 'download' }, title: 'Downloading', reason: 'connection lost', at: 2 });
    const reloaded = new InterruptedList(state);
    assert.deepEqual(reloaded.all().map((r) => [r.title, r.reason, r.answers?.all]), [['Uploading 2 items', 'cancelled', 'skip'], ['Downloading', 'connection lost', undefined]]);
    assert.equal(await reloaded.remove(a.id), true);
    assert.equal(await reloaded.remove(a.id), false, 'resumed once only');
    assert.equal(first.all().length, 1);
    assert.equal(changes, 2);
  });

  it('tells which remote paths an interrupted upload may have left incomplete', async () => {
    const list = new InterruptedList(memento());
    await list.add({ job: upload, title: 't', reason: 'r', at: 1 });
    await list.add({ job: { ...upload, siteId: 'other', direction: 'download' }, title: 'd', reason: 'r', at: 1 });
    assert.ok(list.uploadTouching('web', '/www/a.txt'));
    assert.ok(list.uploadTouching('web', '/www/site/css/x.css'), 'inside an uploaded folder');
    assert.equal(list.uploadTouching('web', '/www/b.txt'), undefined);
    assert.equal(list.uploadTouching('web', '/www/sitemap.xml'), undefined, 'a name that only starts like the folder');
    assert.equal(list.uploadTouching('other', '/www/a.txt'), undefined, 'downloads are marked by their .part name instead');
  });

  it('reads a hand-broken stored value as no entries', () => {
    const state = memento();
    state.data.set('ferry.transfers.interrupted', JSON.stringify([{ id: 1 }, 'x', null]));
    assert.deepEqual(new InterruptedList(state).all(), []);
  });

  it('asks one question at a time, once per target, and "for all the rest" answers the rest', async () => {
    const asked: string[] = [];
    let release: (a: ConflictAnswer) => void = () => undefined;
    const answers = new ConflictAnswers((target) => {
      asked.push(target);
      return new Promise((resolve) => (release = resolve));
    });
    const first = answers.rule('/a');
    const second = answers.rule('/b');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(asked, ['/a'], 'the second question waits for the first');
    release({ rule: 'rename', all: false });
    await new Promise((r) => setImmediate(r));
    release({ rule: 'skip', all: true });
    assert.deepEqual(await Promise.all([first, second, answers.rule('/c'), answers.rule('/a')]), ['rename', 'skip', 'skip', 'rename']);
    assert.deepEqual(asked, ['/a', '/b']);
    assert.deepEqual(answers.saved(), { all: 'skip', byPath: { '/a': 'rename', '/b': 'skip' } });
  });

  it('stops asking once a question is dismissed, and starts a resume from the saved answers', async () => {
    let questions = 0;
    const dismissed = new ConflictAnswers(async () => (questions++, undefined));
    assert.deepEqual([await dismissed.rule('/a'), await dismissed.rule('/b')], [undefined, undefined]);
    assert.equal(questions, 1);
    const resumed = new ConflictAnswers(async () => assert.fail('no question'), { byPath: { '/a': 'skip' }, all: 'overwrite' });
    assert.deepEqual([await resumed.rule('/a'), await resumed.rule('/z')], ['skip', 'overwrite']);
  });
});
