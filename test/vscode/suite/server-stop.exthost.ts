/**
 * Stop Server asks first when clients are connected ("N clients are connected (who, from where). Stop?"), keeps
 * serving on Cancel, and stops at once when nobody is connected.
 */
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'basic-ftp';
import * as vscode from 'vscode';
import type { ServeResult } from '../../../src/vscode/server/commands';
import { eventually, EXTENSION_ID, MessageRecorder, portRefuses, setServerSetting, workspaceFolder } from '../server/exthost-kit';

const serve = () => vscode.commands.executeCommand<ServeResult | undefined>('ferry.server.start');
const stop = () => vscode.commands.executeCommand<boolean>('ferry.server.stop');
const portOf = (url: string) => Number(/:(\d+)\/$/.exec(url)?.[1]);
const STOP_QUESTION = /connected \(.*\)\. Stop the server\?$/;

describe('Serve Workspace: Stop asks when clients are connected (extension host)', function () {
  this.timeout(60_000);
  let ui: MessageRecorder;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    rmSync(path.join(workspaceFolder().uri.fsPath, 'mini_ftpd.conf'), { force: true });
    await setServerSetting('listenPort', 0);
  });
  beforeEach(() => (ui = new MessageRecorder()));
  afterEach(async () => {
    ui.answer(STOP_QUESTION, 'Stop');
    await stop();
    ui.restore();
  });
  after(() => setServerSetting('listenPort', undefined));

  /** Starts the server and logs two basic-ftp clients in with the generated password. */
  async function serveWithClients(count: number): Promise<{ port: number; clients: Client[] }> {
    ui.answer(/^Serving/, 'Copy Password');
    await vscode.env.clipboard.writeText('');
    const result = await serve();
    assert.ok(result, `the server started (messages: ${JSON.stringify(ui.shown)})`);
    const password = await eventually('the password on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
    const port = portOf(result.url);
    const clients: Client[] = [];
    for (let i = 0; i < count; i++) {
      const client = new Client(10_000);
      clients.push(client);
      await client.access({ host: '127.0.0.1', port, user: 'ferry', password });
    }
    await eventually('the sessions known to the extension', async () => {
      const items = await vscode.commands.executeCommand<{ label: string }[]>('ferry.server.sessionItems');
      return items.filter((i) => i.label === 'ferry').length === count ? true : undefined;
    });
    return { port, clients };
  }

  it('names the connected clients; Cancel keeps serving them, Stop stops', async () => {
    const { port, clients } = await serveWithClients(2);
    try {
      assert.equal(await stop(), false, 'not stopped without an answer (Cancel)');
      const question = await ui.waitFor(STOP_QUESTION);
      assert.equal(question.level, 'warning');
      assert.equal(question.text, '2 clients are connected (ferry 127.0.0.1, ferry 127.0.0.1). Stop the server?');
      assert.deepEqual(question.items, ['Stop']);
      assert.ok((await clients[0].list()).length >= 0, 'the client still works after Cancel');

      ui.answer(STOP_QUESTION, 'Stop');
      assert.equal(await stop(), true);
      assert.equal(await portRefuses(port), true, 'nothing listens after Stop');
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('stops without a question when nobody is connected', async () => {
    const { port } = await serveWithClients(0);
    assert.equal(await stop(), true);
    assert.equal(await portRefuses(port), true);
    assert.deepEqual(ui.matching(STOP_QUESTION), []);
  });
});
