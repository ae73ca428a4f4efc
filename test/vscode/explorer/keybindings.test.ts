import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
interface Keybinding {
  command: string;
  key: string;
  mac?: string;
  when: string;
}
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { keybindings: Keybinding[]; commands: { command: string }[]; views: Record<string, { id: string }[]> } };

/** Evaluates the selection part of a when clause (`ferry.explorer.selection == x` or `=~ /re/`) for one kind. */
function selectionMatches(when: string, kind: string): boolean {
  const equal = /ferry\.explorer\.selection == (\w+)/.exec(when);
  if (equal) return equal[1] === kind;
  const regex = /ferry\.explorer\.selection =~ \/(.+?)\/(?: |$)/.exec(when);
  return regex ? new RegExp(regex[1]).test(kind) : true;
}

describe('explorer: keybindings in the Sites view', () => {
  const keys = manifest.contributes.keybindings;
  const byKey = (key: string) => keys.find((k) => k.key === key)!;

  it('binds F2, Delete (Cmd+Backspace on mac), Enter and Ctrl/Cmd+R to contributed commands', () => {
    assert.deepEqual(keys.map((k) => [k.key, k.mac, k.command]).sort(), [
      ['ctrl+r', 'cmd+r', 'ferry.refreshAll'],
      ['delete', 'cmd+backspace', 'ferry.delete'],
      ['enter', undefined, 'ferry.openFile'],
      ['f2', undefined, 'ferry.rename'],
    ].sort());
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const k of keys) assert.ok(contributed.has(k.command), k.command);
  });

  it('scopes every key to the focused Sites view, outside input boxes', () => {
    const sitesView = Object.values(manifest.contributes.views).flat().find((v) => v.id === 'ferry.sites');
    assert.ok(sitesView);
    for (const k of keys) {
      assert.match(k.when, /(^| )focusedView == ferry\.sites( |$)/, k.key);
      assert.match(k.when, /!inputFocus/, k.key);
    }
    for (const key of ['f2', 'delete', 'enter']) assert.match(byKey(key).when, /listFocus/, key);
  });

  it('lets F2 act on one kind of entry, Delete on files and folders, Enter on files only: never on sites', () => {
    const kinds = ['file', 'folder', 'entries', 'site', 'mixed', 'message', 'none'];
    const acted = (key: string) => kinds.filter((kind) => selectionMatches(byKey(key).when, kind));
    assert.deepEqual(acted('f2'), ['file', 'folder']);
    assert.deepEqual(acted('delete'), ['file', 'folder', 'entries']);
    assert.deepEqual(acted('enter'), ['file']);
  });
});
