import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TransferQueue } from '../../../src/core/fxp';
import { startTestServer, tempDir, TEST_PASSWORD } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';
import { readQueue, site } from './queue-kit';

describe('FXP queue saves: coalesced writes and batched claims, throttled progress events', function () {
  this.timeout(120_000);

  it('200 small jobs finish with far fewer file writes than one per claim plus one per end, and every byte arrives', async () => {
    const source = await startTestServer({ tunables: { allow_fxp: true } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    const dir = tempDir('ferry-queue-writes-');
    const file = path.join(dir, 'queue.json');
    const queue = await TransferQueue.open({ file, concurrency: 4, perSite: 4, passwordFor: async () => TEST_PASSWORD });
    try {
      const count = 200;
      const contents = Array.from({ length: count }, (_, i) => {
        const bytes = randomBytes(64 + i);
        writeFileSync(path.join(source.root, `f${i}.bin`), bytes);
        return bytes;
      });
      await queue.addMany(contents.map((_, i) => ({ source: { site: site(source.port), path: `f${i}.bin` }, target: { site: site(target.port), path: `f${i}.bin` } })));
      const before = queue.stats().writes;
      await queue.run();
      const writes = queue.stats().writes - before;
      for (const [i, bytes] of contents.entries()) assert.equal(sha256(readFileSync(path.join(target.root, `f${i}.bin`))), sha256(bytes), `f${i}.bin`);
      assert.deepEqual(new Set(readQueue(file).jobs.map((j) => j.state)), new Set(['done']), 'every end reached the file');
      // One write per claim and one per end would be 2 × 200; coalesced saves carry several ends and claims each.
      assert.ok(writes < count, `${writes} writes for ${count} jobs`);
      console.log(`      ${count} jobs: ${writes} file writes`);
    } finally {
      queue.close();
      await source.stop();
      await target.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
