import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TransferQueue } from '../../../src/core/fxp';
import { CliProcess } from '../../helpers/cli-process';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';
import { queueCli, readQueue, site, url, waitFor } from './queue-kit';

/** A small tmpfs at `dir` (root only): the real way to make writes fail with ENOSPC. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the file system holding `dir` until the kernel says ENOSPC. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return filler;
    throw err;
  }
  throw new Error(`${dir} did not fill up`);
}

/**
 * Makes `dir` refuse new files even to root: the immutable attribute (EPERM), or where the file
 * system does not support it, the directory swapped for a plain file (ENOTDIR). Returns the undo.
 */
function denyWrites(dir: string): () => void {
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'pipe' });
  } catch {
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a directory');
    return () => {
      rmSync(dir);
      renameSync(`${dir}.away`, dir);
    };
  }
}

describe('FXP queue: a failed save is reported and retried, never lost, never a crash', function () {
  this.timeout(120_000);
  let dir: string;
  let qdir: string;
  let mounted = false;
  let servers: TestServer[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => {
    dir = tempDir('ferry-queue-fault-');
    qdir = path.join(dir, 'q');
    mkdirSync(qdir);
    unhandled.length = 0;
  });
  afterEach(async () => {
    if (mounted) execFileSync('umount', ['-l', qdir]);
    mounted = false;
    for (const server of servers) await server.stop();
    servers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  /** A queue directory on a small tmpfs, a slow source with a.bin (5 MB) and b.bin, and a target. */
  async function fullDiskSetup(b: string): Promise<{ source: TestServer; target: TestServer; payload: Buffer; file: string }> {
    const source = await startTestServer({ tunables: { allow_fxp: true, max_download_rate: 2_000_000 } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    servers.push(source, target);
    const payload = randomBytes(5_000_000);
    writeFileSync(path.join(source.root, 'a.bin'), payload);
    writeFileSync(path.join(source.root, 'b.bin'), b);
    return { source, target, payload, file: path.join(qdir, 'queue.json') };
  }

  it('ENOSPC mid-run: the runner keeps copying, says why saves fail (event + log), and writes everything once space is back', async function () {
    if (!(mounted = mountTmpfs(qdir, '256k'))) this.skip();
    const { source, target, payload, file } = await fullDiskSetup('added while the disk was full');
    const lines: string[] = [];
    const queue = await TransferQueue.open({ file, passwordFor: () => TEST_PASSWORD, concurrency: 1, log: (l) => lines.push(l) });
    const problems: (string | undefined)[] = [];
    queue.on('meta', () => problems.push(queue.saveProblem));
    try {
      const a = await queue.add({ source: { site: site(source.port), path: 'a.bin' }, target: { site: site(target.port), path: 'a.bin' } });
      const running = queue.run();
      await waitFor(() => (queue.get(a.id)?.bytesDone ?? 0) > 500_000, 20_000, 'a.bin under way');
      const filler = fill(qdir);
      const b = await queue.add({ source: { site: site(source.port), path: 'b.bin' }, target: { site: site(target.port), path: 'b.bin' } });
      await waitFor(() => queue.saveProblem !== undefined, 10_000, 'a failed save');
      assert.match(queue.saveProblem!, /ENOSPC|no space/i);
      assert.ok(lines.some((l) => /saving the queue failed .*(ENOSPC|no space)/i.test(l)), lines.join('\n'));
      assert.equal(queue.get(b.id)?.state, 'queued', 'the job added meanwhile is kept in memory');
      assert.ok(!readQueue(file).jobs.some((j) => j.id === b.id), 'and not on the full disk');
      await waitFor(() => queue.get(a.id)?.state === 'done', 30_000, 'a.bin done while saves fail');
      rmSync(filler);
      await running;
      assert.equal(queue.saveProblem, undefined);
      assert.deepEqual(problems.filter((p, i) => p !== problems[i - 1]).map((p) => p !== undefined), [true, false], 'one event when saves failed, one when they worked again');
      assert.deepEqual(
        readQueue(file).jobs.map((j) => [j.id, j.state]),
        [
          [a.id, 'done'],
          [b.id, 'done'],
        ],
      );
      assert.equal(sha256(readFileSync(path.join(target.root, 'a.bin'))), sha256(payload));
      assert.deepEqual(readdirSync(qdir), ['queue.json'], 'no temporary file left on the full disk');
      assert.deepEqual(unhandled, []);
    } finally {
      queue.close();
    }
  });

  it('ENOSPC under a `ferry queue run` process: it does not crash, and finishes with the file written', async function () {
    if (!(mounted = mountTmpfs(qdir, '256k'))) this.skip();
    const { source, target, payload, file } = await fullDiskSetup('second');
    for (const name of ['a.bin', 'b.bin']) assert.equal((await queueCli(file, ['add', url(source.port, name), url(target.port, name)])).code, 0);
    process.env.FERRY_PASSWORD = TEST_PASSWORD;
    const runner = new CliProcess(['queue', 'run', '--queue', file, '--concurrency', '1', '--verbose'], dir);
    delete process.env.FERRY_PASSWORD;
    try {
      const copy = path.join(target.root, 'a.bin');
      await waitFor(() => existsSync(copy) && statSync(copy).size > 500_000, 20_000, 'a.bin under way');
      const filler = fill(qdir);
      await waitFor(() => /saving the queue failed .*(ENOSPC|no space)/i.test(runner.stderr), 10_000, 'the runner to report the failed save');
      await waitFor(() => existsSync(copy) && statSync(copy).size === payload.length, 30_000, 'a.bin copied while saves fail');
      assert.ok(!/unhandled|UnhandledPromiseRejection/i.test(runner.stderr), runner.stderr);
      rmSync(filler);
      const exit = await runner.exited;
      assert.equal(exit.code, 0, runner.stderr);
      assert.deepEqual(
        readQueue(file).jobs.map((j) => [j.source.path, j.state]),
        [
          ['a.bin', 'done'],
          ['b.bin', 'done'],
        ],
      );
      assert.equal(readFileSync(path.join(target.root, 'b.bin'), 'utf8'), 'second');
    } finally {
      await runner.stop();
    }
  });

  it('a directory that refuses writes even to root: the change stays in memory, `ferry queue pause` fails loudly, and the file is written once it is allowed again', async () => {
    const file = path.join(qdir, 'queue.json');
    const queue = await TransferQueue.open({ file, backoffMs: 200 });
    const problems: (string | undefined)[] = [];
    queue.on('meta', () => problems.push(queue.saveProblem));
    const undo = denyWrites(qdir);
    let allowed = false;
    try {
      const job = await queue.add({ source: { site: site(1), path: 'x' }, target: { site: site(2), path: 'y' } });
      assert.equal(queue.get(job.id)?.state, 'queued');
      assert.ok(queue.saveProblem, 'the save failed');
      assert.equal(queue.pause(job.id), 1);
      assert.equal(queue.get(job.id)?.state, 'paused');
      undo();
      allowed = true;
      await waitFor(() => queue.saveProblem === undefined, 15_000, 'a save to work again');
      assert.deepEqual(
        readQueue(file).jobs.map((j) => [j.id, j.state]),
        [[job.id, 'paused']],
      );
      assert.deepEqual(problems.filter((p, i) => p !== problems[i - 1]).map((p) => p !== undefined), [true, false]);
      const denyAgain = denyWrites(qdir);
      try {
        const pause = await queueCli(file, ['resume', job.id.slice(0, 8)]);
        assert.equal(pause.code, 1);
        assert.match(pause.stderr, /cannot be saved|ENOTDIR/);
      } finally {
        denyAgain();
      }
      assert.equal(readQueue(file).jobs[0].state, 'paused', 'the refused resume changed nothing');
      assert.deepEqual(unhandled, []);
    } finally {
      if (!allowed) undo();
      queue.close();
    }
  });
});
