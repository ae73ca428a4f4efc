import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { chmodPlan, fileModeFor, parseRecursiveModes, RecursiveModes } from '../../../../src/vscode/explorer/model/chmod';
import { deleteTree, forEachItem, RecursiveHooks, RecursiveOutcome, walkTree, WalkedEntry } from '../../../../src/vscode/explorer/model/recursive';
import { RemoteFs } from '../../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../../src/vscode/explorer/model/site-clients';
import { startTestServer, TestServer } from '../../../helpers/ferry-server';
import { chownToPeer, ensurePeers, externalPeers, Peer, siteFor } from '../../../helpers/peers';
import { explorerModel, loopbackSite } from '../remote-fixture';

const FILES = ['a.txt', 'sub/b.txt', 'sub/deeper/c.sh'];
const FOLDERS = ['', 'sub', 'sub/deeper'];
const mode = (file: string) => statSync(file).mode & 0o7777;

describe('explorer: recursive chmod and delete, modes checked on disk', function () {
  this.timeout(60_000);
  let ferry: TestServer;
  let vsftpd: Peer;
  let fs: RemoteFs;
  let clients: SiteClients;

  before(async () => {
    ferry = await startTestServer({ tunables: { local_umask: 0o022 } });
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    ({ fs, clients } = explorerModel({ ferry: loopbackSite(ferry.port), vsftpd: siteFor(vsftpd, 'passive', false) }, 0));
  });
  after(async () => {
    clients.dispose();
    await ferry?.stop();
  });

  for (const siteId of ['ferry', 'vsftpd']) {
    describe(`on ${siteId}`, () => {
      let dir: string;
      let n = 0;
      const dataDir = () => (siteId === 'ferry' ? ferry.root : vsftpd.dataDir);
      const disk = (p: string) => path.join(dataDir(), dir, p);

      /** The walk and the per-item work, as the chmod command composes them. */
      async function chmodTree(modes: RecursiveModes, hooks: RecursiveHooks = {}): Promise<RecursiveOutcome> {
        const walked = await walkTree([{ path: `/${dir}`, type: 'directory' }], (d) => fs.list({ siteId, path: d }), hooks);
        const outcome = await forEachItem(chmodPlan(walked.entries, modes), (e) => fs.chmod({ siteId, path: e.path }, e.mode), hooks);
        return { ...outcome, failures: [...walked.failures, ...outcome.failures] };
      }
      async function deleteAll(hooks: RecursiveHooks = {}): Promise<RecursiveOutcome> {
        const walked = await walkTree([{ path: `/${dir}`, type: 'directory' }], (d) => fs.list({ siteId, path: d }), hooks);
        return deleteTree(walked.entries, (e: WalkedEntry) => fs.removeEntry({ siteId, path: e.path }), hooks);
      }

      beforeEach(() => {
        dir = `rec-${Date.now()}-${n++}`;
        for (const f of FOLDERS) mkdirSync(disk(f), { recursive: true });
        for (const f of FILES) writeFileSync(disk(f), f);
        if (siteId === 'vsftpd') chownToPeer(vsftpd, disk(''));
        for (const f of FOLDERS) chmodSync(disk(f), 0o700);
        for (const f of FILES) chmodSync(disk(f), 0o600);
      });
      afterEach(() => rmSync(disk(''), { recursive: true, force: true }));

      it('sets 755 on every folder and 644 on every file below', async () => {
        const outcome = await chmodTree({ folders: 0o755, files: 0o644 });
        assert.deepEqual(outcome, { total: 6, done: 6, failures: [], cancelled: false });
        assert.deepEqual(FOLDERS.map((f) => mode(disk(f)).toString(8)), ['755', '755', '755']);
        assert.deepEqual(FILES.map((f) => mode(disk(f)).toString(8)), ['644', '644', '644']);
      });

      it('changes only files, or only folders', async () => {
        assert.equal((await chmodTree({ files: 0o640 })).done, 3);
        assert.deepEqual(FOLDERS.map((f) => mode(disk(f)).toString(8)), ['700', '700', '700']);
        assert.deepEqual(FILES.map((f) => mode(disk(f)).toString(8)), ['640', '640', '640']);
        assert.equal((await chmodTree({ folders: 0o750 })).done, 3);
        assert.deepEqual(FOLDERS.map((f) => mode(disk(f)).toString(8)), ['750', '750', '750']);
        assert.deepEqual(FILES.map((f) => mode(disk(f)).toString(8)), ['640', '640', '640']);
      });

      it('goes on after a 550 and reports the item with the server words', async () => {
        let hooks: RecursiveHooks = {};
        if (siteId === 'vsftpd') {
          // Root's file: vsftpd runs as an unprivileged user and is refused.
          mkdirSync(disk('sub/locked'));
          writeFileSync(disk('sub/locked/root.txt'), 'root');
          chmodSync(disk('sub/locked'), 0o755);
          chmodSync(disk('sub/locked/root.txt'), 0o600);
          chownSync(disk('sub/locked'), 0, 0);
          chownSync(disk('sub/locked/root.txt'), 0, 0);
        } else {
          // Ferry's server runs as root here: a file deleted by someone else between listing and chmod.
          hooks = { onItem: (_done, total, p) => total > 0 && p.endsWith('/a.txt') && unlinkSync(disk('a.txt')) };
        }
        const outcome = await chmodTree({ folders: 0o755, files: 0o644 }, hooks);
        const failed = siteId === 'vsftpd' ? ['sub/locked', 'sub/locked/root.txt'] : ['a.txt'];
        assert.deepEqual(outcome.failures.map((f) => f.path), failed.map((f) => `/${dir}/${f}`));
        for (const f of outcome.failures) assert.match(f.message, /550/);
        assert.equal(outcome.done, 6 - (siteId === 'vsftpd' ? 0 : 1));
        for (const f of FILES.filter((x) => existsSync(disk(x)))) assert.equal(mode(disk(f)), 0o644, f);
        for (const f of FOLDERS) assert.equal(mode(disk(f)), 0o755, f || '(root)');
        if (siteId === 'vsftpd') assert.equal(mode(disk('sub/locked/root.txt')), 0o600, "root's file unchanged");
      });

      it('stops after the current item when cancelled, and says how many were changed', async () => {
        let seen = 0;
        const outcome = await chmodTree({ folders: 0o755, files: 0o644 }, { onItem: (_d, total) => void (total > 0 && seen++), cancelled: () => seen >= 2 });
        assert.deepEqual(outcome, { total: 6, done: 2, failures: [], cancelled: true });
        const changed = [...FOLDERS.map((f) => mode(disk(f))), ...FILES.map((f) => mode(disk(f)))].filter((m) => m === 0o755 || m === 0o644);
        assert.equal(changed.length, 2, 'exactly two items changed on disk');
      });

      it('deletes a folder children first; a refused item keeps its folders and the rest goes', async () => {
        let hooks: RecursiveHooks = {};
        if (siteId === 'vsftpd') {
          mkdirSync(disk('sub/locked'));
          writeFileSync(disk('sub/locked/root.txt'), 'root');
          chownSync(disk('sub/locked'), 0, 0);
          chmodSync(disk('sub/locked'), 0o755);
        } else {
          hooks = { onItem: (_done, total, p) => total > 0 && p.endsWith('/a.txt') && unlinkSync(disk('a.txt')) };
        }
        const outcome = await deleteAll(hooks);
        const kept = siteId === 'vsftpd' ? ['sub/locked/root.txt', 'sub/locked', 'sub', ''] : ['a.txt', ''];
        assert.deepEqual(outcome.failures.map((f) => f.path), kept.map((k) => (k ? `/${dir}/${k}` : `/${dir}`)));
        assert.match(outcome.failures[0].message, /550/);
        assert.equal(existsSync(disk('sub/deeper')), false, 'the rest is gone');
        assert.equal(existsSync(disk('sub/b.txt')), false);
        assert.equal(existsSync(disk('')), true);
        if (siteId === 'vsftpd') chownToPeer(vsftpd, disk(''));
        const again = await deleteAll();
        assert.deepEqual(again.failures, []);
        assert.equal(existsSync(disk('')), false);
      });
    });
  }

  it('derives the files mode and reads scripts’ requests', () => {
    assert.equal(fileModeFor(0o755), 0o644);
    assert.equal(fileModeFor(0o2775), 0o2664);
    assert.deepEqual(parseRecursiveModes({ files: '644', folders: 0o755 }), { files: 0o644, folders: 0o755 });
    assert.deepEqual(parseRecursiveModes({ folders: 'rwxr-x---' }), { files: undefined, folders: 0o750 });
    assert.equal(parseRecursiveModes('644'), undefined);
    assert.throws(() => parseRecursiveModes({ files: '999' }), /not a mode for files/);
    assert.throws(() => parseRecursiveModes({}), /needs a mode/);
  });
});
