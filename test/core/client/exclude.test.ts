import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../../src/core/client';
import { excludeTest } from '../../../src/core/exclude';
import { TransferQueue } from '../../../src/core/fxp';
import { filesBelow } from '../../helpers/files';
import { startTestServer, tempDir, TestServer, TEST_PASSWORD } from '../../helpers/ferry-server';
import { siteFor } from '../../helpers/peers';
import { site } from '../fxp/queue-kit';

/** A tree with what users usually leave out, and look-alikes that must still travel. */
const TREE = [
  'src/app.js',
  'src/node_modules.md',
  'node_modules/lib/index.js',
  'docs/node_modules/deep.js',
  '.git/HEAD',
  'debug.log',
  'logs/keep.log',
  'build/out.txt',
  'src/build',
  'rebuild/x.txt',
];
const PATTERNS = ['node_modules', '.git', '*.log', '!keep.log', 'build/'];
const KEPT = ['logs/keep.log', 'rebuild/x.txt', 'src/app.js', 'src/build', 'src/node_modules.md'];

function writeTree(root: string): void {
  for (const rel of TREE) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), rel);
  }
}

describe('folder transfers: exclude patterns (ferry.transfers.exclude, sftp.json ignore)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let local: string;
  let client: FtpClient;
  beforeEach(async () => {
    server = await startTestServer({ tunables: { allow_fxp: true } });
    local = tempDir('ferry-exclude-');
    client = new FtpClient(siteFor({ name: 'ferry', port: server.port, tls: false, dataDir: server.root }, 'passive', false));
  });
  afterEach(async () => {
    client.close();
    await server.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('reads patterns as .gitignore does: any depth, directories only with a slash, negation', () => {
    const test = excludeTest(PATTERNS)!;
    assert.deepEqual(TREE.filter((rel) => !test(rel, false) && !rel.split('/').slice(0, -1).some((_, i, dirs) => test(dirs.slice(0, i + 1).join('/'), true))).sort(), KEPT);
    assert.equal(excludeTest([]), undefined);
    assert.equal(excludeTest(['', '  ', '# a comment']), undefined);
  });

  it('an upload leaves the excluded files and folders on this machine', async () => {
    writeTree(path.join(local, 'project'));
    const done = await client.uploadFolder(path.join(local, 'project'), '/up', { exclude: PATTERNS });
    assert.deepEqual(filesBelow(path.join(server.root, 'up')), KEPT);
    assert.equal(done.files, KEPT.length);
    assert.deepEqual(readdirSync(path.join(server.root, 'up')).sort(), ['docs', 'logs', 'rebuild', 'src'], 'no empty node_modules/.git/build folders either');
  });

  it('a download leaves them on the server', async () => {
    writeTree(path.join(server.root, 'site'));
    await client.downloadFolder('/site', path.join(local, 'copy'), { exclude: PATTERNS });
    assert.deepEqual(filesBelow(path.join(local, 'copy')), KEPT);
    assert.deepEqual(readdirSync(path.join(local, 'copy')).sort(), ['docs', 'logs', 'rebuild', 'src']);
  });

  it('an FXP folder copy queues only the files that are not excluded', async () => {
    const target = await startTestServer({ tunables: { allow_fxp: true } });
    writeTree(path.join(server.root, 'tree'));
    const queue = await TransferQueue.open({ file: path.join(local, 'queue.json'), passwordFor: () => TEST_PASSWORD, backoffMs: 200 });
    try {
      const jobs = await queue.addFolder({ source: { site: site(server.port), path: 'tree' }, target: { site: site(target.port), path: 'copy' } }, { exclude: PATTERNS });
      assert.deepEqual(jobs.map((j) => path.posix.relative('tree', j.source.path)).sort(), KEPT);
      await queue.run();
      for (const job of queue.list()) assert.equal(job.state, 'done', job.error);
      assert.deepEqual(filesBelow(path.join(target.root, 'copy')), KEPT);
    } finally {
      queue.close();
      await target.stop();
    }
  });
});
