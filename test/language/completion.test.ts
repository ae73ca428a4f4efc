import * as assert from 'node:assert/strict';
import { CompletionItem, InsertTextFormat, MarkupContent, TextEdit } from 'vscode-languageserver';
import { TUNABLES } from '../../src/core/server';
import { completeAt } from '../../src/language/completion';
import { applyEdits } from './helpers';

const doc = (item: CompletionItem) => (item.documentation as MarkupContent).value;
const edit = (item: CompletionItem) => item.textEdit as TextEdit;

describe('config language: completion', () => {
  it('offers every tunable and user on an empty line, with docs and defaults from the table', () => {
    const items = completeAt('', { line: 0, character: 0 });
    assert.deepEqual(items.map((i) => i.label), [...Object.keys(TUNABLES), 'user']);
    const port = items.find((i) => i.label === 'listen_port')!;
    assert.match(doc(port), new RegExp(TUNABLES.listen_port.doc.replace(/[()]/g, '\\$&')));
    assert.match(port.detail!, /port · default 2121 · 0–65535/);
    assert.equal(port.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(edit(port).newText, 'listen_port = ${1:2121}');
    assert.equal(edit(items.find((i) => i.label === 'local_umask')!).newText, 'local_umask = ${1:077}');
    assert.equal(edit(items.find((i) => i.label === 'anonymous_enable')!).newText, 'anonymous_enable = ${1|NO,YES|}');
  });

  it('replaces only the typed prefix and leaves out keys set on other lines', () => {
    const text = 'listen_port = 2121\n  lis';
    const items = completeAt(text, { line: 1, character: 5 });
    assert.ok(!items.some((i) => i.label === 'listen_port'));
    const address = items.find((i) => i.label === 'listen_address')!;
    assert.deepEqual(edit(address).range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    assert.equal(applyEdits(text, [{ ...edit(address), newText: 'listen_address = 127.0.0.1' }]), 'listen_port = 2121\n  listen_address = 127.0.0.1');
  });

  it('inserts only the key when the line already has a value', () => {
    const items = completeAt('max_c = 3', { line: 0, character: 5 });
    const item = items.find((i) => i.label === 'maximum_clients')!;
    assert.equal(applyEdits('max_c = 3', [edit(item)]), 'maximum_clients = 3');
  });

  it('offers YES and NO after a boolean key, the default preselected, with a range around the cursor', () => {
    const text = 'anonymous_enable = ';
    const items = completeAt(text, { line: 0, character: text.length });
    assert.deepEqual(items.map((i) => [i.label, i.preselect]), [['YES', false], ['NO', true]]);
    assert.equal(applyEdits(text, [edit(items[0])]), 'anonymous_enable = YES');
    const typed = 'force_tls = ye';
    const [yes] = completeAt(typed, { line: 0, character: typed.length });
    assert.equal(applyEdits(typed, [edit(yes)]), 'force_tls = YES');
  });

  it('offers the default for other keys, nothing for unknown keys, comments or empty defaults', () => {
    assert.deepEqual(completeAt('local_umask = ', { line: 0, character: 14 }).map((i) => i.label), ['077']);
    assert.deepEqual(completeAt('nope = ', { line: 0, character: 7 }), []);
    assert.deepEqual(completeAt('# listen', { line: 0, character: 8 }), []);
    assert.deepEqual(completeAt('pasv_address = ', { line: 0, character: 15 }), []);
  });
});
