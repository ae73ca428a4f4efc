import * as assert from 'node:assert/strict';
import { parseFtpUrl } from '../../src/cli/ftp-url';
import { UsageError } from '../../src/cli/args';

describe('ftp:// URL parsing (CLI)', () => {
  it('reads user, password, host, port and a path relative to the login directory', () => {
    const t = parseFtpUrl('ftp://alice:s%40cret@example.org:2121/dir/my%20file.txt');
    assert.deepEqual(t.site, { host: 'example.org', port: 2121, user: 'alice', password: 's@cret', tls: 'none' });
    assert.equal(t.path, 'dir/my file.txt');
    assert.equal(t.directory, false);
  });
  it('makes %2F paths absolute and notices a trailing slash', () => {
    const t = parseFtpUrl('ftp://h/%2Fvar/www/');
    assert.equal(t.path, '/var/www');
    assert.equal(t.directory, true);
  });
  it('maps ftpes:// to explicit and ftps:// to implicit TLS, and takes FERRY_PASSWORD', () => {
    assert.equal(parseFtpUrl('ftpes://u@h/').site.tls, 'explicit');
    const implicit = parseFtpUrl('ftps://u@[::1]/x', { FERRY_PASSWORD: 'envpw' });
    assert.equal(implicit.site.tls, 'implicit');
    assert.equal(implicit.site.host, '::1');
    assert.equal(implicit.site.password, 'envpw');
  });
  it('keeps Unicode paths, and turns %XX bytes that are not UTF-8 into escape characters (sent as those bytes)', () => {
    assert.equal(parseFtpUrl('ftp://h/中文/%E6%96%87.txt').path, '中文/文.txt');
    assert.equal(parseFtpUrl('ftp://h/%D6%D0%CE%C4.txt').path, '\uEFD6\uEFD0\uEFCE\uEFC4.txt');
    assert.equal(parseFtpUrl('ftp://h/a%20b%FF').path, 'a b\uEFFF');
  });
  it('rejects other schemes and non-URLs with a usage error', () => {
    assert.throws(() => parseFtpUrl('sftp://h/x'), UsageError);
    assert.throws(() => parseFtpUrl('not a url'), UsageError);
  });
});
