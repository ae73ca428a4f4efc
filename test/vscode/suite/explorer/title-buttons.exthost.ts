/**
 * Issue #16 bug 3: VS Code passes the focused tree row to a view's title-bar commands (extHostTreeViews converts
 * `$focusedTreeItem` to the element), so "+" (Add Site…) with a row selected got a site node as its "fields" and
 * failed with "site site has no host". The title-bar commands must take such a node (or null) for what it is.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MessageRecorder } from '../../server/exthost-kit';
import { activate, addSite, eventually, removeSite } from './fixture';

const storedSites = () => vscode.workspace.getConfiguration('ferry').get<Record<string, unknown>[]>('sites', []);

describe('explorer: title-bar commands with a row focused', function () {
  this.timeout(60_000);
  let siteId: string;
  let messages: MessageRecorder;

  before(async () => {
    await activate();
    siteId = await addSite({ name: 'Focused row', host: '127.0.0.1', port: 9, user: 'u', password: 'p', tls: 'none' });
  });
  beforeEach(() => (messages = new MessageRecorder()));
  afterEach(() => messages.restore());
  after(() => removeSite(siteId));

  for (const [what, focused] of [
    ['a site row', () => ({ kind: 'site', site: storedSites().find((s) => s.id === siteId) })],
    ['no row (null)', () => null],
  ] as const) {
    it(`"+" with ${what} focused opens the Add Site flow instead of saving the row as a site`, async () => {
      const before = storedSites().length;
      const adding = vscode.commands.executeCommand<string | undefined>('ferry.addSite', focused());
      // The flow's first step is on screen: close it as the user would (Escape).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await adding, undefined, 'cancelled flow, nothing added');
      assert.equal(storedSites().length, before);
      assert.deepEqual(messages.shown.filter((m) => m.level === 'error'), [], 'no error shown');
    });
  }

  it('Refresh All in the title bar refreshes every site whatever row is focused', async () => {
    await vscode.commands.executeCommand('ferry.refreshAll', { kind: 'site', site: storedSites().find((s) => s.id === siteId) });
    await eventually('no error', () => (messages.shown.length === 0 ? true : undefined), 1000);
  });
});
