import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FsProblem, FsProblemKind } from '../../../src/vscode/explorer/model/fs-problem';
import { RemoteChange, RemoteFs } from '../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { startTestServer, TestServer, testPasswordHash } from '../../helpers/ferry-server';
import { explorerModel, loopbackSite } from './remote-fixture';

/** Resolves the FsProblem kind `promise` rejects with. */
async function kindOf(promise: Promise<unknown>): Promise<FsProblemKind> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FsProblem, `expected an FsProblem, got ${String(err)}`);
    return err.kind;
  }
  assert.fail('expected a failure');
}

const at = (p: string) => ({ siteId: 'ferry', path: p });

describe('explorer: remote file system on Ferry\'s server', function () {
  this.timeout(30_000);
  let server: TestServer;
  let fs: RemoteFs;
  let clients: SiteClients;
  let log: string[];
  let changes: RemoteChange[];
  const disk = (p: string) => path.join(server.root, p);

  before(async () => {
    const reader = { name: 'reader', passwordHash: await testPasswordHash(), perms: 'elr' };
    server = await startTestServer({ users: [{ name: 'tester', passwordHash: await testPasswordHash(), perms: 'elradfmwMT' }, reader], tunables: { local_umask: 0o022 } });
    ({ fs, clients, log } = explorerModel({ ferry: loopbackSite(server.port), reader: loopbackSite(server.port, { user: 'reader' }) }));
    fs.onDidChange((list) => changes.push(...list));
  });
  after(async () => {
    clients.dispose();
    await server.stop();
  });
  beforeEach(() => {
    changes = [];
    mkdirSync(disk('docs/sub'), { recursive: true });
    writeFileSync(disk('docs/readme.txt'), 'hello');
    chmodSync(disk('docs/readme.txt'), 0o640);
    fs.forget('ferry');
  });

  it('stats the root, folders and files (with the mode from the listing), and nothing for missing paths', async () => {
    assert.equal((await fs.stat(at('/')))?.type, 'directory');
    assert.equal((await fs.stat(at('/docs')))?.type, 'directory');
    const file = await fs.stat(at('/docs/readme.txt'));
    assert.deepEqual([file?.type, file?.size, file?.mode], ['file', 5, 0o640]);
    assert.ok(file?.modifiedAt instanceof Date);
    assert.equal(await fs.stat(at('/docs/none')), undefined);
    assert.equal(await fs.stat(at('/nowhere/none')), undefined);
    assert.equal(await kindOf(fs.existing(at('/docs/none'))), 'FileNotFound');
    assert.equal(clients.state('ferry').status, 'connected');
  });

  it('lists folders and reads files', async () => {
    assert.deepEqual((await fs.list(at('/docs'))).map((e) => e.name).sort(), ['readme.txt', 'sub']);
    assert.equal((await fs.readFile(at('/docs/readme.txt'))).toString(), 'hello');
    assert.equal(await kindOf(fs.readFile(at('/docs/none.txt'))), 'FileNotFound');
    assert.equal(await kindOf(fs.readFile(at('/docs/sub'))), 'FileIsADirectory');
  });

  it('writes files by the create/overwrite rules', async () => {
    assert.equal(await kindOf(fs.writeFile(at('/docs/new.txt'), Buffer.from('x'), { create: false, overwrite: true })), 'FileNotFound');
    assert.equal(await kindOf(fs.writeFile(at('/docs/readme.txt'), Buffer.from('x'), { create: true, overwrite: false })), 'FileExists');
    assert.equal(await kindOf(fs.writeFile(at('/docs/sub'), Buffer.from('x'), { create: true, overwrite: true })), 'FileIsADirectory');
    assert.equal(await kindOf(fs.writeFile(at('/missing/new.txt'), Buffer.from('x'), { create: true, overwrite: true })), 'FileNotFound');
    assert.equal(await kindOf(fs.writeFile(at('/docs/readme.txt/x'), Buffer.from('x'), { create: true, overwrite: true })), 'FileNotADirectory');
    await fs.writeFile(at('/docs/new.txt'), Buffer.from('created'), { create: true, overwrite: false });
    await fs.writeFile(at('/docs/readme.txt'), Buffer.from('replaced'), { create: false, overwrite: true });
    assert.equal(readFileSync(disk('docs/new.txt'), 'utf8'), 'created');
    assert.equal(readFileSync(disk('docs/readme.txt'), 'utf8'), 'replaced');
    assert.deepEqual(changes, [
      { kind: 'created', location: at('/docs/new.txt') },
      { kind: 'changed', location: at('/docs/readme.txt') },
    ]);
  });

  it('sees its own writes at once although listings are cached', async () => {
    assert.equal(await fs.stat(at('/docs/later.txt')), undefined);
    writeFileSync(disk('docs/behind-our-back.txt'), 'x');
    assert.equal(await fs.stat(at('/docs/behind-our-back.txt')), undefined, 'the cached listing is used');
    await fs.writeFile(at('/docs/later.txt'), Buffer.from('1234'), { create: true, overwrite: false });
    assert.equal((await fs.stat(at('/docs/later.txt')))?.size, 4);
    assert.notEqual(await fs.stat(at('/docs/behind-our-back.txt')), undefined, 'the listing was read again');
  });

  it('keeps the mode of a saved file, setting it back when the server reset it', async () => {
    // This server's STOR keeps modes; make it behave like servers that recreate the file with their umask.
    const reset = (info: { command: string; path: string }) => info.command.startsWith('STOR') && chmodSync(disk(info.path), 0o600);
    server.server.on('transfer-end', reset);
    try {
      await fs.writeFile(at('/docs/readme.txt'), Buffer.from('saved'), { create: false, overwrite: true });
    } finally {
      server.server.off('transfer-end', reset);
    }
    assert.equal(statSync(disk('docs/readme.txt')).mode & 0o777, 0o640);
    assert.match(log.join('\n'), /mode became 600 on upload, setting 640 back/);
  });

  it('creates, renames and deletes, reporting each change', async () => {
    await fs.createDirectory(at('/docs/made'));
    assert.equal(await kindOf(fs.createDirectory(at('/docs/made'))), 'FileExists');
    assert.equal(await kindOf(fs.createDirectory(at('/nope/made'))), 'FileNotFound');
    await fs.writeFile(at('/docs/made/a.txt'), Buffer.from('a'), { create: true, overwrite: false });
    await fs.rename(at('/docs/made'), at('/docs/moved'), { overwrite: false });
    assert.ok(existsSync(disk('docs/moved/a.txt')));
    assert.equal(await kindOf(fs.rename(at('/docs/moved/a.txt'), at('/docs/readme.txt'), { overwrite: false })), 'FileExists');
    await fs.rename(at('/docs/moved/a.txt'), at('/docs/readme.txt'), { overwrite: true });
    assert.equal(readFileSync(disk('docs/readme.txt'), 'utf8'), 'a');
    assert.equal(await kindOf(fs.rename(at('/docs/none'), at('/docs/x'), { overwrite: true })), 'FileNotFound');
    assert.equal(await kindOf(fs.rename(at('/docs'), at('/docs/sub/docs'), { overwrite: false })), 'NoPermissions');
    assert.equal(await kindOf(fs.rename(at('/docs/readme.txt'), { siteId: 'reader', path: '/x' }, { overwrite: false })), 'Unavailable');
    writeFileSync(disk('docs/moved/b.txt'), 'b');
    assert.notEqual(await kindOf(fs.delete(at('/docs/moved'), { recursive: false })), 'FileNotFound');
    assert.ok(existsSync(disk('docs/moved/b.txt')), 'a non-recursive delete leaves a full folder alone');
    await fs.delete(at('/docs/moved'), { recursive: true });
    assert.equal(existsSync(disk('docs/moved')), false);
    assert.equal(await kindOf(fs.delete(at('/docs/moved'), { recursive: true })), 'FileNotFound');
    assert.deepEqual(
      changes.map((c) => `${c.kind} ${c.location.path}`),
      ['created /docs/made', 'created /docs/made/a.txt', 'deleted /docs/made', 'created /docs/moved', 'deleted /docs/moved/a.txt', 'created /docs/readme.txt', 'deleted /docs/moved'],
    );
  });

  it('changes modes with SITE CHMOD', async () => {
    await fs.chmod(at('/docs/readme.txt'), 0o604);
    assert.equal(statSync(disk('docs/readme.txt')).mode & 0o777, 0o604);
    assert.equal((await fs.stat(at('/docs/readme.txt')))?.mode, 0o604, 'the listing was refreshed');
  });

  it("maps the server's refusals to NoPermissions with its words", async () => {
    const as = (p: string) => ({ siteId: 'reader', path: p });
    const refused = fs.writeFile(as('/docs/readme.txt'), Buffer.from('x'), { create: true, overwrite: true });
    await assert.rejects(refused, (err: FsProblem) => err.kind === 'NoPermissions' && /550 Permission denied/.test(err.message));
    assert.equal(await kindOf(fs.createDirectory(as('/docs/x'))), 'NoPermissions');
    assert.equal(await kindOf(fs.delete(as('/docs/readme.txt'), { recursive: false })), 'NoPermissions');
    assert.equal(await kindOf(fs.chmod(as('/docs/readme.txt'), 0o777)), 'NoPermissions');
    assert.equal(readFileSync(disk('docs/readme.txt'), 'utf8'), 'hello');
  });

  it('answers parallel stat and readFile calls correctly through a pool of two connections', async () => {
    for (let i = 0; i < 12; i++) writeFileSync(disk(`docs/f${i}.txt`), `content ${i}`.repeat(i + 1));
    fs.forget('ferry');
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const [stat, data] = await Promise.all([fs.stat(at(`/docs/f${i}.txt`)), fs.readFile(at(`/docs/f${i}.txt`))]);
        return { size: stat?.size, text: data.toString() };
      }),
    );
    results.forEach((r, i) => assert.deepEqual(r, { size: `content ${i}`.repeat(i + 1).length, text: `content ${i}`.repeat(i + 1) }));
    assert.ok(server.server.sessions().length <= 2 + 1, `at most the pool's two connections (sessions: ${server.server.sessions().length})`);
  });

  it('reports an unreachable site as Unavailable and marks it failed', async () => {
    const { fs: other, clients: otherClients } = explorerModel({ gone: loopbackSite(1, { timeoutMs: 3000 }) });
    const problem = await other.list({ siteId: 'gone', path: '/' }).catch((err: FsProblem) => err);
    assert.equal((problem as FsProblem).kind, 'Unavailable');
    assert.match((problem as FsProblem).message, /ECONNREFUSED/);
    assert.equal(otherClients.state('gone').status, 'failed');
    assert.equal(await kindOf(other.list({ siteId: 'unknown', path: '/' })), 'Unavailable');
  });
});
