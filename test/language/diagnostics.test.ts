import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { computeDiagnostics, UnknownKeyData } from '../../src/language/diagnostics';
import { testPasswordHash } from '../helpers/ferry-server';
import { textAt } from './helpers';

describe('config language: diagnostics', () => {
  it('a valid file with comments, blanks and a hashed user has none', async () => {
    const text = `# comment\n\nlisten_port = 2121\n  local_umask = 022\nanonymous_enable = YES\nuser = alice:${await testPasswordHash()}:elr\n`;
    assert.deepEqual(computeDiagnostics(text), []);
  });

  it('marks an unknown key on the key itself and suggests the closest ones', () => {
    const text = 'listen_prot = 2121';
    const [d] = computeDiagnostics(text);
    assert.equal(d.code, 'unknown-key');
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(textAt(text, d.range), 'listen_prot');
    assert.equal((d.data as UnknownKeyData).suggestions[0], 'listen_port');
    assert.match(d.message, /unknown key "listen_prot" — did you mean "listen_port"/);
  });

  it('gives no suggestion for a key that resembles nothing', () => {
    const [d] = computeDiagnostics('zzzzzzzzzz = 1');
    assert.deepEqual((d.data as UnknownKeyData).suggestions, []);
    assert.equal(d.message, 'unknown key "zzzzzzzzzz"');
  });

  it('marks wrong types and out-of-range values on the value', () => {
    const text = 'max_conns_per_ip = many\nlisten_port =   70000  \nanonymous_enable = maybe\nlocal_umask = 0999';
    const ds = computeDiagnostics(text);
    assert.deepEqual(
      ds.map((d) => [d.range.start.line, textAt(text, d.range), d.code]),
      [
        [0, 'many', 'value'],
        [1, '70000', 'value'],
        [2, 'maybe', 'value'],
        [3, '0999', 'value'],
      ],
    );
    assert.match(ds[0].message, /expects a whole number/);
    assert.match(ds[1].message, /between 0 and 65535/);
    assert.match(ds[2].message, /YES or NO/);
  });

  it('reports a duplicate key on its second occurrence, naming the first line', () => {
    const text = 'listen_port = 1\n\nlisten_port = 2';
    const [d] = computeDiagnostics(text);
    assert.equal(d.code, 'duplicate');
    assert.equal(d.range.start.line, 2);
    assert.equal(textAt(text, d.range), 'listen_port');
    assert.match(d.message, /already set on line 1/);
  });

  it('reports malformed user lines on their value', () => {
    const text = 'user = alice\nuser = bob:secret:elr\nuser = carol:scrypt$1$2$3$x$y:elr';
    const ds = computeDiagnostics(text);
    assert.deepEqual(ds.map((d) => [d.range.start.line, d.code]), [[0, 'user'], [1, 'user'], [2, 'user']]);
    assert.equal(textAt(text, ds[1].range), 'bob:secret:elr');
    assert.match(ds[0].message, /name:scrypt-hash:perms/);
    assert.match(ds[1].message, /plain text is not accepted/);
  });

  it('marks the whole line when the value is missing', () => {
    const text = '  force_tls =   ';
    assert.equal(textAt(text, computeDiagnostics(text)[0].range), 'force_tls =');
  });

  it('reports a line without "=" over the whole line, and a bad passive range', () => {
    const text = '  just words\npasv_min_port = 3000\npasv_max_port = 2000';
    const ds = computeDiagnostics(text);
    assert.equal(textAt(text, ds[0].range), 'just words');
    assert.equal(ds[0].code, 'syntax');
    assert.equal(ds[1].code, 'range');
    assert.equal(ds[1].range.start.line, 2);
  });
});
