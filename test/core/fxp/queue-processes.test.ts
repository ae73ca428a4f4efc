import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliProcess } from '../../helpers/cli-process';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD } from '../../helpers/ferry-server';
import { sha256 } from '../../helpers/processes';
import { queueCli, queueScript, readQueue, site, url, waitFor, watchTransfers } from './queue-kit';

/**
 * One queue file, several processes: `ferry queue run` runners, `ferry queue add|pause|...`
 * invocations and small node scripts, all real processes against real Ferry servers.
 */
describe('FXP queue shared by processes: adds, intents and claims from other processes', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let servers: TestServer[] = [];
  let runners: CliProcess[] = [];
  const savedPassword = process.env.FERRY_PASSWORD;

  before(() => (process.env.FERRY_PASSWORD = TEST_PASSWORD));
  after(() => (savedPassword === undefined ? delete process.env.FERRY_PASSWORD : (process.env.FERRY_PASSWORD = savedPassword)));
  beforeEach(() => {
    dir = tempDir('ferry-queue-proc-');
    file = path.join(dir, 'queue.json');
  });
  afterEach(async () => {
    for (const runner of runners) await runner.stop();
    for (const server of servers) await server.stop();
    runners = [];
    servers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  async function pair(sourceRate?: number): Promise<[TestServer, TestServer]> {
    const source = await startTestServer({ tunables: { allow_fxp: true, ...(sourceRate ? { max_download_rate: sourceRate } : {}) } });
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    servers.push(source, target);
    return [source, target];
  }

  function runner(...extra: string[]): CliProcess {
    const child = new CliProcess(['queue', 'run', '--queue', file, ...extra], dir);
    runners.push(child);
    return child;
  }

  async function cli(...args: string[]): Promise<string> {
    const result = await queueCli(file, args);
    assert.equal(result.code, 0, `queue ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  const jobOf = (sourcePath: string) => readQueue(file).jobs.find((j) => j.source.path === sourcePath);
  const idOf = (sourcePath: string) => jobOf(sourcePath)!.id.slice(0, 8);

  function files(server: TestServer, entries: Record<string, number>): Record<string, Buffer> {
    const data: Record<string, Buffer> = {};
    for (const [name, size] of Object.entries(entries)) writeFileSync(path.join(server.root, name), (data[name] = randomBytes(size)));
    return data;
  }

  it('a job added by `ferry queue add` while `ferry queue run` works is kept and run (the runner used to overwrite it)', async () => {
    const [source, target] = await pair(2_000_000);
    const data = files(source, { 'big.bin': 6_000_000, 'small.bin': 100_000 });
    const transfers = watchTransfers(source);
    await cli('add', url(source.port, 'big.bin'), url(target.port, 'big.bin'));
    const run = runner('--concurrency', '1');
    await waitFor(() => transfers.count('RETR', 'big.bin') === 1, 20_000, 'the first copy to start');
    await cli('add', url(source.port, 'small.bin'), url(target.port, 'small.bin'));
    assert.ok(statSync(path.join(target.root, 'big.bin')).size < data['big.bin'].length, 'added while the first copy still ran');
    assert.equal((await run.exited).code, 0, run.stderr);
    assert.deepEqual(
      readQueue(file).jobs.map((j) => [j.source.path, j.state]),
      [
        ['big.bin', 'done'],
        ['small.bin', 'done'],
      ],
    );
    for (const name of ['big.bin', 'small.bin']) assert.equal(sha256(readFileSync(path.join(target.root, name))), sha256(data[name]), name);
    assert.equal(transfers.count('RETR', 'small.bin'), 1);
  });

  it('pause then resume of the running job from other processes: the runner stops it, runs the next, and continues it with REST', async () => {
    const [source, target] = await pair(2_000_000);
    const data = files(source, { 'a.bin': 8_000_000, 'b.bin': 6_000_000 });
    const transfers = watchTransfers(source);
    await cli('add', url(source.port, 'a.bin'), url(target.port, 'a.bin'));
    await cli('add', url(source.port, 'b.bin'), url(target.port, 'b.bin'));
    const run = runner('--concurrency', '1');
    const copyA = path.join(target.root, 'a.bin');
    await waitFor(() => existsSync(copyA) && statSync(copyA).size > 1_500_000, 20_000, 'part of a.bin on the target');
    await cli('pause', idOf('a.bin'));
    await waitFor(() => jobOf('a.bin')?.state === 'paused' && jobOf('b.bin')?.state === 'running', 10_000, 'a paused and b running');
    const cut = statSync(copyA).size;
    assert.ok(cut < data['a.bin'].length, 'a.bin stopped before its end');
    await cli('resume', idOf('a.bin'));
    assert.equal((await run.exited).code, 0, run.stderr);
    assert.deepEqual(
      readQueue(file).jobs.map((j) => j.state),
      ['done', 'done'],
    );
    assert.equal(sha256(readFileSync(copyA)), sha256(data['a.bin']));
    assert.equal(transfers.count('RETR', 'a.bin'), 2, 'a.bin was sent twice: before the pause and after the resume');
    assert.ok(
      transfers.rests.some((offset) => offset >= 1_500_000 && offset <= cut),
      `continued from the target's size (REST ${transfers.rests}, cut at ${cut})`,
    );
  });

  it('retry, remove and reorder from other processes take effect in a running `ferry queue run`', async () => {
    const [source, target] = await pair(2_000_000);
    const data = files(source, { 'a.bin': 6_000_000, 'b.bin': 50_000, 'c.bin': 50_000, 'd.bin': 50_000, 'e.bin': 50_000 });
    const transfers = watchTransfers(source);
    const specs = ['a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin'].map((name) => ({ source: { site: site(source.port), path: name }, target: { site: site(target.port), path: name } }));
    const added = await queueScript(file, `await queue.addMany(${JSON.stringify(specs)});`);
    assert.equal(added.code, 0, added.stderr);
    await cli('cancel', idOf('c.bin'));
    const run = runner('--concurrency', '1');
    await waitFor(() => transfers.count('RETR', 'a.bin') === 1, 20_000, 'a.bin to start');
    await cli('retry', idOf('c.bin'));
    const removedId = jobOf('d.bin')!.id;
    await cli('remove', removedId.slice(0, 8));
    const moved = await queueScript(file, `if (!queue.move(${JSON.stringify(jobOf('e.bin')!.id)}, 'top')) throw new Error('not moved');`);
    assert.equal(moved.code, 0, moved.stderr);
    assert.ok(statSync(path.join(target.root, 'a.bin')).size < data['a.bin'].length, 'all of it while a.bin still ran');
    assert.equal((await run.exited).code, 0, run.stderr);
    const retrieved = transfers.started.filter((t) => t.command === 'RETR').map((t) => t.path);
    assert.deepEqual(retrieved, ['a.bin', 'e.bin', 'b.bin', 'c.bin'], 'e moved to the top ran next; d never ran');
    const saved = readQueue(file);
    assert.deepEqual(
      saved.jobs.map((j) => [j.source.path, j.state]),
      [
        ['e.bin', 'done'],
        ['a.bin', 'done'],
        ['b.bin', 'done'],
        ['c.bin', 'done'],
      ],
    );
    assert.ok(saved.removed[removedId], 'a tombstone for d');
    assert.ok(!existsSync(path.join(target.root, 'd.bin')));
  });

  it('two runners on one file never run the same job: each file is sent once', async () => {
    const [source, target] = await pair(4_000_000);
    const names = Array.from({ length: 14 }, (_, i) => `f${i}.bin`);
    const data = files(source, Object.fromEntries(names.map((n) => [n, 1_500_000])));
    const transfers = watchTransfers(source);
    const specs = names.map((name) => ({ source: { site: site(source.port), path: name }, target: { site: site(target.port), path: name } }));
    const added = await queueScript(file, `await queue.addMany(${JSON.stringify(specs)});`);
    assert.equal(added.code, 0, added.stderr);
    const first = runner('--concurrency', '2', '--per-site', '4');
    const second = runner('--concurrency', '2', '--per-site', '4');
    assert.equal((await first.exited).code, 0, first.stderr);
    assert.equal((await second.exited).code, 0, second.stderr);
    for (const name of names) {
      assert.equal(transfers.count('RETR', name), 1, `${name} sent once`);
      assert.equal(sha256(readFileSync(path.join(target.root, name))), sha256(data[name]), name);
    }
    assert.ok(readQueue(file).jobs.every((j) => j.state === 'done' && !j.owner));
    for (const child of [first, second]) assert.match(child.stdout, / running /, 'both runners took jobs');
  });

  it('a runner killed with SIGKILL: the next runner process resumes its job with REST and the copy is intact', async () => {
    const [source, target] = await pair(4_000_000);
    const data = files(source, { 'big.bin': 16_000_000 });
    const transfers = watchTransfers(source);
    await cli('add', url(source.port, 'big.bin'), url(target.port, 'copy.bin'));
    const first = runner();
    const copy = path.join(target.root, 'copy.bin');
    await waitFor(() => existsSync(copy) && statSync(copy).size > 4_000_000, 30_000, 'a quarter of the file on the target');
    first.signal('SIGKILL');
    await first.exited;
    const cut = statSync(copy).size;
    assert.equal(jobOf('big.bin')!.state, 'running', 'the dead runner left it running');
    const second = runner();
    assert.equal((await second.exited).code, 0, second.stderr);
    assert.equal(sha256(readFileSync(copy)), sha256(data['big.bin']));
    assert.equal(transfers.count('RETR', 'big.bin'), 2);
    assert.ok(transfers.rests.some((offset) => offset > 0 && offset <= cut + 4_000_000), `resumed with REST (${transfers.rests})`);
    const job = jobOf('big.bin')!;
    assert.equal(job.state, 'done');
    assert.equal(job.owner, undefined);
  });
});
