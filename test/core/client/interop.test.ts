import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { tempDir } from '../../helpers/ferry-server';
import { allPeersFixture, PEER_NAMES, siteFor } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

/**
 * Every basic operation against five independently written servers, in passive and active
 * mode, plain and with explicit TLS (certificate pinned by fingerprint). Each case checks
 * what a user would: bytes on the server's disk, bytes downloaded, modes read back.
 */
describe('client interop: every operation × 5 servers × passive/active × plain/TLS', function () {
  this.timeout(120_000);
  const peers = allPeersFixture();
  let local: string;
  before(() => (local = tempDir('ferry-client-')));
  after(() => rmSync(local, { recursive: true, force: true }));

  for (const name of PEER_NAMES) {
    for (const mode of ['passive', 'active'] as const) {
      for (const tls of [false, true]) {
        it(`${name} ${mode} ${tls ? 'TLS' : 'plain'}`, async () => {
          const peer = peers.get(name)!;
          const client = new FtpClient(siteFor(peer, mode, tls));
          const base = `t-${mode}-${tls ? 'tls' : 'plain'}-${randomBytes(3).toString('hex')}`;
          const payload = randomBytes(700_000 + Math.floor(Math.random() * 300_000));
          const file = path.join(local, `${base}.bin`);
          writeFileSync(file, payload);
          try {
            const info = await client.connect();
            assert.equal(info.secure, tls, 'control connection TLS state');

            await client.mkdir(`${base}/sub dir/deep`, { parents: true });
            const up = await client.uploadFile(file, `${base}/sub dir/data file.bin`);
            assert.equal(up.size, payload.length);
            const onDisk = readFileSync(path.join(peer.dataDir, base, 'sub dir', 'data file.bin'));
            assert.equal(sha256(onDisk), sha256(payload), 'bytes on the server disk');

            const listing = await client.list(`${base}/sub dir`);
            assert.deepEqual(listing.map((e) => `${e.name}:${e.type}`).sort(), ['data file.bin:file', 'deep:directory']);
            assert.equal(listing.find((e) => e.name === 'data file.bin')!.size, payload.length);

            const st = await client.stat(`${base}/sub dir/data file.bin`);
            assert.equal(st?.type, 'file');
            assert.equal(st?.size, payload.length);
            assert.equal(await client.stat(`${base}/missing.bin`), undefined);

            const down = path.join(local, `${base}.down`);
            await client.downloadFile(`${base}/sub dir/data file.bin`, down);
            assert.equal(sha256(readFileSync(down)), sha256(payload), 'downloaded bytes');
            assert.equal(sha256(await client.readFile(`${base}/sub dir/data file.bin`)), sha256(payload), 'readFile bytes');

            await client.chmod(`${base}/sub dir/data file.bin`, 0o604);
            assert.equal(statSync(path.join(peer.dataDir, base, 'sub dir', 'data file.bin')).mode & 0o777, 0o604, 'mode on disk');
            const relisted = await client.list(`${base}/sub dir`);
            assert.equal(relisted.find((e) => e.name === 'data file.bin')!.mode, 0o604, 'mode read back from the listing');

            await client.rename(`${base}/sub dir/data file.bin`, `${base}/renamed.bin`);
            assert.deepEqual((await client.list(base)).map((e) => e.name).sort(), ['renamed.bin', 'sub dir']);

            await client.remove(base, { recursive: true });
            assert.equal(await client.stat(base), undefined, 'tree removed');
          } finally {
            client.close();
          }
        });
      }
    }
  }
});
