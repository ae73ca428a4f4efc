/**
 * Issue #16 bug 6 at the model level, on vsftpd (which says "550 Failed to open file." for a missing and an
 * unreadable file alike): an unreadable file is NoPermissions with the server's text, a file deleted behind
 * the listing cache's back is FileNotFound (not "refused": the cached listing still showed it) and is reported
 * deleted so the tree drops it; a file read for opening is not downloaded a second time by the editor.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FsProblem } from '../../../src/vscode/explorer/model/fs-problem';
import type { RemoteChange } from '../../../src/vscode/explorer/model/remote-fs';
import { chownToPeer, ensurePeers, externalPeers, Peer, siteFor, writePeerFile } from '../../helpers/peers';
import { explorerModel } from './remote-fixture';

describe('explorer: opening files the server refuses or no longer has (vsftpd)', function () {
  this.timeout(120_000);
  let vsftpd: Peer;
  const folder = `open-errors-${Date.now()}`;
  const at = (name: string) => ({ siteId: 'v', path: `/${folder}/${name}` });

  before(async () => {
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    mkdirSync(path.join(vsftpd.dataDir, folder));
    chownToPeer(vsftpd, path.join(vsftpd.dataDir, folder));
    writePeerFile(vsftpd, `${folder}/gone.txt`, 'soon gone\n');
    writePeerFile(vsftpd, `${folder}/ok.txt`, 'readable\n');
    // Owned by root, mode 600: vsftpd (running as the peer account) cannot read it.
    writeFileSync(path.join(vsftpd.dataDir, folder, 'secret.txt'), 'secret\n');
    chmodSync(path.join(vsftpd.dataDir, folder, 'secret.txt'), 0o600);
  });
  after(() => rmSync(path.join(vsftpd.dataDir, folder), { recursive: true, force: true }));

  it("reports an unreadable file as NoPermissions with vsftpd's words", async () => {
    const { clients, fs } = explorerModel({ v: siteFor(vsftpd, 'passive', false) });
    const err = await fs.readForOpening(at('secret.txt')).then(
      () => assert.fail('read an unreadable file'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FsProblem);
    assert.equal(err.kind, 'NoPermissions');
    assert.match(err.message, /550 Failed to open file\./);
    clients.dispose();
  });

  it('reports a file deleted behind the cached listing as missing, and as deleted to the tree', async () => {
    const { clients, fs } = explorerModel({ v: siteFor(vsftpd, 'passive', false) });
    const changes: RemoteChange[] = [];
    fs.onDidChange((list) => changes.push(...list));
    assert.ok((await fs.list({ siteId: 'v', path: `/${folder}` })).some((e) => e.name === 'gone.txt'));
    rmSync(path.join(vsftpd.dataDir, folder, 'gone.txt'));
    const err = await fs.readForOpening(at('gone.txt')).then(
      () => assert.fail('read a deleted file'),
      (e: unknown) => e,
    );
    assert.equal((err as FsProblem).kind, 'FileNotFound');
    assert.deepEqual(changes, [{ kind: 'deleted', location: at('gone.txt') }]);
    assert.equal((await fs.list({ siteId: 'v', path: `/${folder}` })).some((e) => e.name === 'gone.txt'), false, 'the listing was refreshed');
    clients.dispose();
  });

  it('hands the bytes read for opening to the editor without a second download', async () => {
    const { clients, fs } = explorerModel({ v: siteFor(vsftpd, 'passive', false) });
    await fs.readForOpening(at('ok.txt'));
    // Changed on the server after the read: the editor's read right after the open still gets what was checked.
    writePeerFile(vsftpd, `${folder}/ok.txt`, 'changed\n');
    assert.equal((await fs.readFile(at('ok.txt'))).toString(), 'readable\n');
    assert.equal((await fs.readFile(at('ok.txt'))).toString(), 'changed\n', 'only once: later reads download');
    clients.dispose();
  });
});
