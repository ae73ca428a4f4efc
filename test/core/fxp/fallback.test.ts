import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FerryClientError, FtpClient } from '../../../src/core/client';
import { copyFile, relayCopy } from '../../../src/core/fxp';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { allPeersFixture, siteFor, writePeerFile } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

/**
 * Refusals and secure FXP. The client connects from 127.0.0.2 so that, on loopback, the other
 * server's address (127.0.0.1) is "foreign" to a server with FXP disabled, as it would be
 * across a real network.
 */
describe('FXP refusal → relay fallback, and TLS FXP', function () {
  this.timeout(120_000);
  const peers = allPeersFixture();
  let strict: TestServer;
  const payload = randomBytes(8_000_000);

  before(async () => {
    strict = await startTestServer({ tunables: { allow_fxp: false, accept_timeout: 5 } });
    writeFileSync(path.join(strict.root, 'src.bin'), payload);
    for (const peer of peers.values()) writePeerFile(peer, 'tls-src.bin', payload);
  });
  after(async () => {
    await strict?.stop();
    for (const peer of peers.values()) for (const f of ['tls-src.bin', 'relayed.bin', 'norelay.bin', 'tls-dst.bin']) rmSync(path.join(peer.dataDir, f), { force: true });
  });

  const fromSecondLoopback = { localAddress: '127.0.0.2', maxConnections: 3 };

  it('a server with allow_fxp = NO refuses both roles; the copy falls back to a relay and is labelled so', async () => {
    const src = new FtpClient({ ...siteFor({ name: 'strict', port: strict.port, tls: false, dataDir: strict.root }, 'passive', false), ...fromSecondLoopback });
    const dst = new FtpClient({ ...siteFor(peers.get('pure-ftpd')!, 'passive', false), ...fromSecondLoopback });
    const lines: string[] = [];
    try {
      const result = await copyFile({ client: src, path: 'src.bin' }, { client: dst, path: 'relayed.bin' }, { stallTimeoutMs: 3000, log: (l) => lines.push(l) });
      assert.equal(result.method, 'relay');
      assert.equal(result.clientBytes, payload.length, 'the payload went through this machine');
      assert.equal(sha256(readFileSync(path.join(peers.get('pure-ftpd')!.dataDir, 'relayed.bin'))), sha256(payload));
      assert.ok(lines.some((l) => /504 Refusing data connection to foreign address/.test(l)), 'the refusal reply is logged');
    } finally {
      src.close();
      dst.close();
    }
  });

  it('a relay whose upload is refused (no such target folder) fails with the reply and leaves the process running', async () => {
    const src = new FtpClient({ ...siteFor({ name: 'strict', port: strict.port, tls: false, dataDir: strict.root }, 'passive', false), ...fromSecondLoopback });
    const dst = new FtpClient({ ...siteFor(peers.get('pure-ftpd')!, 'passive', false), ...fromSecondLoopback });
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', record);
    try {
      await assert.rejects(relayCopy(src, dst, 'src.bin', 'no-such-folder/relayed.bin', 0), /550|No such|not found/i);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(uncaught, [], 'the failed relay threw outside its promise');
    } finally {
      process.off('uncaughtException', record);
      src.close();
      dst.close();
    }
  });

  it('with the relay forbidden it fails with a message that says what to change', async () => {
    const src = new FtpClient({ ...siteFor({ name: 'strict', port: strict.port, tls: false, dataDir: strict.root }, 'passive', false), ...fromSecondLoopback });
    const dst = new FtpClient({ ...siteFor(peers.get('vsftpd')!, 'passive', false), ...fromSecondLoopback });
    try {
      await assert.rejects(copyFile({ client: src, path: 'src.bin' }, { client: dst, path: 'norelay.bin' }, { allowRelay: false, stallTimeoutMs: 3000 }), (err: FerryClientError) => {
        const text = err.describe();
        return /FXP failed both ways/.test(text) && /relaying through this machine is disabled/.test(text) && /allow_fxp = YES/.test(text);
      });
    } finally {
      src.close();
      dst.close();
    }
  });

  for (const [from, to] of [
    ['ferry', 'pyftpdlib'],
    ['pure-ftpd', 'ferry'],
    ['proftpd', 'ferry'],
    ['ferry', 'proftpd'],
  ] as const) {
    it(`TLS on both control connections: ${from} -> ${to} copies over an SSCN-protected data connection`, async () => {
      const src = new FtpClient(siteFor(peers.get(from)!, 'passive', true, { maxConnections: 3 }));
      const dst = new FtpClient(siteFor(peers.get(to)!, 'passive', true, { maxConnections: 3 }));
      try {
        const result = await copyFile({ client: src, path: 'tls-src.bin' }, { client: dst, path: 'tls-dst.bin' }, { allowRelay: false, stallTimeoutMs: 10_000 });
        assert.equal(result.method, 'fxp');
        assert.equal(result.protection, 'sscn');
        assert.equal(sha256(readFileSync(path.join(peers.get(to)!.dataDir, 'tls-dst.bin'))), sha256(payload));
      } finally {
        src.close();
        dst.close();
      }
    });
  }

  it('TLS with proftpd -> vsftpd: proftpd as TLS client rejects the self-signed certificate; the outcome is a labelled relay', async () => {
    const src = new FtpClient(siteFor(peers.get('proftpd')!, 'passive', true, { maxConnections: 3 }));
    const dst = new FtpClient(siteFor(peers.get('vsftpd')!, 'passive', true, { maxConnections: 3 }));
    const lines: string[] = [];
    try {
      const result = await copyFile({ client: src, path: 'tls-src.bin' }, { client: dst, path: 'tls-dst.bin' }, { stallTimeoutMs: 10_000, log: (l) => lines.push(l) });
      assert.equal(result.method, 'relay');
      assert.ok(lines.some((l) => /FXP \(target passive, sscn on the source\) failed/.test(l)), lines.join('\n'));
      assert.equal(sha256(readFileSync(path.join(peers.get('vsftpd')!.dataDir, 'tls-dst.bin'))), sha256(payload));
    } finally {
      src.close();
      dst.close();
    }
  });

  it('TLS on both and neither offers SSCN/CPSV: relay by default, FXP in clear only when allowed', async () => {
    const src = new FtpClient(siteFor(peers.get('vsftpd')!, 'passive', true, { maxConnections: 3 }));
    const dst = new FtpClient(siteFor(peers.get('pyftpdlib')!, 'passive', true, { maxConnections: 3 }));
    try {
      const relayed = await copyFile({ client: src, path: 'tls-src.bin' }, { client: dst, path: 'tls-dst.bin' }, { stallTimeoutMs: 10_000 });
      assert.equal(relayed.method, 'relay');
      const clear = await copyFile({ client: src, path: 'tls-src.bin' }, { client: dst, path: 'tls-dst.bin' }, { allowClearData: true, allowRelay: false, stallTimeoutMs: 10_000 });
      assert.equal(clear.method, 'fxp');
      assert.equal(clear.protection, 'clear');
      assert.equal(sha256(readFileSync(path.join(peers.get('pyftpdlib')!.dataDir, 'tls-dst.bin'))), sha256(payload));
    } finally {
      src.close();
      dst.close();
    }
  });
});
