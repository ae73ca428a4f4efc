import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'basic-ftp';
import { defaultTunables, SessionInfo, Tunables } from '../../../src/core/server';
import { StartRequest } from '../../../src/vscode/server/model/child-ipc';
import { ServerProcess, ServerStartError } from '../../../src/vscode/server/server-process';
import { TEST_PASSWORD, TEST_USER, tempDir, testPasswordHash } from '../../helpers/ferry-server';
import { portRefuses } from '../../helpers/polling';

/** The compiled child entry point, next to this test's compiled sources. */
const CHILD = path.resolve(__dirname, '..', '..', '..', 'src', 'vscode', 'server', 'server-child.js');

async function request(root: string, tunables: Partial<Tunables> = {}): Promise<StartRequest> {
  return {
    type: 'start',
    root,
    tunables: { ...defaultTunables(), listen_address: '127.0.0.1', listen_port: 0, ...tunables },
    users: [{ name: TEST_USER, passwordHash: await testPasswordHash(), perms: 'elradfmwMT' }],
    stateDir: tempDir('ferry-state-'),
  };
}

/** Resolves with the first session snapshot that satisfies `accept`; bounded. */
function sessionsWhere(server: ServerProcess, accept: (s: SessionInfo[]) => boolean, timeoutMs = 10_000): Promise<SessionInfo[]> {
  if (accept(server.sessions())) return Promise.resolve(server.sessions());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.off('sessions', listener);
      reject(new Error(`no matching session snapshot within ${timeoutMs} ms (last: ${JSON.stringify(server.sessions())})`));
    }, timeoutMs);
    const listener = (sessions: SessionInfo[]) => {
      if (!accept(sessions)) return;
      clearTimeout(timer);
      server.off('sessions', listener);
      resolve(sessions);
    };
    server.on('sessions', listener);
  });
}

async function startFailure(req: StartRequest): Promise<ServerStartError> {
  try {
    const server = await ServerProcess.start(CHILD, req, { cwd: path.dirname(req.root) });
    await server.stop();
  } catch (err) {
    assert.ok(err instanceof ServerStartError, String(err));
    return err;
  }
  assert.fail('the server started');
}

describe('serve in a child process', () => {
  let root: string;
  beforeEach(() => (root = tempDir()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('serves, reports sessions and transfers, disconnects a client and stops', async () => {
    const server = await ServerProcess.start(CHILD, await request(root), { cwd: root });
    assert.match(server.url, /^ftp:\/\/127\.0\.0\.1:\d+\/$/);
    const transfers: string[] = [];
    server.on('transfer-end', (t) => transfers.push(`${t.user} ${t.command} ${t.path} ${t.bytes} ${t.ok}`));
    const client = new Client(10_000);
    try {
      await client.access({ host: '127.0.0.1', port: server.address.port, user: TEST_USER, password: TEST_PASSWORD });
      const [session] = await sessionsWhere(server, (s) => s.length === 1 && s[0].user === TEST_USER);
      assert.equal(session.remoteAddress, '127.0.0.1');
      assert.ok(session.connectedAt instanceof Date, 'Dates survive the IPC channel');
      await client.uploadFrom(Readable.from([Buffer.from('hello over ipc')]), 'hello.txt');
      await sessionsWhere(server, () => transfers.length > 0);
      assert.deepEqual(transfers, [`${TEST_USER} STOR /hello.txt 14 true`]);

      server.disconnect(session.id);
      await sessionsWhere(server, (s) => s.length === 0);
      await assert.rejects(client.list(), 'the disconnected client can no longer talk to the server');
    } finally {
      client.close();
    }
    const exited = once(server, 'exit');
    await server.stop();
    assert.deepEqual((await exited)[0].expected, true);
    assert.equal(await portRefuses(server.address.port), true);
  });

  it('reports a taken port as a listen failure with its errno code', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const failure = (await startFailure(await request(root, { listen_port: (blocker.address() as net.AddressInfo).port }))).failure;
      assert.equal(failure.kind, 'listen');
      assert.equal(failure.code, 'EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('reports a missing root and a root that is a file, naming the path', async () => {
    const missing = path.join(root, 'nope');
    assert.deepEqual(
      { ...(await startFailure(await request(missing))).failure, message: undefined },
      { kind: 'root', code: 'ENOENT', path: missing, message: undefined },
    );
    const file = path.join(root, 'file.txt');
    writeFileSync(file, 'x');
    const failure = (await startFailure(await request(root, { local_root: file }))).failure;
    assert.deepEqual([failure.kind, failure.code, failure.path], ['root', 'ENOTDIR', file]);
  });

  it('reports contradicting tunables as a config failure', async () => {
    const failure = (await startFailure(await request(root, { pasv_min_port: 3000, pasv_max_port: 2000 }))).failure;
    assert.equal(failure.kind, 'config');
    assert.match(failure.message, /pasv_min_port \(3000\) is above pasv_max_port \(2000\)/);
  });

  it('stops by itself when its parent closes the IPC channel', async () => {
    const child = fork(CHILD, [], { cwd: root, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.send(await request(root));
    const [ready] = (await once(child, 'message')) as [{ type: string; address: { port: number } }];
    assert.equal(ready.type, 'ready');
    const exited = once(child, 'exit');
    child.disconnect();
    assert.deepEqual(await exited, [0, null]);
    assert.equal(await portRefuses(ready.address.port), true);
  });
});
