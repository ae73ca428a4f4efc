import * as assert from 'node:assert/strict';
import { ListingCache } from '../../../src/vscode/explorer/model/listing-cache';

/** A load whose result the test releases when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('explorer: listing cache', () => {
  let now = 0;
  let ttl = 5000;
  const cache = () => new ListingCache<string[]>(() => ttl, () => now);
  beforeEach(() => {
    now = 1000;
    ttl = 5000;
  });

  it('serves a listing for the TTL, then loads again', async () => {
    const c = cache();
    let loads = 0;
    const load = async () => [`v${++loads}`];
    assert.deepEqual(await c.get('s', '/a', load), ['v1']);
    now += 4999;
    assert.deepEqual(await c.get('s', '/a', load), ['v1']);
    now += 1;
    assert.deepEqual(await c.get('s', '/a', load), ['v2']);
    ttl = 0;
    assert.deepEqual(await c.get('s', '/a', load), ['v3'], 'a TTL of 0 turns the cache off');
  });

  it('shares one load between concurrent callers', async () => {
    const c = cache();
    const d = deferred<string[]>();
    let loads = 0;
    const load = () => (loads++, d.promise);
    const all = Promise.all([c.get('s', '/a', load), c.get('s', '/a', load), c.get('s', '/a', load)]);
    d.resolve(['x']);
    assert.deepEqual(await all, [['x'], ['x'], ['x']]);
    assert.equal(loads, 1);
  });

  it('does not keep failures', async () => {
    const c = cache();
    await assert.rejects(c.get('s', '/a', async () => Promise.reject(new Error('550'))), /550/);
    assert.deepEqual(await c.get('s', '/a', async () => ['ok']), ['ok']);
  });

  it('drops a load that was in flight when its folder was invalidated', async () => {
    const c = cache();
    const d = deferred<string[]>();
    const first = c.get('s', '/a', () => d.promise);
    c.invalidate('s', '/a');
    d.resolve(['stale']);
    assert.deepEqual(await first, ['stale']);
    assert.deepEqual(await c.get('s', '/a', async () => ['fresh']), ['fresh']);
  });

  it('drops expired listings when another folder is listed, without waiting for them to be asked for again', async () => {
    const c = cache();
    for (let i = 0; i < 50; i++) await c.get('s', `/old${i}`, async () => ['x'.repeat(1000)]);
    assert.equal(c.size, 50);
    now += 5000;
    await c.get('s', '/new', async () => ['y']);
    assert.equal(c.size, 1, 'only the fresh listing is held');
  });

  it('keeps at most its limit of folders, the least recently used going first', async () => {
    const c = new ListingCache<string[]>(() => ttl, () => now, 3);
    let loads = 0;
    const load = async () => [`v${++loads}`];
    for (const dir of ['/a', '/b', '/c']) await c.get('s', dir, load);
    assert.deepEqual(await c.get('s', '/a', load), ['v1'], 'a hit, which makes /a the most recently used');
    await c.get('s', '/d', load);
    assert.equal(c.size, 3);
    assert.deepEqual(await c.get('s', '/a', load), ['v1'], '/a kept');
    assert.deepEqual(await c.get('s', '/b', load), ['v5'], '/b, the least recently used, was dropped and is loaded again');
  });

  it('invalidates one folder, a subtree, or a site', async () => {
    const c = cache();
    const fill = async (site: string, dir: string) => c.get(site, dir, async () => ['old']);
    for (const dir of ['/a', '/a/b', '/ab', '/c']) await fill('s', dir);
    await fill('t', '/a');
    c.invalidate('s', '/a', true);
    const value = async (site: string, dir: string) => (await c.get(site, dir, async () => ['new']))[0];
    assert.deepEqual([await value('s', '/a'), await value('s', '/a/b'), await value('s', '/ab'), await value('t', '/a')], ['new', 'new', 'old', 'old']);
    c.invalidate('s', '/c');
    assert.equal(await value('s', '/c'), 'new');
    c.clear('t');
    assert.equal(await value('t', '/a'), 'new');
  });
});
