import * as assert from 'node:assert/strict';
import { BatchProgress } from '../../../src/vscode/explorer/model/progress';
import { waitForReconnect } from '../../../src/vscode/explorer/model/reconnect';

describe('explorer: transfer progress', () => {
  it('adds up the parts of a batch and measures the rate', () => {
    let now = 0;
    const batch = new BatchProgress(() => now);
    batch.update(0, 0, 1000);
    const first = batch.update(1, 0, 3000);
    assert.deepEqual(first, { bytes: 0, totalBytes: 4000, rate: 0, fraction: 0 });
    now = 1000;
    batch.update(0, 1000, 1000);
    now = 2000;
    const later = batch.update(1, 1000, 3000);
    assert.equal(later.bytes, 2000);
    assert.equal(later.fraction, 0.5);
    assert.equal(later.rate, 1000, '2000 bytes in 2 s');
  });

  it('counts a resumed prefix as done but never as speed, and shows no rate before a second of data (#16 item 9)', () => {
    let now = 0;
    const batch = new BatchProgress(() => now);
    batch.update(0, 0, 2_000_000_000);
    now = 5;
    // A resume continues after 1.9 GB that were already there; 2 MB went into the socket buffer at once
    // (before this change: 1.9 GB in 5 ms, shown as 380 GB/s).
    const start = batch.update(0, 1_902_000_000, 2_000_000_000, 1_900_000_000);
    assert.equal(start.bytes, 1_902_000_000);
    assert.equal(start.rate, 0, 'no rate from 5 ms of data');
    now = 2000;
    const later = batch.update(0, 1_904_000_000, 2_000_000_000);
    assert.equal(later.rate, 2_000_000, '4 MB moved in 2 s, the prefix left out');
  });

  it('never reports more total than done, nor an unknown fraction as a number', () => {
    const batch = new BatchProgress(() => 0);
    assert.equal(batch.update(0, 10, 0).totalBytes, 10);
    assert.equal(new BatchProgress(() => 0).snapshot().fraction, undefined);
  });
});

describe('explorer: waiting for a site to come back', () => {
  it('tries until the probe works', async () => {
    let calls = 0;
    const ok = await waitForReconnect(async () => {
      if (++calls < 3) throw new Error('down');
    }, { attempts: 5, delayMs: 1 });
    assert.deepEqual([ok, calls], [true, 3]);
  });

  it('gives up after the attempts, or at once when aborted', async () => {
    let calls = 0;
    const fail = async () => {
      calls++;
      throw new Error('down');
    };
    assert.equal(await waitForReconnect(fail, { attempts: 3, delayMs: 1 }), false);
    assert.equal(calls, 3);
    const abort = new AbortController();
    abort.abort();
    assert.equal(await waitForReconnect(fail, { attempts: 3, delayMs: 1, signal: abort.signal }), false);
    assert.equal(calls, 3);
  });
});
