import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient, TransferProgress, VerificationError } from '../../../src/core/client';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';

describe('client verification, progress and mode keeping (against Ferry\'s server, which offers HASH)', function () {
  this.timeout(60_000);
  let t: TestServer;
  let local: string;
  let client: FtpClient;
  beforeEach(async () => {
    t = await startTestServer({ tunables: { local_umask: 0o022 } });
    local = tempDir('ferry-verify-');
    client = new FtpClient({ host: '127.0.0.1', port: t.port, user: TEST_USER, password: TEST_PASSWORD, keepaliveMs: 0 });
  });
  afterEach(async () => {
    client.close();
    await t.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('compares a SHA-256 from the server after upload and download', async () => {
    const payload = randomBytes(1_500_000);
    const file = path.join(local, 'v.bin');
    writeFileSync(file, payload);
    const expected = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    assert.equal((await client.uploadFile(file, 'v.bin', { verifyHash: true })).hash, expected);
    assert.equal((await client.downloadFile('v.bin', path.join(local, 'v.down'), { verifyHash: true })).hash, expected);
  });

  it('fails loudly when the remote file differs from what was sent (never silent)', async () => {
    const file = path.join(local, 'x.bin');
    writeFileSync(file, randomBytes(200_000));
    // The file changes on the server between the transfer and the check (same size, other bytes).
    t.server.on('transfer-end', (info) => info.command === 'STOR' && writeFileSync(path.join(t.root, 'x.bin'), randomBytes(200_000)));
    await assert.rejects(client.uploadFile(file, 'x.bin', { verifyHash: true }), (err: VerificationError) => err instanceof VerificationError && /sha256 differs/.test(err.message));
  });

  it('reports progress with growing byte counts, a rate and the final total', async () => {
    await t.stop();
    t = await startTestServer({ tunables: { max_download_rate: 2_000_000 } });
    client.close();
    client = new FtpClient({ host: '127.0.0.1', port: t.port, user: TEST_USER, password: TEST_PASSWORD, keepaliveMs: 0 });
    writeFileSync(path.join(t.root, 'p.bin'), randomBytes(3_000_000));
    const events: TransferProgress[] = [];
    await client.downloadFile('p.bin', path.join(local, 'p.bin'), { onProgress: (p) => events.push(p) });
    assert.ok(events.length >= 5, `several progress events (${events.length})`);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].bytes >= events[i - 1].bytes, 'bytes never go back');
    const last = events[events.length - 1];
    assert.equal(last.bytes, 3_000_000);
    assert.equal(last.total, 3_000_000);
    assert.ok(last.rate > 0);
  });

  it('keeps the previous mode of an overwritten file when the server resets it', async () => {
    const file = path.join(local, 'site.php');
    writeFileSync(file, '<?php echo 1;');
    await client.uploadFile(file, 'site.php');
    await client.chmod('site.php', 0o640);
    // Like servers that upload to a temporary file and rename it: the mode falls back to the default.
    t.server.on('transfer-end', (info) => info.command === 'STOR' && chmodSync(path.join(t.root, 'site.php'), 0o644));
    writeFileSync(file, '<?php echo 2;');
    await client.uploadFile(file, 'site.php');
    assert.equal(readFileSync(path.join(t.root, 'site.php'), 'utf8'), '<?php echo 2;');
    assert.equal(statSync(path.join(t.root, 'site.php')).mode & 0o777, 0o640, 'mode restored after the overwrite');
  });
});
