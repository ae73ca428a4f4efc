import * as assert from 'node:assert/strict';
import type { SiteRef } from '../../../src/core/fxp';
import { copySpecs, DropSource, dropFolder, planDrop } from '../../../src/vscode/fxp/model/drop-plan';

const file = (siteId: string, path: string, size = 1): DropSource => ({ location: { siteId, path }, folder: false, size });
const folder = (siteId: string, path: string): DropSource => ({ location: { siteId, path }, folder: true });
const none = new Set<string>();

describe('fxp: drop planning', () => {
  it('drops onto a folder itself, or a file row into its folder', () => {
    assert.deepEqual(dropFolder(folder('b', '/www')), { siteId: 'b', path: '/www' });
    assert.deepEqual(dropFolder(file('b', '/www/index.html')), { siteId: 'b', path: '/www' });
    assert.deepEqual(dropFolder(file('b', '/top.txt')), { siteId: 'b', path: '/' });
  });

  it('copies items of another site under their own names, files and folders alike', () => {
    const plan = planDrop([file('a', '/src/one.bin'), folder('a', '/src/tree')], { siteId: 'b', path: '/in' }, none);
    assert.deepEqual(
      plan.copies.map((c) => [c.source.location.path, c.target, c.exists]),
      [
        ['/src/one.bin', { siteId: 'b', path: '/in/one.bin' }, false],
        ['/src/tree', { siteId: 'b', path: '/in/tree' }, false],
      ],
    );
    assert.deepEqual(plan.moves, []);
    assert.deepEqual(plan.refused, []);
  });

  it('moves items of the folder\'s own site, and copies them for "Copy to Site…"', () => {
    const sources = [file('b', '/old/x.txt'), file('a', '/y.txt')];
    const drop = planDrop(sources, { siteId: 'b', path: '/new' }, none);
    assert.deepEqual(drop.moves.map((m) => m.target.path), ['/new/x.txt']);
    assert.deepEqual(drop.copies.map((c) => c.target.path), ['/new/y.txt']);
    const copy = planDrop(sources, { siteId: 'b', path: '/new' }, none, 'copy');
    assert.deepEqual(copy.moves, []);
    assert.deepEqual(copy.copies.map((c) => c.target.path), ['/new/x.txt', '/new/y.txt']);
  });

  it('refuses a folder into itself or below it, and leaves an item dropped on its own folder alone', () => {
    const plan = planDrop([folder('b', '/www'), file('b', '/docs/a.txt')], { siteId: 'b', path: '/www/sub' }, none);
    assert.deepEqual(plan.refused.map((r) => [r.source.location.path, r.reason]), [['/www', 'into-itself']]);
    const same = planDrop([file('b', '/docs/a.txt'), folder('b', '/docs/x')], { siteId: 'b', path: '/docs' }, new Set(['a.txt', 'x']));
    assert.deepEqual(same.refused.map((r) => r.reason), ['same-place', 'same-place']);
    assert.deepEqual(same.moves, []);
    // The same folder path on another site is no reason to refuse.
    assert.equal(planDrop([folder('a', '/www')], { siteId: 'b', path: '/www/sub' }, none).copies.length, 1);
  });

  it('marks names the target folder already has, for the one conflict question', () => {
    const plan = planDrop([file('a', '/one'), file('a', '/two'), folder('a', '/dir')], { siteId: 'b', path: '/' }, new Set(['two', 'dir']));
    assert.deepEqual(plan.copies.map((c) => [c.target.path, c.exists]), [
      ['/one', false],
      ['/two', true],
      ['/dir', true],
    ]);
  });

  it('leaves out items inside a dragged folder, duplicates, and a second item of the same name', () => {
    const plan = planDrop(
      [folder('a', '/tree'), file('a', '/tree/inner.txt'), folder('a', '/tree/sub'), folder('a', '/tree'), file('a', '/other/inner.txt'), file('c', '/x/inner.txt')],
      { siteId: 'b', path: '/' },
      none,
    );
    assert.deepEqual(plan.copies.map((c) => `${c.source.location.siteId}:${c.source.location.path}`), ['a:/tree', 'a:/other/inner.txt']);
    assert.deepEqual(plan.refused.map((r) => [r.source.location.siteId, r.reason]), [['c', 'duplicate-name']]);
  });

  it('keeps dot-files and UTF-8 names as they are', () => {
    const plan = planDrop([file('a', '/src/.htaccess'), folder('a', '/src/Übersicht 日本')], { siteId: 'b', path: '/dst' }, none);
    assert.deepEqual(plan.copies.map((c) => c.target.path), ['/dst/.htaccess', '/dst/Übersicht 日本']);
  });

  it('turns copies into queue specs: one per file, one folder spec per folder', () => {
    const ref = (siteId: string): SiteRef => ({ host: '127.0.0.1', port: siteId === 'a' ? 2121 : 2122, siteId, name: siteId.toUpperCase() });
    const plan = planDrop([file('a', '/f.bin'), folder('a', '/d')], { siteId: 'b', path: '/in' }, none);
    const specs = copySpecs(plan.copies, ref, { conflict: 'skip', allowRelay: false });
    assert.deepEqual(specs.files, [
      { source: { site: ref('a'), path: '/f.bin' }, target: { site: ref('b'), path: '/in/f.bin' }, conflict: 'skip', allowRelay: false },
    ]);
    assert.deepEqual(specs.folders.map((f) => [f.source.path, f.target.path, f.conflict]), [['/d', '/in/d', 'skip']]);
  });
});
