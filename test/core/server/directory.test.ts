import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DirectoryEntry, visitDirectory } from '../../../src/core/server/directory';
import { RootedFs } from '../../../src/core/server/rooted-fs';
import { tempDir } from '../../helpers/ferry-server';

/**
 * Directory reading: stats come from the event loop while they are cached and from the thread
 * pool once a batch is slow. Both ways must list exactly the same entries: links leading inside
 * shown as their targets, links leading outside or nowhere left out.
 */
describe('server directory reading: event loop and thread pool give the same listing', () => {
  let base: string;
  let fs: RootedFs;

  before(async () => {
    base = tempDir('ferry-dir-');
    const root = path.join(base, 'root');
    mkdirSync(path.join(root, 'big', 'sub'), { recursive: true });
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(path.join(base, 'outside', 'secret.txt'), 'no');
    for (let i = 0; i < 300; i++) writeFileSync(path.join(root, 'big', `f${String(i).padStart(3, '0')}.txt`), 'x'.repeat(i));
    symlinkSync('f007.txt', path.join(root, 'big', 'inside-link'));
    symlinkSync('sub', path.join(root, 'big', 'dir-link'));
    symlinkSync(path.join(base, 'outside', 'secret.txt'), path.join(root, 'big', 'out-link'));
    symlinkSync('missing', path.join(root, 'big', 'dangling'));
    fs = await RootedFs.open(root);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('lists the same names, types and sizes however the stats were taken', async () => {
    const dir = await fs.hold('/', 'big');
    const read = async (cachedStatMs: number) => {
      const entries: DirectoryEntry[] = [];
      await visitDirectory(fs, dir, (e) => entries.push(e), cachedStatMs);
      return entries;
    };
    const fromLoop = await read(Infinity);
    // A budget of 0 ms per entry counts every batch as slow: all but the first go through the thread pool.
    const fromPool = await read(0);
    const shape = (entries: typeof fromLoop) => entries.map((e) => `${e.name}:${e.stats.isDirectory() ? 'd' : e.stats.size}`);
    assert.deepEqual(shape(fromPool), shape(fromLoop));
    const names = fromLoop.map((e) => e.name);
    assert.equal(names.length, 300 + 2 + 1);
    assert.ok(names.includes('inside-link') && names.includes('dir-link') && names.includes('sub'));
    assert.ok(!names.includes('out-link') && !names.includes('dangling'));
    assert.equal(fromLoop.find((e) => e.name === 'inside-link')!.stats.size, 7);
    assert.deepEqual(names, [...names].sort());
  });
});
