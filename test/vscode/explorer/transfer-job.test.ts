import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConflictRule } from '../../../src/core/client/conflicts';
import { ConflictAnswer, ConflictAnswers } from '../../../src/vscode/explorer/model/conflict-answers';
import { BatchSnapshot } from '../../../src/vscode/explorer/model/progress';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { runTransferJob, TransferJob, withLocalSizes } from '../../../src/vscode/explorer/model/transfer-job';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { explorerModel, loopbackSite } from './remote-fixture';

const SIZE = 600_000;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Runs a job and aborts it once `cutAt` bytes have arrived; resolves the error it ended with. */
async function cut(clients: SiteClients, job: TransferJob, cutAt: number): Promise<Error> {
  const { client } = await clients.connected(job.siteId);
  const abort = new AbortController();
  const onProgress = (s: BatchSnapshot) => s.bytes >= cutAt && abort.abort();
  return runTransferJob(client, job, { signal: abort.signal, onProgress }).then(
    () => assert.fail('the transfer should have been cut'),
    (err: Error) => err,
  );
}

describe('explorer: transfer jobs (cut and resumed) on Ferry\'s server', function () {
  this.timeout(60_000);
  let server: TestServer;
  let clients: SiteClients;
  let local: string;
  const ends: { command: string; bytes: number }[] = [];

  before(async () => {
    // Slow enough to cut mid-way, fast enough for a quick test.
    server = await startTestServer({ tunables: { max_download_rate: 400_000, max_upload_rate: 400_000 } });
    server.server.on('transfer-end', (t) => ends.push({ command: t.command, bytes: t.bytes }));
    ({ clients } = explorerModel({ ferry: loopbackSite(server.port, { maxConnections: 1 }) }));
    local = tempDir('ferry-explorer-local-');
  });
  after(async () => {
    clients.dispose();
    await server.stop();
    rmSync(local, { recursive: true, force: true });
  });
  beforeEach(() => (ends.length = 0));

  it('keeps modification times both ways unless preserveTime is off (ferry.transfers.preserveTimes)', async () => {
    const past = new Date('2018-05-06T07:08:09Z');
    const file = path.join(local, 'dated.txt');
    writeFileSync(file, 'dated');
    utimesSync(file, past, past);
    const { client } = await clients.connected('ferry');
    const up: TransferJob = { direction: 'upload', siteId: 'ferry', items: [{ local: file, remote: '/dated.txt', folder: false, size: 5 }] };
    await runTransferJob(client, up, { preserveTime: true });
    assert.equal(statSync(path.join(server.root, 'dated.txt')).mtime.getTime(), past.getTime());
    const down: TransferJob = { direction: 'download', siteId: 'ferry', items: [{ local: path.join(local, 'dated.down'), remote: '/dated.txt', folder: false, size: 5 }] };
    await runTransferJob(client, down, { preserveTime: true });
    assert.equal(statSync(path.join(local, 'dated.down')).mtime.getTime(), past.getTime());
    const started = Date.now() - 2000;
    await runTransferJob(client, { ...up, items: [{ ...up.items[0], remote: '/dated-now.txt' }] }, { preserveTime: false });
    assert.ok(statSync(path.join(server.root, 'dated-now.txt')).mtime.getTime() >= started);
  });

  it('resumes a cut download where it stopped', async () => {
    const content = randomBytes(SIZE);
    writeFileSync(path.join(server.root, 'big.bin'), content);
    const job: TransferJob = { direction: 'download', siteId: 'ferry', items: [{ local: path.join(local, 'big.bin'), remote: '/big.bin', folder: false, size: SIZE }] };
    const err = await cut(clients, job, 150_000);
    assert.match(err.name, /CancelledError/);
    assert.ok(!existsSync(path.join(local, 'big.bin')), 'a partial download never has the final name');
    const partial = statSync(path.join(local, 'big.bin.part')).size;
    assert.ok(partial > 0 && partial < SIZE, `a partial file stays for the resume (${partial} bytes)`);
    const snapshots: BatchSnapshot[] = [];
    const { client } = await clients.connected('ferry');
    // The .part is this transfer's own: continued without a conflict question.
    const conflict = async () => assert.fail('asked about its own partial file');
    assert.deepEqual(await runTransferJob(client, job, { resume: true, conflict, onProgress: (s) => snapshots.push(s) }), { files: 1, bytes: SIZE });
    assert.ok(readFileSync(path.join(local, 'big.bin')).equals(content));
    assert.ok(!existsSync(path.join(local, 'big.bin.part')), 'renamed into place once complete');
    const resumed = ends.filter((e) => e.command.startsWith('RETR')).pop()!;
    assert.equal(resumed.bytes, SIZE - partial, 'only the missing tail was sent');
    assert.ok(snapshots.find((s) => s.bytes > 0)!.bytes >= partial, 'progress counts the resumed prefix');
    assert.deepEqual([snapshots.at(-1)!.bytes, snapshots.at(-1)!.totalBytes], [SIZE, SIZE]);
  });

  it('resumes a cut upload where it stopped', async () => {
    const content = randomBytes(SIZE);
    writeFileSync(path.join(local, 'up.bin'), content);
    const job: TransferJob = { direction: 'upload', siteId: 'ferry', items: await withLocalSizes([{ local: path.join(local, 'up.bin'), remote: '/up.bin', folder: false }]) };
    assert.equal(job.items[0].size, SIZE);
    await cut(clients, job, 150_000);
    const { client } = await clients.connected('ferry');
    // The server trims the file to what arrived once it notices the cut.
    let partial = 0;
    for (let i = 0; i < 50 && (partial = (await client.stat('/up.bin'))?.size ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(partial > 0 && partial < SIZE, `a partial upload stays on the server (${partial} bytes)`);
    ends.length = 0;
    await runTransferJob(client, job, { resume: true });
    assert.ok(readFileSync(path.join(server.root, 'up.bin')).equals(content));
    assert.equal(ends.filter((e) => e.command.startsWith('STOR')).pop()!.bytes, SIZE - partial);
  });

  it('moves folders both ways with one aggregated progress', async () => {
    const tree = path.join(local, 'site');
    mkdirSync(path.join(tree, 'css'), { recursive: true });
    writeFileSync(path.join(tree, 'index.html'), '<h1>hi</h1>');
    writeFileSync(path.join(tree, 'css', 'a.css'), 'body{}');
    writeFileSync(path.join(tree, 'css', 'b.css'), 'p{}');
    const { client } = await clients.connected('ferry');
    const up: BatchSnapshot[] = [];
    const items = await withLocalSizes([{ local: tree, remote: '/site', folder: true }]);
    assert.deepEqual(await runTransferJob(client, { direction: 'upload', siteId: 'ferry', items }, { onProgress: (s) => up.push(s) }), { files: 3, bytes: 20 });
    assert.equal(readFileSync(path.join(server.root, 'site', 'css', 'b.css'), 'utf8'), 'p{}');
    assert.deepEqual([up.at(-1)!.bytes, up.at(-1)!.totalBytes], [20, 20]);
    const back = path.join(local, 'back');
    const down = await runTransferJob(client, { direction: 'download', siteId: 'ferry', items: [{ local: back, remote: '/site', folder: true }] });
    assert.deepEqual(down, { files: 3, bytes: 20 });
    assert.equal(readFileSync(path.join(back, 'css', 'a.css'), 'utf8'), 'body{}');
  });

  /** Runs one file both ways' job with a fixed answer; the paths the hook was asked about. */
  async function run(job: TransferJob, rule: ConflictRule | undefined, resume = false): Promise<string[]> {
    const asked: string[] = [];
    const { client } = await clients.connected('ferry');
    await runTransferJob(client, job, { resume, conflict: async (target) => (asked.push(target), rule) });
    return asked;
  }
  const download = (name: string, to = name): TransferJob => ({ direction: 'download', siteId: 'ferry', items: [{ local: path.join(local, to), remote: `/${name}`, folder: false }] });
  const upload = (name: string, to = name): TransferJob => ({ direction: 'upload', siteId: 'ferry', items: [{ local: path.join(local, name), remote: `/${to}`, folder: false }] });

  it('applies each rule to a download onto an existing local file', async () => {
    const content = randomBytes(50_000);
    writeFileSync(path.join(server.root, 'd.bin'), content);
    const target = path.join(local, 'd.bin');
    writeFileSync(target, 'mine');
    assert.deepEqual(await run(download('d.bin'), 'skip'), [target]);
    assert.equal(readFileSync(target, 'utf8'), 'mine', 'skip leaves it alone');
    await run(download('d.bin'), 'rename');
    assert.equal(readFileSync(target, 'utf8'), 'mine');
    assert.ok(readFileSync(path.join(local, 'd (1).bin')).equals(content), 'rename keeps both');
    writeFileSync(target, content.subarray(0, 20_000));
    await run(download('d.bin'), 'resume');
    assert.ok(readFileSync(target).equals(content));
    assert.equal(ends.filter((e) => e.command.startsWith('RETR')).pop()!.bytes, 30_000, 'resume fetched only what the smaller file lacked');
    ends.length = 0;
    await run(download('d.bin'), 'skip-identical');
    assert.equal(ends.filter((e) => e.command.startsWith('RETR')).length, 0, 'identical (size + sha256 over HASH): skipped');
    writeFileSync(target, randomBytes(50_000));
    await run(download('d.bin'), 'skip-identical');
    assert.ok(readFileSync(target).equals(content), 'same size, other bytes: replaced');
    await assert.rejects(run(download('d.bin'), undefined), /cancelled/, 'a dismissed question stops the transfer');
  });

  it('applies each rule to an upload onto an existing remote file', async () => {
    const content = randomBytes(50_000);
    writeFileSync(path.join(local, 'u.bin'), content);
    const remote = path.join(server.root, 'u.bin');
    writeFileSync(remote, 'theirs');
    assert.deepEqual(await run(upload('u.bin'), 'skip'), ['/u.bin']);
    assert.equal(readFileSync(remote, 'utf8'), 'theirs');
    await run(upload('u.bin'), 'rename');
    assert.equal(readFileSync(remote, 'utf8'), 'theirs');
    assert.ok(readFileSync(path.join(server.root, 'u (1).bin')).equals(content));
    writeFileSync(remote, content.subarray(0, 10_000));
    await run(upload('u.bin'), 'resume');
    assert.ok(readFileSync(remote).equals(content));
    assert.equal(ends.filter((e) => /^(STOR|APPE)/.test(e.command)).pop()!.bytes, 40_000);
    ends.length = 0;
    await run(upload('u.bin'), 'skip-identical');
    assert.equal(ends.filter((e) => /^(STOR|APPE)/.test(e.command)).length, 0);
    await run(upload('u.bin'), 'overwrite');
    assert.equal(ends.filter((e) => /^(STOR|APPE)/.test(e.command)).pop()!.bytes, 50_000);
    assert.equal(sha256(remote), sha256(path.join(local, 'u.bin')));
  });

  it('asks once for a folder download with "for all the rest", only about files that exist', async () => {
    const dir = path.join(local, 'tree');
    mkdirSync(path.join(server.root, 'tree'), { recursive: true });
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(server.root, 'tree', name), `remote ${name}`);
    const job: TransferJob = { direction: 'download', siteId: 'ferry', items: [{ local: dir, remote: '/tree', folder: true }] };
    const questions: string[] = [];
    const answers = (answer: ConflictAnswer | undefined) => new ConflictAnswers(async (target) => (questions.push(path.basename(target)), answer));
    const { client } = await clients.connected('ferry');
    await runTransferJob(client, job, { conflict: (t) => answers(undefined).rule(t) });
    assert.deepEqual(questions, [], 'an empty destination: no question');
    writeFileSync(path.join(dir, 'a.txt'), 'local a');
    writeFileSync(path.join(dir, 'b.txt'), 'local b');
    const once = answers({ rule: 'skip', all: true });
    await runTransferJob(client, job, { conflict: (t) => once.rule(t) });
    assert.equal(questions.length, 1, `one question for two existing files (${questions.join(', ')})`);
    assert.deepEqual(['a.txt', 'b.txt', 'c.txt'].map((n) => readFileSync(path.join(dir, n), 'utf8')), ['local a', 'local b', 'remote c.txt']);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.part')), []);
    ends.length = 0;
    const resumed = new ConflictAnswers(async (t) => assert.fail(`a resume asks only about files never answered: ${t}`), {
      byPath: { [path.join(dir, 'a.txt')]: 'skip', [path.join(dir, 'b.txt')]: 'skip' },
    });
    await runTransferJob(client, job, { resume: true, conflict: (t) => resumed.rule(t) });
    assert.deepEqual(ends.filter((e) => e.command.startsWith('RETR')), [], 'the file finished before the cut (same size and sha256) is not fetched again, the skipped ones stay skipped');
  });
});
