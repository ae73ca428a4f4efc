/**
 * Recursive chmod (folders and files separately) and recursive delete through the explorer's commands in the
 * extension host, against Ferry's own server and vsftpd: modes and files checked on disk, a refused item reported
 * with the server's words while the rest goes on, and Cancel (the progress notification's token) stopping after
 * the current item with a count.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RecursiveOutcome } from '../../../../src/vscode/explorer/model/recursive';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { chownToPeer, ensurePeers, externalPeers, Peer } from '../../../helpers/peers';
import { MessageRecorder } from '../../server/exthost-kit';
import { activate, addSite, remote, removeSite } from './fixture';

const FILES = ['a.txt', 'sub/b.txt', 'sub/deeper/c.sh'];
const FOLDERS = ['', 'sub', 'sub/deeper'];
const modeOf = (file: string) => (statSync(file).mode & 0o7777).toString(8);

/**
 * Stands in for the progress notification (the test workbench shows no toasts): records what it
 * says and presses Cancel once a message matches `cancelAt`.
 */
class ProgressRecorder {
  readonly messages: string[] = [];
  readonly titles: string[] = [];
  cancelAt?: RegExp;
  private readonly original = vscode.window.withProgress;

  constructor() {
    (vscode.window as { withProgress: unknown }).withProgress = (options: vscode.ProgressOptions, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<unknown>) => {
      assert.equal(options.cancellable, true, 'the notification has a Cancel button');
      this.titles.push(options.title ?? '');
      const source = new vscode.CancellationTokenSource();
      const progress = {
        report: ({ message }: { message?: string }) => {
          if (message === undefined) return;
          this.messages.push(message);
          if (this.cancelAt?.test(message)) source.cancel();
        },
      };
      return task(progress, source.token);
    };
  }

  restore(): void {
    (vscode.window as { withProgress: unknown }).withProgress = this.original;
  }
}

describe('explorer: recursive chmod and delete in the extension host', function () {
  this.timeout(60_000);
  let ferry: TestServer;
  let vsftpd: Peer;
  const sites: string[] = [];
  let ui: MessageRecorder;
  let progress: ProgressRecorder;

  before(async () => {
    await activate();
    ferry = await startTestServer({ tunables: { local_umask: 0o022 } });
    sites.push(await addSite({ name: 'Recursive Ferry', host: '127.0.0.1', port: ferry.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' }));
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    sites.push(await addSite({ name: 'Recursive vsftpd', host: '127.0.0.1', port: vsftpd.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' }));
  });
  after(async () => {
    for (const id of sites) await removeSite(id);
    await ferry?.stop();
  });
  beforeEach(() => {
    ui = new MessageRecorder();
    progress = new ProgressRecorder();
  });
  afterEach(() => {
    ui.restore();
    progress.restore();
  });

  for (const index of [0, 1]) {
    describe(index === 0 ? "on Ferry's server" : 'on vsftpd', () => {
      let dir: string;
      let n = 0;
      const dataDir = () => (index === 0 ? ferry.root : vsftpd.dataDir);
      const disk = (p: string) => path.join(dataDir(), dir, p);
      const uri = () => remote(sites[index], `/${dir}`);

      beforeEach(async () => {
        dir = `exthost-rec-${Date.now()}-${n++}`;
        for (const f of FOLDERS) mkdirSync(disk(f), { recursive: true });
        for (const f of FILES) writeFileSync(disk(f), f);
        if (index === 1) chownToPeer(vsftpd, disk(''));
        for (const f of FOLDERS) chmodSync(disk(f), 0o700);
        for (const f of FILES) chmodSync(disk(f), 0o600);
        await vscode.commands.executeCommand('ferry.refresh');
      });
      afterEach(() => rmSync(disk(''), { recursive: true, force: true }));

      it('chmod: 755 for the folders and 644 for the files, with a count in the notification', async () => {
        const outcome = await vscode.commands.executeCommand<RecursiveOutcome>('ferry.chmod', uri(), undefined, { folders: '755', files: '644' });
        assert.deepEqual(outcome, { total: 6, done: 6, failures: [], cancelled: false });
        assert.deepEqual(FOLDERS.map((f) => modeOf(disk(f))), ['755', '755', '755']);
        assert.deepEqual(FILES.map((f) => modeOf(disk(f))), ['644', '644', '644']);
        assert.deepEqual(progress.titles, ['Setting permissions']);
        assert.ok(progress.messages.includes('6 of 6 · c.sh'), progress.messages.join(' | '));
        assert.deepEqual(ui.shown, [], 'success is a status-bar line, not a message');
      });

      it('chmod from the quick picks: "Recursively: folders and files", then the proposed 755 and 644', async () => {
        chmodSync(disk(''), 0o755);
        await vscode.commands.executeCommand('ferry.refresh');
        const running = vscode.commands.executeCommand<RecursiveOutcome>('ferry.chmod', uri());
        const pause = () => new Promise((r) => setTimeout(r, 700));
        await pause();
        await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        for (const kind of ['folders', 'files']) {
          await pause();
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem', kind);
        }
        const outcome = await running;
        assert.equal(outcome?.done, 6);
        assert.deepEqual(FOLDERS.map((f) => modeOf(disk(f))), ['755', '755', '755']);
        assert.deepEqual(FILES.map((f) => modeOf(disk(f))), ['644', '644', '644']);
      });

      it('chmod: files only leaves the folders alone', async () => {
        await vscode.commands.executeCommand('ferry.chmod', uri(), undefined, { files: 0o640 });
        assert.deepEqual(FOLDERS.map((f) => modeOf(disk(f))), ['700', '700', '700']);
        assert.deepEqual(FILES.map((f) => modeOf(disk(f))), ['640', '640', '640']);
      });

      it('chmod: Cancel stops after the current item and says how many were changed', async () => {
        progress.cancelAt = /^2 of /;
        const outcome = await vscode.commands.executeCommand<RecursiveOutcome>('ferry.chmod', uri(), undefined, { folders: '755', files: '644' });
        assert.deepEqual(outcome, { total: 6, done: 2, failures: [], cancelled: true });
        const modes = [...FOLDERS, ...FILES].map((f) => modeOf(disk(f)));
        assert.equal(modes.filter((m) => m === '755' || m === '644').length, 2, modes.join(' '));
        await ui.waitFor(/^Stopped: Permissions set on 2 of 6 items\.$/);
      });

      it('delete: a folder item by item with a count; Cancel stops and says how many were deleted', async () => {
        ui.answer(/^Delete "/, 'Delete');
        progress.cancelAt = /^3 of /;
        assert.equal(await vscode.commands.executeCommand('ferry.delete', uri()), false);
        await ui.waitFor(/^Stopped: Deleted 3 of 6 items\.$/);
        // Deepest first: c.sh, b.txt, deeper went; a.txt, sub and the folder itself are left.
        assert.deepEqual(['sub/deeper', 'sub/b.txt', 'a.txt', 'sub'].map((f) => existsSync(disk(f))), [false, false, true, true]);
        progress.cancelAt = undefined;
        assert.equal(await vscode.commands.executeCommand('ferry.delete', uri()), true);
        assert.equal(existsSync(disk('')), false);
        assert.ok(progress.messages.includes('3 of 3 · ' + dir), progress.messages.join(' | '));
      });
    });
  }

  it("vsftpd: a 550 on one item does not stop the rest and is reported with the server's words", async () => {
    const dir = `exthost-locked-${Date.now()}`;
    const disk = (p: string) => path.join(vsftpd.dataDir, dir, p);
    mkdirSync(disk('open'), { recursive: true });
    writeFileSync(disk('open/a.txt'), 'a');
    mkdirSync(disk('locked'));
    writeFileSync(disk('locked/root.txt'), 'root');
    chownToPeer(vsftpd, disk(''));
    // Root's folder and file: vsftpd runs as an unprivileged user and answers 550.
    chownSync(disk('locked'), 0, 0);
    chownSync(disk('locked/root.txt'), 0, 0);
    chmodSync(disk('locked'), 0o755);
    chmodSync(disk('locked/root.txt'), 0o600);
    await vscode.commands.executeCommand('ferry.refresh');
    try {
      const outcome = await vscode.commands.executeCommand<RecursiveOutcome>('ferry.chmod', remote(sites[1], `/${dir}`), undefined, { folders: '750', files: '640' });
      assert.deepEqual(outcome.failures.map((f) => f.path), [`/${dir}/locked`, `/${dir}/locked/root.txt`]);
      assert.equal(outcome.done, 3);
      assert.equal(modeOf(disk('open/a.txt')), '640');
      assert.equal(modeOf(disk('open')), '750');
      assert.equal(modeOf(disk('locked/root.txt')), '600');
      const warning = await ui.waitFor(/^Permissions set on 3 of 5 items\. 2 failed:/);
      assert.match(warning.text, /locked: .*550/);
      assert.deepEqual(warning.items, ['Show Log']);
    } finally {
      rmSync(disk(''), { recursive: true, force: true });
    }
  });
});
