/**
 * Drops and "Copy to Site…" in a real extension host: the drop handler the Sites tree calls (a copy between two
 * Ferry servers, the one conflict question with "skip identical" and "remember", a same-site move after the
 * confirmation, a folder refused into itself), and the registered command in its scriptable and keyboard forms
 * against the extension's own queue file.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { Node, nodeId } from '../../../../src/vscode/explorer/nodes';
import { SitesTree } from '../../../../src/vscode/explorer/sites-tree';
import { SiteStore } from '../../../../src/vscode/explorer/site-store';
import { Target, Targets } from '../../../../src/vscode/explorer/targets';
import type { TransferCommands } from '../../../../src/vscode/explorer/transfer-commands';
import { RemoteDropHandler, SitesDragAndDrop } from '../../../../src/vscode/explorer/tree-drag-drop';
import { FxpDrop } from '../../../../src/vscode/fxp/fxp-drop';
import { MessageRecorder } from '../../server/exthost-kit';
import { TEST_PASSWORD } from '../../../helpers/ferry-server';
import { activate, addSite, remote, removeSite } from '../explorer/fixture';
import { eventually, jobsIn, memoryLog, openController, remoteFsOf, sha256, startSite, stubQuickPick, TestSite, writeRandom } from './fxp-kit';

const folderAt = (site: TestSite, path: string) => ({ location: { siteId: site.site.id, path }, folder: true });
const fileAt = (site: TestSite, path: string) => ({ location: { siteId: site.site.id, path }, folder: false });
const setConflict = (value: string | undefined) => vscode.workspace.getConfiguration('ferry.fxp').update('conflict', value, vscode.ConfigurationTarget.Global);

describe('fxp: drops and Copy to Site…', function () {
  this.timeout(120_000);
  let a: TestSite;
  let b: TestSite;
  let messages: MessageRecorder;
  const cleanups: (() => unknown)[] = [];

  async function dropHandler() {
    const opened = await openController();
    cleanups.push(() => opened.controller.dispose());
    const sites = [a, b];
    const drop = new FxpDrop({ fs: remoteFsOf(sites), site: (id) => sites.find((s) => s.site.id === id)?.site, controller: opened.controller, log: opened.log });
    return { drop, ...opened };
  }

  before(async () => {
    await activate();
    a = await startSite('drop-a', { allow_fxp: true });
    b = await startSite('drop-b', { allow_fxp: true });
  });
  beforeEach(() => {
    messages = new MessageRecorder();
  });
  afterEach(async () => {
    messages.restore();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await setConflict(undefined);
  });
  after(async () => {
    await Promise.all([a, b].map((s) => s?.server.stop()));
  });

  it('a drop from another site queues FXP jobs for its file and folder and copies them', async () => {
    const one = writeRandom(a.disk('/d1/one.bin'), 70_000);
    const nested = writeRandom(a.disk('/d1/tree/.dot/ü.bin'), 1234);
    const { drop, controller, log } = await dropHandler();
    await drop.dropRemote([fileAt(a, '/d1/one.bin'), folderAt(a, '/d1/tree')], folderAt(b, '/'));
    const ids = controller.snapshot().jobs.map((j) => j.id);
    assert.equal(ids.length, 2);
    await jobsIn(controller, ids, ['done'], 30_000, log);
    assert.equal(sha256(b.disk('/one.bin')), one);
    assert.equal(sha256(b.disk('/tree/.dot/ü.bin')), nested);
    // A file row stands for its folder.
    writeRandom(a.disk('/d1/two.bin'), 10);
    await drop.dropRemote([fileAt(a, '/d1/two.bin')], fileAt(b, '/tree/.dot/ü.bin'));
    await eventually('dropped on a file row', () => existsSync(b.disk('/tree/.dot/two.bin')) || undefined);
  });

  it('asks once per drop when targets exist; "Skip identical" copies only what changed', async () => {
    writeRandom(a.disk('/d2/same.txt'), 5000);
    writeRandom(a.disk('/d2/other.txt'), 5000);
    writeRandom(a.disk('/d2b/solo.txt'), 300);
    const { drop, controller, log } = await dropHandler();
    const items = [folderAt(a, '/d2'), fileAt(a, '/d2b/solo.txt')];
    await drop.dropRemote(items, folderAt(b, '/'));
    const first = controller.snapshot().jobs.map((j) => j.id);
    await jobsIn(controller, first, ['done'], 30_000, log);
    const changed = writeRandom(a.disk('/d2/other.txt'), 5000);
    const picks = stubQuickPick((rows) => rows.find((i) => i.label.endsWith('Skip identical')));
    cleanups.push(picks.restore);
    await drop.dropRemote(items, folderAt(b, '/'));
    assert.equal(picks.calls.length, 1, 'one question for the whole drop');
    assert.match(picks.calls[0].title ?? '', /2 of the items already exist in FXP drop-b:\//);
    const second = controller.snapshot().jobs.filter((j) => !first.includes(j.id));
    const done = await jobsIn(controller, second.map((j) => j.id), ['done'], 30_000, log);
    assert.deepEqual(done.map((j) => [j.target.path, j.conflict, j.skipped === true]).sort(), [
      ['/d2/other.txt', 'skip-identical', false],
      ['/d2/same.txt', 'skip-identical', true],
      ['/solo.txt', 'skip-identical', true],
    ]);
    assert.equal(sha256(b.disk('/d2/other.txt')), changed);
  });

  it('remembers the choice in ferry.fxp.conflict and stops asking; dismissing the question queues nothing', async () => {
    writeRandom(a.disk('/d3/f.txt'), 10);
    writeRandom(b.disk('/f.txt'), 10);
    const { drop, controller } = await dropHandler();
    const escape = stubQuickPick(() => undefined);
    await drop.dropRemote([fileAt(a, '/d3/f.txt')], folderAt(b, '/'));
    escape.restore();
    assert.equal(escape.calls.length, 1);
    assert.deepEqual(controller.snapshot().jobs, []);
    const remember = stubQuickPick((items) => items.find((i) => i.label.endsWith('Skip, always')));
    cleanups.push(remember.restore);
    await drop.dropRemote([fileAt(a, '/d3/f.txt')], folderAt(b, '/'));
    assert.equal(vscode.workspace.getConfiguration('ferry.fxp').get('conflict'), 'skip');
    await drop.dropRemote([fileAt(a, '/d3/f.txt')], folderAt(b, '/'));
    assert.equal(remember.calls.length, 1, 'no question once remembered');
    assert.deepEqual(controller.snapshot().jobs.map((j) => j.conflict), ['skip', 'skip']);
  });

  it('moves within one site after the confirmation, and refuses a folder into itself', async () => {
    const digest = writeRandom(b.disk('/m/from/a.bin'), 4000);
    writeRandom(b.disk('/m/tree/x.txt'), 10);
    const { drop, controller } = await dropHandler();
    await drop.dropRemote([fileAt(b, '/m/from/a.bin')], folderAt(b, '/m/tree'));
    const question = await messages.waitFor(/Are you sure you want to move "a\.bin" into "tree"\?/);
    assert.deepEqual(question.items, ['Move']);
    assert.ok(existsSync(b.disk('/m/from/a.bin')), 'not moved without a yes');
    messages.answer(/Are you sure you want to move/, 'Move');
    await drop.dropRemote([fileAt(b, '/m/from/a.bin')], folderAt(b, '/m/tree'));
    assert.equal(sha256(b.disk('/m/tree/a.bin')), digest);
    assert.equal(existsSync(b.disk('/m/from/a.bin')), false);
    await drop.dropRemote([folderAt(b, '/m')], folderAt(b, '/m/tree'));
    await messages.waitFor(/Cannot copy or move "m" into itself/);
    await drop.dropRemote([folderAt(b, '/m/tree')], folderAt(b, '/m/tree'));
    await messages.waitFor(/Cannot copy or move "tree" into itself/);
    assert.ok(existsSync(b.disk('/m/tree/x.txt')));
    assert.deepEqual(controller.snapshot().jobs, [], 'a move is no FXP job');
  });

  describe('the registered command, on the extension\'s own queue', () => {
    let siteA: string;
    let siteB: string;
    let picked: string;
    before(async () => {
      siteA = await addSite({ name: 'Copy source', host: '127.0.0.1', port: a.server.port, user: 'tester', password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
      siteB = await addSite({ name: 'Copy target', host: '127.0.0.1', port: b.server.port, user: 'tester', password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
      // Before the first listing: the explorer caches listings for a few seconds.
      writeRandom(b.disk('/into/keep.txt'), 1);
      picked = writeRandom(a.disk('/kbd/pick.bin'), 3000);
    });
    after(async () => {
      await removeSite(siteA);
      await removeSite(siteB);
    });

    it('copies with a script\'s arguments, and the queue file path command names the file it uses', async () => {
      const digest = writeRandom(a.disk('/cmd/file.bin'), 100_000);
      const ids = await vscode.commands.executeCommand<string[]>('ferry.fxp.copyToSite', remote(siteA, '/cmd/file.bin'), undefined, remote(siteB, '/'));
      assert.equal(ids?.length, 1);
      await eventually('copied', () => (existsSync(b.disk('/file.bin')) && sha256(b.disk('/file.bin')) === digest) || undefined);
      const file = await vscode.commands.executeCommand<string>('ferry.fxp.copyQueuePath');
      assert.match(file ?? '', /fxp-queue\.json$/);
      assert.equal(await vscode.env.clipboard.readText(), file);
      const stored = await eventually('done in the file', () => {
        const job = (JSON.parse(readFileSync(file, 'utf8')) as { jobs: { id: string; state: string }[] }).jobs.find((j) => j.id === ids[0]);
        return job?.state === 'done' ? job : undefined;
      });
      assert.equal(stored.state, 'done');
      assert.doesNotMatch(readFileSync(file, 'utf8'), new RegExp(TEST_PASSWORD));
    });

    it('copies by keyboard: quick picks for what, the target site and its folder', async () => {
      const steps: string[] = [];
      const picks = stubQuickPick((items, options) => {
        const row = (label: string) => items.find((i) => i.label === label || i.label.endsWith(` ${label}`));
        const title = options?.title ?? '';
        steps.push(`${title} | ${items.map((i) => i.label).join(', ')}`);
        if (/what to copy/.test(title) && row('Copy source')) return row('Copy source');
        if (/what to copy/.test(title)) return row('pick.bin') ?? row('kbd');
        if (/^Copy \/kbd\/pick\.bin to$/.test(title)) return row('Copy target');
        if (/Copy target:\/into$/.test(title)) return row('Copy here');
        return row('into');
      });
      cleanups.push(picks.restore);
      const ids = await vscode.commands.executeCommand<string[]>('ferry.fxp.copyToSite');
      assert.equal(ids?.length, 1, steps.join('\n'));
      await eventually('copied by keyboard', () => (existsSync(b.disk('/into/pick.bin')) && sha256(b.disk('/into/pick.bin')) === picked) || undefined);
      assert.ok(steps.some((s) => s.includes('$(arrow-up) ..')), 'a folder below the top offers ".."');
    });

    /** The explorer's pieces over the saved test sites, built from the compiled sources (the extension's own are not reachable). */
    function explorerParts() {
      const secrets = { get: async () => TEST_PASSWORD, store: async () => undefined, delete: async () => undefined } as unknown as vscode.SecretStorage;
      const store = new SiteStore(secrets, memoryLog());
      const clients = new SiteClients((id) => store.connectionSettings(id, () => undefined));
      const fs = new RemoteFs(clients, () => 5000);
      const tree = new SitesTree(store, clients, fs);
      cleanups.push(() => (tree.dispose(), store.dispose(), clients.dispose()));
      return { store, clients, fs, tree };
    }

    it('finds the tree node of a job\'s target and its parents up to the site, as the panel\'s "reveal" needs', async () => {
      writeRandom(b.disk('/deep/er/leaf.txt'), 5);
      const { tree } = explorerParts();
      const leaf = await tree.nodeAt({ siteId: siteB, path: '/deep/er/leaf.txt' });
      const chain: string[] = [];
      for (let node: Node | undefined = leaf; node; node = await tree.getParent(node)) chain.push(nodeId(node));
      assert.deepEqual(chain, [`entry:${siteB}:/deep/er/leaf.txt`, `entry:${siteB}:/deep/er`, `entry:${siteB}:/deep`, `site:${siteB}`]);
      // Reveal expands from the top: the children VS Code lists must be the very objects getParent gave.
      const [site] = (await tree.getChildren()).filter((n) => nodeId(n) === `site:${siteB}`);
      const deep = (await tree.getChildren(site)).find((n) => nodeId(n) === `entry:${siteB}:/deep`);
      assert.equal(deep, await tree.getParent((await tree.getParent(leaf!))!));
      assert.equal(await tree.nodeAt({ siteId: siteB, path: '/deep/not-there' }), undefined);
    });

    it('hands remote entries dropped inside the Sites tree to the remote drop handler, with the tree\'s own mime type', async () => {
      writeRandom(a.disk('/dnd/one.txt'), 5);
      mkdirSync(a.disk('/dnd/sub'), { recursive: true });
      mkdirSync(b.disk('/dnd-target'), { recursive: true });
      const { fs, tree } = explorerParts();
      const targets = new Targets(tree, fs, () => []);
      const drops: { sources: Target[]; destination: Target }[] = [];
      const handler: { current?: RemoteDropHandler } = {};
      const controller = new SitesDragAndDrop(targets, {} as TransferCommands, memoryLog(), () => handler.current);
      assert.ok(controller.dropMimeTypes.includes('application/vnd.code.tree.ferry.sites'));
      const [siteNode] = (await tree.getChildren()).filter((n) => nodeId(n) === `site:${siteA}`);
      const dnd = (await tree.getChildren(siteNode)).find((n) => nodeId(n) === `entry:${siteA}:/dnd`)!;
      const dragged = await tree.getChildren(dnd);
      const transfer = new vscode.DataTransfer();
      controller.handleDrag([siteNode, ...dragged], transfer);
      assert.deepEqual((transfer.get('application/vnd.code.tree.ferry.sites')?.value as Node[]).map(nodeId).sort(), [`entry:${siteA}:/dnd/one.txt`, `entry:${siteA}:/dnd/sub`]);
      assert.match((await transfer.get('text/uri-list')?.asString()) ?? '', new RegExp(`^ferry://${siteA}/dnd/`));
      const folder = await tree.nodeAt({ siteId: siteB, path: '/dnd-target' });
      const token = new vscode.CancellationTokenSource().token;
      await controller.handleDrop(folder, transfer, token);
      assert.equal(drops.length, 0, 'no handler yet: nothing happens');
      handler.current = { dropRemote: async (sources, destination) => void drops.push({ sources, destination }) };
      await controller.handleDrop(folder, transfer, token);
      assert.deepEqual(drops.map((d) => [d.sources.map((t) => `${t.location.path}:${t.folder}`).sort(), d.destination.location, d.destination.folder]), [
        [['/dnd/one.txt:false', '/dnd/sub:true'], { siteId: siteB, path: '/dnd-target' }, true],
      ]);
    });
  });
});
