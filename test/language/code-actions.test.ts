import * as assert from 'node:assert/strict';
import { TextEdit } from 'vscode-languageserver';
import { parseConfig } from '../../src/core/server';
import { parsePasswordHash, verifyPassword } from '../../src/core/server/password';
import { codeActionsFor, resolveHashPassword } from '../../src/language/code-actions';
import { computeDiagnostics } from '../../src/language/diagnostics';
import { applyEdits } from './helpers';

const URI = 'file:///ws/mini_ftpd.conf';
const wholeText = (text: string) => ({ start: { line: 0, character: 0 }, end: { line: text.split('\n').length - 1, character: 0 } });
const editsOf = (action: { edit?: { changes?: Record<string, TextEdit[]> } }) => action.edit?.changes?.[URI] ?? [];

describe('config language: code actions', () => {
  it('"did you mean" replaces an unknown key with the suggestion, which makes the file valid', () => {
    const text = 'listen_address = 127.0.0.1\nmax_con_per_ip = 4';
    const diagnostics = computeDiagnostics(text);
    const [fix] = codeActionsFor(text, URI, diagnostics[0].range, diagnostics);
    assert.equal(fix.title, 'Change to "max_conns_per_ip"');
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, diagnostics);
    const fixed = applyEdits(text, editsOf(fix));
    assert.equal(fixed, 'listen_address = 127.0.0.1\nmax_conns_per_ip = 4');
    assert.deepEqual(parseConfig(fixed).problems, []);
  });

  it('hashes a plain password only when the action is resolved, and the server accepts the result', async () => {
    const text = '# users\nuser = alice:s3cret:elr:/srv/ftp\n';
    const diagnostics = computeDiagnostics(text);
    const actions = codeActionsFor(text, URI, wholeText(text), diagnostics);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].edit, undefined);
    assert.deepEqual(actions[0].diagnostics, diagnostics);
    const resolved = await resolveHashPassword(text, actions[0]);
    const fixed = applyEdits(text, editsOf(resolved));
    const [, name, hash, rest] = /^user = (\w+):(scrypt\$[^:]+):(.*)$/m.exec(fixed)!;
    assert.deepEqual([name, rest], ['alice', 'elr:/srv/ftp']);
    assert.ok(await verifyPassword('s3cret', parsePasswordHash(hash)!));
    assert.deepEqual(parseConfig(fixed).problems, []);
  });

  it('offers no hashing for hashed passwords or incomplete lines, and resolves a changed line to no edit', async () => {
    const hashed = computeDiagnostics('user = alice:scrypt$16384$8$1$YWJj$ZGVm:elr');
    assert.deepEqual(hashed, []);
    assert.deepEqual(codeActionsFor('user = alice:scrypt$16384$8$1$YWJj$ZGVm:elr\nuser = bob:pw', URI, wholeText('a\nb'), []), []);
    const [action] = codeActionsFor('user = a:pw:elr', URI, wholeText('x'), []);
    const resolved = await resolveHashPassword('user = a:scrypt$16384$8$1$YWJj$ZGVm:elr', action);
    assert.equal(resolved.edit, undefined);
  });
});
