import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { tempDir } from '../../helpers/ferry-server';
import { allPeersFixture, chownToPeer, Peer, PEER_NAMES, siteFor, writePeerFile } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

const TREE: Record<string, string> = {
  '.hidden': 'dot file at the top',
  'with space.txt': 'a name with spaces',
  'données 文件.txt': 'UTF-8 name',
  'sub dir/.env': 'SECRET=1',
  'sub dir/nested/deep file.bin': 'x'.repeat(70_000),
  'empty.txt': '',
};

/** Relative path → content of every file below `dir`. */
function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(path.join(dir, entry.name), rel + '/'));
    else out[rel] = readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return out;
}

describe('client transfers × 5 servers: resume, folder trees, big listings, empty files', function () {
  this.timeout(120_000);
  const peers = allPeersFixture();
  let local: string;
  before(() => (local = tempDir('ferry-client-tx-')));
  after(() => rmSync(local, { recursive: true, force: true }));

  for (const name of PEER_NAMES) {
    describe(name, () => {
      let client: FtpClient;
      let peer: Peer;
      let base: string;
      beforeEach(async () => {
        peer = peers.get(name)!;
        client = new FtpClient(siteFor(peer, 'auto', false));
        base = `tx-${randomBytes(3).toString('hex')}`;
        await client.mkdir(base);
      });
      afterEach(async () => {
        await client.remove(base, { recursive: true }).catch(() => undefined);
        client.close();
      });

      it('resumes a download cut at a random offset (REST+RETR into the existing local file)', async () => {
        const payload = randomBytes(2_000_000);
        writePeerFile(peer, `${base}/r.bin`, payload);
        const cut = 1 + Math.floor(Math.random() * (payload.length - 2));
        const file = path.join(local, `${name}-r.bin`);
        writeFileSync(file, payload.subarray(0, cut));
        const result = await client.downloadFile(`${base}/r.bin`, file, { resume: true });
        assert.equal(result.offset, cut, 'resumed where the local file ended');
        assert.equal(result.bytes, payload.length - cut, 'only the missing bytes were transferred');
        assert.equal(sha256(readFileSync(file)), sha256(payload));
      });

      it('resumes an upload cut at a random offset (REST+STOR after checking the remote size)', async () => {
        const payload = randomBytes(2_000_000);
        const cut = 1 + Math.floor(Math.random() * (payload.length - 2));
        writePeerFile(peer, `${base}/u.bin`, payload.subarray(0, cut));
        const file = path.join(local, `${name}-u.bin`);
        writeFileSync(file, payload);
        const result = await client.uploadFile(file, `${base}/u.bin`, { resume: true });
        assert.equal(result.offset, cut);
        assert.equal(result.bytes, payload.length - cut);
        assert.equal(sha256(readFileSync(path.join(peer.dataDir, base, 'u.bin'))), sha256(payload));
      });

      it('uploads and downloads a folder tree with dot-files, spaces and UTF-8 names', async () => {
        const source = path.join(local, `${name}-tree`);
        for (const [rel, content] of Object.entries(TREE)) {
          mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
          writeFileSync(path.join(source, rel), content);
        }
        const up = await client.uploadFolder(source, `${base}/tree`);
        assert.equal(up.files, Object.keys(TREE).length);
        assert.deepEqual(readTree(path.join(peer.dataDir, base, 'tree')), TREE, 'tree on the server disk');
        const listing = await client.list(`${base}/tree`);
        assert.ok(listing.some((e) => e.name === '.hidden'), 'dot-files are listed');
        const target = path.join(local, `${name}-tree-down`);
        let lastProgress = 0;
        const down = await client.downloadFolder(`${base}/tree`, target, { onProgress: (p) => (lastProgress = p.bytes) });
        assert.equal(down.files, Object.keys(TREE).length);
        assert.equal(lastProgress, down.bytes, 'aggregated progress reaches the total');
        assert.deepEqual(readTree(target), TREE, 'downloaded tree');
      });

      it('lists a 5 000-entry directory completely', async () => {
        const dir = path.join(peer.dataDir, base, 'many');
        mkdirSync(dir);
        for (let i = 0; i < 5000; i++) writeFileSync(path.join(dir, `f${String(i).padStart(4, '0')}.txt`), '');
        chownToPeer(peer, dir);
        const entries = await client.list(`${base}/many`);
        assert.equal(entries.length, 5000);
        assert.equal(new Set(entries.map((e) => e.name)).size, 5000);
      });

      it('transfers an empty file both ways and lists an empty directory', async () => {
        const empty = path.join(local, `${name}-empty`);
        writeFileSync(empty, '');
        await client.uploadFile(empty, `${base}/empty.bin`);
        assert.equal(readFileSync(path.join(peer.dataDir, base, 'empty.bin')).length, 0);
        writeFileSync(empty, 'stale');
        const r = await client.downloadFile(`${base}/empty.bin`, empty);
        assert.equal(r.size, 0);
        assert.equal(readFileSync(empty).length, 0, 'the old local content is replaced');
        assert.equal((await client.readFile(`${base}/empty.bin`)).length, 0);
        await client.mkdir(`${base}/void`);
        assert.deepEqual(await client.list(`${base}/void`), []);
      });
    });
  }
});
