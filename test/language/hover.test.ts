import * as assert from 'node:assert/strict';
import { MarkupContent } from 'vscode-languageserver';
import { TUNABLES } from '../../src/core/server';
import { hoverAt } from '../../src/language/hover';

const markdown = (text: string, line: number, character: number) => (hoverAt(text, { line, character })?.contents as MarkupContent | undefined)?.value;

describe('config language: hover', () => {
  it('documents a key from the tunables table, on the key and on its value', () => {
    const text = '# x\n  idle_data_timeout = 20';
    const onKey = markdown(text, 1, 4)!;
    assert.ok(onKey.includes(TUNABLES.idle_data_timeout.doc));
    assert.match(onKey, /uint \(s\) · default 300/);
    assert.equal(markdown(text, 1, 23), onKey);
    assert.deepEqual(hoverAt(text, { line: 1, character: 4 })!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 19 } });
  });

  it('documents the user line', () => {
    assert.match(markdown('user = a:b:elr', 0, 1)!, /name:scrypt-hash:perms\[:root\]/);
  });

  it('has nothing for unknown keys, comments, blank lines or before the key', () => {
    assert.equal(hoverAt('nope = 1', { line: 0, character: 1 }), null);
    assert.equal(hoverAt('# listen_port', { line: 0, character: 4 }), null);
    assert.equal(hoverAt('', { line: 0, character: 0 }), null);
    assert.equal(hoverAt('   listen_port = 1', { line: 0, character: 1 }), null);
  });
});
