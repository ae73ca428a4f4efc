import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { copyFile } from '../../../src/core/fxp';
import { allPeersFixture, PEER_NAMES, siteFor, writePeerFile } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

const SIZE = 50 * 1024 * 1024;

/**
 * FXP between every ordered pair of five independently written servers, in both passive
 * roles: 50 MB arrive intact and not one payload byte passes through the client.
 */
describe('FXP: every ordered pair of 5 servers × both passive roles (50 MB each)', function () {
  this.timeout(120_000);
  const peers = allPeersFixture();
  let payloadHash: string;

  before(() => {
    const payload = randomBytes(SIZE);
    payloadHash = sha256(payload);
    for (const peer of peers.values()) writePeerFile(peer, 'fxp-source.bin', payload);
  });
  after(() => {
    for (const peer of peers.values()) for (const name of PEER_NAMES) for (const role of ['source', 'target']) rmSync(path.join(peer.dataDir, `fxp-from-${name}-${role}.bin`), { force: true });
    for (const peer of peers.values()) rmSync(path.join(peer.dataDir, 'fxp-source.bin'), { force: true });
  });

  for (const from of PEER_NAMES) {
    for (const to of PEER_NAMES) {
      if (from === to) continue;
      for (const passive of ['source', 'target'] as const) {
        it(`${from} -> ${to}, ${passive} passive`, async () => {
          const src = new FtpClient(siteFor(peers.get(from)!, 'passive', false, { maxConnections: 3 }));
          const dst = new FtpClient(siteFor(peers.get(to)!, 'passive', false, { maxConnections: 3 }));
          const targetName = `fxp-from-${from}-${passive}.bin`;
          try {
            const result = await copyFile({ client: src, path: 'fxp-source.bin' }, { client: dst, path: targetName }, { passive, allowRelay: false, stallTimeoutMs: 20_000 });
            assert.equal(result.method, 'fxp');
            assert.equal(result.passive, passive, 'the requested role worked without a swap');
            assert.equal(result.clientBytes, 0, 'no payload through the client');
            assert.equal(result.size, SIZE);
            assert.equal(sha256(readFileSync(path.join(peers.get(to)!.dataDir, targetName))), payloadHash, 'sha256 on the target disk');
          } finally {
            src.close();
            dst.close();
          }
        });
      }
    }
  }
});
