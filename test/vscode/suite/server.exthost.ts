/**
 * "Serve Workspace over FTP" in the real workbench: the commands start a server in a child
 * process, real clients (basic-ftp, curl) use it, the Sessions view follows, settings and
 * mini_ftpd.conf changes prompt a restart that applies them, failures become one message with
 * the fix, and Stop closes the port.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import * as vscode from 'vscode';
import { hashPassword } from '../../../src/core/server';
import type { ServeResult } from '../../../src/vscode/server/commands';
import { planLaunch } from '../../../src/vscode/server/model/launch-plan';
import { ServerMessages } from '../../../src/vscode/server/server-messages';
import { freePort } from '../lib/util';
import { curl, eventually, EXTENSION_ID, MessageRecorder, portRefuses, setServerSetting, workspaceFolder } from '../server/exthost-kit';

interface SessionItem {
  id: number;
  label: string;
  description: string;
}

const SETTINGS_USED = ['listenPort', 'maxConnsPerIp', 'localRoot', 'forceTls'];
const configFile = () => path.join(workspaceFolder().uri.fsPath, 'mini_ftpd.conf');
const serve = () => vscode.commands.executeCommand<ServeResult | undefined>('ferry.server.start');
const sessionItems = () => vscode.commands.executeCommand<SessionItem[]>('ferry.server.sessionItems');
const portOf = (url: string) => Number(/:(\d+)\/$/.exec(url)?.[1]);

/** Connects basic-ftp and returns the client with the 220 greeting's text. */
async function connect(port: number): Promise<{ client: Client; greeting: string }> {
  const client = new Client(10_000);
  const greeting = await client.connect('127.0.0.1', port);
  return { client, greeting: greeting.message };
}

describe('Serve Workspace over FTP (extension host)', function () {
  this.timeout(90_000);
  let ui: MessageRecorder;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    // Suites share one workspace: start without a config file another suite may have left.
    rmSync(configFile(), { force: true });
  });
  beforeEach(() => (ui = new MessageRecorder()));
  afterEach(async () => {
    ui.answer(/Stop the server\?$/, 'Stop'); // a client left connected by a failed test
    await vscode.commands.executeCommand('ferry.server.stop');
    ui.restore();
    rmSync(configFile(), { force: true });
    for (const name of SETTINGS_USED) await setServerSetting(name, undefined);
  });

  it('serves the folder with a generated login; basic-ftp and curl use it, the Sessions view shows and disconnects the client; Stop closes the port', async () => {
    await setServerSetting('listenPort', 0);
    ui.answer(/^Serving/, 'Copy Password');
    await vscode.env.clipboard.writeText('');
    const result = await serve();
    assert.ok(result, `the server started (messages: ${JSON.stringify(ui.shown)})`);
    assert.match(result.url, /^ftp:\/\/ferry@127\.0\.0\.1:\d+\/$/);
    assert.equal(result.folder, workspaceFolder().uri.fsPath);
    const ready = await ui.waitFor(/^Serving/);
    assert.deepEqual(ready.items, ['Copy URL', 'Copy Password', 'Open Settings']);
    const password = await eventually('the password on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
    const port = portOf(result.url);

    const { client } = await connect(port);
    try {
      await client.login('ferry', password);
      await client.uploadFrom(Readable.from([Buffer.from('uploaded by basic-ftp')]), 'from-basic-ftp.txt');
      assert.equal(readFileSync(path.join(workspaceFolder().uri.fsPath, 'from-basic-ftp.txt'), 'utf8'), 'uploaded by basic-ftp');

      const fetched = await curl([`ftp://127.0.0.1:${port}/from-basic-ftp.txt`, '--user', `ferry:${password}`]);
      assert.equal(fetched.code, 0, fetched.stderr);
      assert.equal(fetched.stdout, 'uploaded by basic-ftp');

      const [item] = await eventually('the logged-in session in the Sessions view', async () => {
        const items = await sessionItems();
        return items.length === 1 && items[0].label === 'ferry' ? items : undefined;
      });
      assert.match(item.description, /^127\.0\.0\.1 · since /);

      const again = await serve();
      assert.equal(again?.url, result.url, 'serving the served folder again keeps the server');
      assert.deepEqual((await sessionItems()).map((i) => i.id), [item.id], 'and its sessions');

      await vscode.commands.executeCommand('ferry.server.disconnect', { id: item.id });
      await eventually('the session gone from the view', async () => ((await sessionItems()).length === 0 ? true : undefined));
      await assert.rejects(client.list(), 'the disconnected client is closed');
    } finally {
      client.close();
    }

    await vscode.commands.executeCommand('ferry.server.stop');
    assert.equal(await portRefuses(port), true, 'nothing listens after Stop');
    assert.deepEqual(await sessionItems(), []);
  });

  it('prefers mini_ftpd.conf, and a settings or file change prompts a restart that applies it', async () => {
    const port = await freePort();
    const conf = (banner: string) => `# test config\nlisten_port = ${port}\nftpd_banner = ${banner}\nuser = tester:${hash}:elr\n`;
    const hash = await hashPassword('secret');
    writeFileSync(configFile(), conf('First banner'));
    await setServerSetting('listenPort', 1); // the file's listen_port wins over this setting
    ui.answer(/configuration changed/, 'Restart Server');

    const result = await serve();
    assert.equal(result?.url, `ftp://127.0.0.1:${port}/`, 'configured users: no generated user in the URL');
    assert.deepEqual((await ui.waitFor(/^Serving/)).items, ['Copy URL', 'Open Settings']);
    const first = await connect(port);
    try {
      assert.match(first.greeting, /First banner/);
      await assert.rejects(first.client.login('ferry', 'anything'), (err: unknown) => err instanceof FTPError && err.code === 530);
    } finally {
      first.client.close();
    }

    // A setting the file does not set: the prompt comes, "Restart Server" applies it.
    await setServerSetting('maxConnsPerIp', 1);
    await ui.waitFor(/configuration changed/);
    await ui.waitFor(/^Serving/, 2);
    const one = await connect(port);
    try {
      await one.client.login('tester', 'secret');
      const second = new net.Socket();
      const refusal = await new Promise<string>((resolve, reject) => {
        second.once('data', (d) => resolve(d.toString()));
        second.once('error', reject);
        second.connect(port, '127.0.0.1');
      });
      second.destroy();
      assert.match(refusal, /^421 .*max_conns_per_ip = 1/);
    } finally {
      one.client.close();
    }

    // The file changes on disk: prompt again, and the restart serves the new banner.
    writeFileSync(configFile(), conf('Second banner'));
    await ui.waitFor(/configuration changed/, 2);
    await ui.waitFor(/^Serving/, 3);
    const after = await connect(port);
    after.client.close();
    assert.match(after.greeting, /Second banner/);
  });

  it('turns a taken port, a bad mini_ftpd.conf and a missing root into one message with the fix', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      await setServerSetting('listenPort', taken);
      assert.equal(await serve(), undefined);
      const message = await ui.waitFor(new RegExp(`^Port ${taken} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(message.level, 'error');
      assert.deepEqual(message.items, ['Open Settings']);
    } finally {
      blocker.close();
    }

    writeFileSync(configFile(), 'listen_port = 0\nlisten_prot = 2121\n');
    ui.answer(/has problems/, 'Open mini_ftpd.conf');
    assert.equal(await serve(), undefined);
    const bad = await ui.waitFor(/has problems/);
    assert.match(bad.text, /mini_ftpd\.conf:2: unknown key "listen_prot"/);
    const editor = await eventually('mini_ftpd.conf opened at the problem', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === configFile() ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.selection.active.line, 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(configFile());

    await setServerSetting('listenPort', 0);
    await setServerSetting('localRoot', 'no-such-folder');
    assert.equal(await serve(), undefined);
    const root = await ui.waitFor(/does not exist or is not a folder/);
    assert.ok(root.text.startsWith(path.join(workspaceFolder().uri.fsPath, 'no-such-folder')), root.text);
    assert.deepEqual(root.items, ['Open Settings']);
    assert.equal(existsSync(configFile()), false);
  });

  it('with force_tls on, plain logins are refused and curl gets the files over TLS', async () => {
    await setServerSetting('listenPort', 0);
    await setServerSetting('forceTls', true);
    ui.answer(/^Serving/, 'Copy Password');
    await vscode.env.clipboard.writeText('');
    const result = await serve();
    assert.ok(result, JSON.stringify(ui.shown));
    const password = await eventually('the password on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
    const port = portOf(result.url);
    writeFileSync(path.join(workspaceFolder().uri.fsPath, 'secret.txt'), 'over TLS');

    const plain = await curl([`ftp://127.0.0.1:${port}/secret.txt`, '--user', `ferry:${password}`]);
    assert.notEqual(plain.code, 0, 'a plain login is refused');
    const secure = await curl([`ftp://127.0.0.1:${port}/secret.txt`, '--user', `ferry:${password}`, '--ssl-reqd', '--insecure']);
    assert.equal(secure.code, 0, secure.stderr);
    assert.equal(secure.stdout, 'over TLS');
  });

  it('warns that plain FTP on a network address is clear text, and "Require TLS" switches force_tls on', async () => {
    // A real listener on 0.0.0.0 would expose this machine: the messages get a server that only looks like one.
    const plan = planLaunch({ settings: [{ text: 'listen_address=0.0.0.0', source: 'test' }] });
    const log = vscode.window.createOutputChannel('Ferry test', { log: true });
    let reconfigured = 0;
    const messages = new ServerMessages(log, async (change) => {
      await change();
      reconfigured++;
    });
    ui.answer(/clear text/, 'Require TLS');
    try {
      messages.started({ folder: workspaceFolder(), plan, url: 'ftp://0.0.0.0:2121/', fingerprint: '', process: undefined as never });
      const warning = await ui.waitFor(/listens on 0\.0\.0\.0 without TLS/);
      assert.equal(warning.level, 'warning');
      await eventually('the restart after the switch', () => (reconfigured === 1 ? true : undefined));
      assert.equal(vscode.workspace.getConfiguration('ferry.server', workspaceFolder().uri).get('forceTls'), true);
      assert.equal(ui.matching(/clear text/).length, 1);
    } finally {
      log.dispose();
      await vscode.workspace.getConfiguration('ferry.server', workspaceFolder().uri).update('forceTls', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });
});
