import * as assert from 'node:assert/strict';
import { JsoncError, parseJsonc } from '../../../src/vscode/explorer/model/jsonc';
import { parseSftpJson } from '../../../src/vscode/explorer/model/sftp-json';

describe('explorer: .vscode/sftp.json import', () => {
  it('imports an FTP config with comments and trailing commas', () => {
    const text = `{
      // the SFTP extension's config
      "name": "Blog",
      "protocol": "ftp",
      "host": "ftp.blog.example", /* inline */
      "port": 2121,
      "username": "writer",
      "password": "pa//ss",
      "remotePath": "/public_html",
      "secure": true,
      "secureOptions": { "rejectUnauthorized": false },
      "concurrency": 3,
      "uploadOnSave": true,
      "ignore": [".vscode", "/.git", "./node_modules", "*.log", 42],
    }`;
    assert.deepEqual(parseSftpJson(text, 'project'), {
      sites: [
        {
          site: { name: 'Blog', host: 'ftp.blog.example', port: 2121, user: 'writer', tls: 'explicit', certificate: 'insecure', dataMode: 'auto', remotePath: '/public_html', maxConnections: 3, exclude: ['.vscode', '/.git', 'node_modules', '*.log'] },
          password: 'pa//ss',
        },
      ],
      skipped: [],
    });
  });

  it('reads arrays, profiles and the secure variants; skips SFTP entries', () => {
    const text = JSON.stringify([
      { name: 'ssh', host: 'a', protocol: 'sftp' },
      { host: 'b.example', protocol: 'ftp', secure: 'implicit' },
      { name: 'multi', host: 'c', protocol: 'ftp', secure: 'control', profiles: { dev: { host: 'dev.c' }, prod: { host: 'prod.c', secure: false } } },
      { protocol: 'ftp' },
    ]);
    const { sites, skipped } = parseSftpJson(text, 'fallback');
    assert.deepEqual(
      sites.map((s) => [s.site.name, s.site.host, s.site.tls]),
      [
        ['b.example', 'b.example', 'implicit'],
        ['multi (dev)', 'dev.c', 'explicit'],
        ['multi (prod)', 'prod.c', 'none'],
      ],
    );
    assert.deepEqual(skipped, [
      { name: 'ssh', reason: 'protocol sftp is not FTP' },
      { name: 'fallback', reason: 'no host' },
    ]);
    assert.equal(sites[0].password, undefined);
  });

  it('treats a config without protocol as SFTP, as the extension does', () => {
    assert.deepEqual(parseSftpJson('{"host":"h"}', 'x').skipped, [{ name: 'h', reason: 'protocol sftp is not FTP' }]);
  });

  it('parses JSONC without touching strings', () => {
    assert.deepEqual(parseJsonc('\uFEFF{"u": "http://x/*y*/", // c\n "a": [1,2,],}'), { u: 'http://x/*y*/', a: [1, 2] });
    assert.deepEqual(parseJsonc('"a\\"//b"'), 'a"//b');
    assert.deepEqual(parseJsonc('["x,]", 1, /* c */ ]'), ['x,]', 1]);
    assert.throws(() => parseJsonc('{"a": }'));
  });

  it('reports a syntax error at its line and column in the text as written, after comments and trailing commas', () => {
    // Comments and a trailing comma before the fault: a scanner that rewrites the text would count in the rewritten one.
    const text = '\uFEFF{\n  // comment, with a comma\n  "host": "h", /* block\n  spanning */ "a": [1, 2,],\n  "port": 21 21\n}';
    const error = (() => {
      try {
        parseJsonc(text);
      } catch (err) {
        return err;
      }
      assert.fail('parsed');
    })();
    assert.ok(error instanceof JsoncError);
    assert.deepEqual([error.line, error.column], [5, 14]);
    assert.equal(text.slice(error.offset, error.offset + 2), '21');
    assert.match(error.message, /^line 5, column 14: /);
  });
});
