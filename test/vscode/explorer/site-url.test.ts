import * as assert from 'node:assert/strict';
import { readSite, remoteUrl } from '../../../src/vscode/explorer/model/site-config';
import { looksLikeUrl, parseSiteUrl } from '../../../src/vscode/explorer/model/site-url';

describe('explorer: a URL typed as the host (issue #16 bug 8)', () => {
  it('fills host, port, user, TLS and folder from ftp://, ftpes:// and ftps:// URLs', () => {
    assert.deepEqual(parseSiteUrl('ftp://alice@files.example.org:2121/www'), { host: 'files.example.org', port: 2121, user: 'alice', password: undefined, tls: 'none', remotePath: 'www' });
    assert.deepEqual(parseSiteUrl(' ftps://bob:s%40cret@10.0.0.5/ '), { host: '10.0.0.5', port: undefined, user: 'bob', password: 's@cret', tls: 'implicit', remotePath: undefined });
    assert.deepEqual(parseSiteUrl('FTPES://[::1]:21/%2Fvar/www/'), { host: '::1', port: 21, user: undefined, password: undefined, tls: 'explicit', remotePath: '/var/www' });
    assert.equal((parseSiteUrl('ftp://h/caf%C3%A9') as { remotePath: string }).remotePath, 'café');
  });

  it('reads back what Copy Remote URL writes', () => {
    const site = readSite({ id: 'a', host: 'h.example', port: 2121, user: 'u s', tls: 'explicit', remotePath: '/srv/ftp' });
    assert.ok(typeof site !== 'string');
    const parsed = parseSiteUrl(remoteUrl(site, '/srv/ftp'));
    assert.deepEqual(parsed, { host: 'h.example', port: 2121, user: 'u s', password: undefined, tls: 'explicit', remotePath: '/srv/ftp' });
  });

  it('says what is wrong with other URLs, and leaves bare host names alone', () => {
    assert.match(String(parseSiteUrl('sftp://h/x')), /sftp:\/\/ is not FTP/);
    assert.equal(parseSiteUrl('ftp://'), 'not a valid URL');
    assert.equal(looksLikeUrl('ftp.example.org'), false);
    assert.equal(looksLikeUrl('192.168.1.2'), false);
    assert.equal(looksLikeUrl('ftp://x'), true);
  });
});
