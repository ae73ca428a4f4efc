import * as assert from 'node:assert/strict';
import type { SiteConfig } from '../../../src/vscode/explorer/model/site-config';
import { savedSiteOf, siteRefOf } from '../../../src/vscode/fxp/model/site-ref';

const site = (fields: Partial<SiteConfig>): SiteConfig => ({ id: 'a', name: 'A', host: '127.0.0.1', tls: 'none', dataMode: 'auto', ...fields });

describe('fxp: saved sites in the queue file', () => {
  it('keeps every connection setting, the id and the name, never a password', () => {
    const ref = siteRefOf(site({ port: 2121, user: 'u', tls: 'explicit', certificate: 'insecure', activePortRange: '50000-50010', encoding: 'latin1', maxConnections: 4, remotePath: '/www' }));
    assert.deepEqual(ref, { host: '127.0.0.1', port: 2121, user: 'u', tls: 'explicit', dataMode: 'auto', certificate: 'insecure', activePortRange: [50000, 50010], encoding: 'latin1', siteId: 'a', name: 'A' });
    assert.doesNotMatch(JSON.stringify(ref), /password/);
  });

  it('finds the saved site of a job: by id, or by host, port and user for jobs from `ferry queue add`', () => {
    const sites = [site({ id: 'a', port: 2121, user: 'u' }), site({ id: 'b', port: 21, user: 'u' }), site({ id: 'c', tls: 'implicit' })];
    assert.equal(savedSiteOf({ host: 'x', siteId: 'b' }, sites)?.id, 'b');
    assert.equal(savedSiteOf({ host: '127.0.0.1', siteId: 'gone' }, sites), undefined);
    assert.equal(savedSiteOf({ host: '127.0.0.1', port: 2121, user: 'u' }, sites)?.id, 'a');
    assert.equal(savedSiteOf({ host: '127.0.0.1', user: 'u' }, sites)?.id, 'b', 'no port means 21');
    assert.equal(savedSiteOf({ host: '127.0.0.1', port: 990 }, sites)?.id, 'c', 'implicit TLS defaults to 990');
    assert.equal(savedSiteOf({ host: '127.0.0.1', port: 2121, user: 'other' }, sites), undefined);
  });
});
