import * as assert from 'node:assert/strict';
import { baseName, isSameOrInside, joinPath, locationOf, normalizeRemotePath, parentPath, resolveRemotePath, SCHEME, uriPartsOf } from '../../../src/vscode/explorer/model/site-uri';

describe('explorer: ferry:// URIs and remote paths', () => {
  it('normalises remote paths to absolute ones without trailing slashes', () => {
    assert.equal(normalizeRemotePath(''), '/');
    assert.equal(normalizeRemotePath('/'), '/');
    assert.equal(normalizeRemotePath('www/'), '/www');
    assert.equal(normalizeRemotePath('/a//b/../c/'), '/a/c');
    assert.equal(normalizeRemotePath('/../..'), '/');
  });

  it('maps a URI to the site and path and back', () => {
    const location = locationOf({ scheme: SCHEME, authority: 'My-Site', path: '/var/www/index.html' });
    assert.deepEqual(location, { siteId: 'my-site', path: '/var/www/index.html' });
    assert.deepEqual(uriPartsOf(location), { scheme: 'ferry', authority: 'my-site', path: '/var/www/index.html' });
    assert.deepEqual(locationOf({ scheme: 'ferry', authority: 'a', path: '' }), { siteId: 'a', path: '/' });
  });

  it('refuses other schemes and URIs without a site', () => {
    assert.throws(() => locationOf({ scheme: 'file', authority: '', path: '/tmp' }), /not a ferry: URI/);
    assert.throws(() => locationOf({ scheme: 'ferry', authority: '', path: '/tmp' }), /without a site/);
  });

  it('resolves a site folder relative to the login directory', () => {
    assert.equal(resolveRemotePath('/home/alice', 'www'), '/home/alice/www');
    assert.equal(resolveRemotePath('/home/alice', '/srv'), '/srv');
    assert.equal(resolveRemotePath('/home/alice', undefined), '/home/alice');
    assert.equal(resolveRemotePath('', 'x'), '/x');
  });

  it('splits and joins paths', () => {
    assert.equal(parentPath('/a/b.txt'), '/a');
    assert.equal(parentPath('/a'), '/');
    assert.equal(parentPath('/'), '/');
    assert.equal(baseName('/a/b.txt'), 'b.txt');
    assert.equal(baseName('/'), '');
    assert.equal(joinPath('/a', 'b c'), '/a/b c');
    assert.equal(joinPath('/', 'x'), '/x');
  });

  it('knows what is inside what', () => {
    assert.equal(isSameOrInside('/a/b', '/a'), true);
    assert.equal(isSameOrInside('/a', '/a'), true);
    assert.equal(isSameOrInside('/ab', '/a'), false);
    assert.equal(isSameOrInside('/anything', '/'), true);
    assert.equal(isSameOrInside('/a', '/a/b'), false);
  });
});
