import * as iconv from 'iconv-lite';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RemoteFs } from '../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { locationOf, uriPartsOf } from '../../../src/vscode/explorer/model/site-uri';
import { chownToPeer, ensurePeers, externalPeers, Peer } from '../../helpers/peers';
import { explorerModel, loopbackSite } from './remote-fixture';

/**
 * Names stored as GBK bytes, through the explorer's file system (issue 13): vsftpd passes name
 * bytes through, so the files are made on its disk with GBK names and every operation of the
 * FileSystemProvider is checked by the bytes it leaves there.
 */
const gbk = (text: string) => iconv.encode(text, 'gbk');
const onDisk = (dir: string) => readdirSync(dir, { encoding: 'buffer' }).map((n) => n.toString('hex')).sort();

describe('explorer: file system on names stored as GBK (vsftpd)', function () {
  this.timeout(60_000);
  let peer: Peer;
  let dir: string;
  let base: string;
  let fs: RemoteFs;
  let clients: SiteClients;

  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    peer = externalPeers().find((p) => p.name === 'vsftpd')!;
    base = `enc-${randomBytes(3).toString('hex')}`;
    dir = path.join(peer.dataDir, base);
    mkdirSync(dir);
    chownToPeer(peer, dir);
    const file = inDir(gbk('中文.txt'));
    writeFileSync(file, '你好');
    const owner = statSync(peer.dataDir);
    chownSync(file, owner.uid, owner.gid);
    ({ fs, clients } = explorerModel({
      gbk: loopbackSite(peer.port, { encoding: 'gbk' }),
      auto: loopbackSite(peer.port),
    }));
  });
  after(() => {
    clients.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (name: string) => ({ siteId: 'gbk', path: `/${base}/${name}` });
  /** The file system name of `name` (its bytes) in the test folder. */
  function inDir(name: Buffer): Buffer {
    return Buffer.concat([Buffer.from(dir + '/'), name]);
  }

  it('lists, reads, writes, renames, changes the mode of and deletes them by their GBK bytes', async () => {
    assert.deepEqual((await fs.list({ siteId: 'gbk', path: `/${base}` })).map((e) => e.name), ['中文.txt']);
    assert.equal((await fs.readFile(at('中文.txt'))).toString(), '你好');
    await fs.writeFile(at('新建.txt'), Buffer.from('new'), { create: true, overwrite: false });
    assert.equal(readFileSync(inDir(gbk('新建.txt'))).toString(), 'new');
    await fs.rename(at('新建.txt'), at('改名.txt'), { overwrite: false });
    await fs.chmod(at('改名.txt'), 0o604);
    assert.equal(statSync(inDir(gbk('改名.txt'))).mode & 0o777, 0o604);
    assert.deepEqual(onDisk(dir), [gbk('中文.txt'), gbk('改名.txt')].map((b) => b.toString('hex')).sort());
    await fs.delete(at('改名.txt'), { recursive: false });
    assert.deepEqual(onDisk(dir), [gbk('中文.txt').toString('hex')]);
  });

  it('with auto (UTF-8) shows the undecodable bytes as U+EF80-U+EFFF, keeps them in ferry: URIs, and reaches the file', async () => {
    const [entry] = await fs.list({ siteId: 'auto', path: `/${base}` });
    assert.match(entry.name, /^[\uef80-\uefff]+\.txt$/, 'a visible escape per byte');
    const location = { siteId: 'auto', path: `/${base}/${entry.name}` };
    assert.deepEqual(locationOf(uriPartsOf(location)), location, 'the name survives a ferry: URI');
    assert.equal(decodeURIComponent(encodeURIComponent(location.path)), location.path, 'and its percent-encoding (lone surrogates would throw)');
    assert.equal((await fs.readFile(location)).toString(), '你好');
  });
});
