import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { curl, sha256 } from '../../helpers/processes';

/**
 * A rate limit makes the server wait on purpose; idle_data_timeout is about a peer that stops,
 * so the server's own waits must never count as idle time (found by driving curl with
 * max_upload_rate=20000 and idle_data_timeout=1: the upload was cut with 426).
 */
describe('server: rate limits never trip idle_data_timeout', function () {
  this.timeout(60_000);
  let t: TestServer;
  let local: string;
  beforeEach(() => (local = tempDir('ferry-throttle-')));
  afterEach(async () => {
    await t?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('a slow configured upload rate completes with idle_data_timeout = 1', async () => {
    t = await startTestServer({ tunables: { max_upload_rate: 40_000, idle_data_timeout: 1 } });
    const payload = randomBytes(120_000);
    writeFileSync(path.join(local, 'up.bin'), payload);
    const r = await curl(['-T', path.join(local, 'up.bin'), `${t.url}/up.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(path.join(t.root, 'up.bin'))), sha256(payload));
  });

  it('a slow configured download rate completes with idle_data_timeout = 1', async () => {
    t = await startTestServer({ tunables: { max_download_rate: 2_000, idle_data_timeout: 1 } });
    const payload = randomBytes(7_000);
    writeFileSync(path.join(t.root, 'down.bin'), payload);
    const r = await curl(['-o', path.join(local, 'down.bin'), `${t.url}/down.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(path.join(local, 'down.bin'))), sha256(payload));
  });
});
