import * as assert from 'node:assert/strict';
import { formatBytes } from '../../src/core/format-bytes';

describe('formatBytes: one byte formatter, IEC units', () => {
  it('counts in 1024s and says so (KiB, MiB, GiB)', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [1023, '1023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [1000 * 1000, '977 KiB'],
      [10 * 1024 ** 2, '10 MiB'],
      [1.2 * 1024 ** 3, '1.2 GiB'],
      [5 * 1024 ** 4, '5.0 TiB'],
    ];
    assert.deepEqual(cases.map(([n]) => formatBytes(n)), cases.map(([, text]) => text));
  });

  it('shows nonsense (negative, NaN) as 0 B rather than "NaN undefined"', () => {
    assert.deepEqual([-5, NaN, Infinity].map(formatBytes), ['0 B', '0 B', '0 B']);
  });
});
