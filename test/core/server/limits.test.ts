import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, tempDir, TestServer, withTestServer } from '../../helpers/ferry-server';
import { closed, connectData, countBytes, epsv, loggedIn, pasv, randomFile, rawTransfer, sparseFile, unresponsiveListener, waitFor } from '../../helpers/ftp-kit';
import { curl, sha256, sha256File } from '../../helpers/processes';

/** A raw control connection (optionally from another loopback address) and its first reply line. */
async function greet(port: number, localAddress?: string): Promise<{ code: number; line: string; socket: net.Socket }> {
  const socket = await connectData(port, { localAddress });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('no greeting')), 10_000);
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (buffer.includes('\n')) {
        clearTimeout(timer);
        resolve(buffer.slice(0, buffer.indexOf('\n')).trim());
      }
    });
  });
  return { code: Number(line.slice(0, 3)), line, socket };
}


describe('server limits: connection counts', () => {
  it('maximum_clients = 2: the third connection gets 421 and is closed; QUIT frees a slot', () =>
    withTestServer({ tunables: { maximum_clients: 2 } }, async (t) => {
      const a = await loggedIn(t.port);
      const b = await greet(t.port);
      assert.equal(b.code, 220);
      const third = await greet(t.port);
      assert.equal(third.code, 421, third.line);
      assert.match(third.line, /maximum_clients/);
      await closed(third.socket);
      // Another address does not help: the limit is global.
      const fourth = await greet(t.port, '127.0.0.2');
      assert.equal(fourth.code, 421);
      await closed(fourth.socket);
      assert.equal((await a.send('QUIT')).code, 221);
      const fifth = await greet(t.port);
      assert.equal(fifth.code, 220, fifth.line);
      // An abrupt disconnect frees its slot too (once the server has seen the close).
      b.socket.destroy();
      fifth.socket.destroy();
      const again = await waitFor('a free slot after disconnects', async () => {
        const g = await greet(t.port);
        if (g.code === 220) return g;
        g.socket.destroy();
        return undefined;
      }, 5000, 50);
      again.socket.destroy();
    }));

  it('max_conns_per_ip = 2: a third connection from 127.0.0.1 gets 421, another address is still served', () =>
    withTestServer({ tunables: { max_conns_per_ip: 2 } }, async (t) => {
      const a = await loggedIn(t.port);
      const b = await greet(t.port);
      assert.equal(b.code, 220);
      const third = await greet(t.port);
      assert.equal(third.code, 421, third.line);
      assert.match(third.line, /max_conns_per_ip/);
      await closed(third.socket);
      const other = await greet(t.port, '127.0.0.2');
      assert.equal(other.code, 220, other.line);
      assert.equal((await a.send('QUIT')).code, 221);
      const next = await greet(t.port);
      assert.equal(next.code, 220, next.line);
      for (const s of [b.socket, other.socket, next.socket]) s.destroy();
    }));
});

describe('server limits: transfer rates (lower bounds only)', () => {
  const SIZE = 300_000;
  const RATE = 150_000;
  let t: TestServer;
  let work: string;
  before(async () => {
    t = await startTestServer({ tunables: { max_download_rate: RATE, max_upload_rate: RATE } });
    work = tempDir('ferry-client-');
  });
  after(async () => {
    await t.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`max_download_rate: ${SIZE} bytes at ${RATE} B/s take at least 1.5 s`, async () => {
    const data = randomBytes(SIZE);
    writeFileSync(path.join(t.root, 'down.bin'), data);
    const local = path.join(work, 'down.bin');
    const started = Date.now();
    const r = await curl(['-o', local, `${t.url}/down.bin`]);
    const elapsed = Date.now() - started;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sha256File(local), sha256(data));
    assert.ok(elapsed >= 1500, `download took only ${elapsed} ms`);
  });

  it(`max_upload_rate: ${SIZE} bytes at ${RATE} B/s take at least 1.5 s`, async () => {
    const file = randomFile(work, 'up.bin', SIZE);
    const started = Date.now();
    const r = await curl(['-T', file.path, `${t.url}/up.bin`]);
    const elapsed = Date.now() - started;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sha256File(path.join(t.root, 'up.bin')), file.sha);
    assert.ok(elapsed >= 1500, `upload took only ${elapsed} ms`);
  });

  it('global_download_rate is shared: two sessions of 100 kB each at 100 kB/s together take at least 1.5 s', () =>
    withTestServer({ tunables: { global_download_rate: 100_000 } }, async (g) => {
      const data = randomBytes(100_000);
      writeFileSync(path.join(g.root, 'shared.bin'), data);
      const started = Date.now();
      const results = await Promise.all(['a', 'b'].map((n) => curl(['-o', path.join(work, `shared-${n}.bin`), `${g.url}/shared.bin`])));
      const elapsed = Date.now() - started;
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      for (const n of ['a', 'b']) assert.equal(await sha256File(path.join(work, `shared-${n}.bin`)), sha256(data));
      // Each alone would need ~1 s; sharing the bucket makes it ~2 s.
      assert.ok(elapsed >= 1500, `both downloads took only ${elapsed} ms: the global bucket is not shared`);
    }));
});

describe('server limits: timeouts', () => {
  let t: TestServer;
  let client: ControlClient;
  before(async () => {
    t = await startTestServer({ tunables: { idle_ctrl_timeout: 1, idle_data_timeout: 1, accept_timeout: 1, connect_timeout: 1 } });
    sparseFile(path.join(t.root, 'huge.bin'), 64 << 20);
  });
  after(() => t.stop());
  beforeEach(async () => (client = await loggedIn(t.port)));
  afterEach(() => client.close());

  it('idle_ctrl_timeout: an idle client gets 421 and is closed', async () => {
    const r = await client.read(5000);
    assert.equal(r.code, 421, r.text);
    assert.match(r.text, /idle_ctrl_timeout/);
    await closed(client.socket);
    // Before login as well.
    const { client: anonymous, greeting } = await ControlClient.connect(t.port);
    assert.equal(greeting.code, 220);
    assert.equal((await anonymous.read(5000)).code, 421);
    await closed(anonymous.socket);
  });

  it('idle_data_timeout: a STOR whose client sends nothing gets 426, and the session goes on', async () => {
    const port = await epsv(client);
    assert.equal((await client.send('STOR silent.bin')).code, 150);
    const data = await connectData(port);
    const r = await client.read(5000);
    assert.equal(r.code, 426, r.text);
    assert.match(r.text, /idle_data_timeout/);
    await closed(data);
    assert.equal((await client.send('NOOP')).code, 200);
    const { final } = await rawTransfer(client, 'EPSV', 'STOR silent.bin', Buffer.from('now with data'));
    assert.equal(final.code, 226);
    assert.equal(readFileSync(path.join(t.root, 'silent.bin'), 'utf8'), 'now with data');
  });

  it('idle_data_timeout: a RETR whose reader stops reading gets 426, and the session goes on', async () => {
    const port = await epsv(client);
    assert.equal((await client.send('RETR huge.bin')).code, 150);
    // Never read: the kernel buffers fill and the server's writes stall.
    const data = await connectData(port);
    const r = await client.read(15_000);
    assert.equal(r.code, 426, r.text);
    assert.match(r.text, /idle_data_timeout/);
    data.destroy();
    assert.equal((await client.send('PWD')).code, 257);
    writeFileSync(path.join(t.root, 'small.txt'), 'small');
    const { data: got, final } = await rawTransfer(client, 'EPSV', 'RETR small.txt');
    assert.equal(final.code, 226);
    assert.equal(got.toString(), 'small');
  });

  it('accept_timeout: PASV then RETR without connecting gives 150 then 425; an unused STOR target is not left behind', async () => {
    writeFileSync(path.join(t.root, 'wanted.txt'), 'never fetched');
    await pasv(client);
    assert.equal((await client.send('RETR wanted.txt')).code, 150);
    const r = await client.read(5000);
    assert.equal(r.code, 425, r.text);
    assert.match(r.text, /accept_timeout/);
    await epsv(client);
    assert.equal((await client.send('STOR ghost.bin')).code, 150);
    assert.equal((await client.read(5000)).code, 425);
    assert.equal(existsSync(path.join(t.root, 'ghost.bin')), false);
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('connect_timeout: PORT to a listener that never answers the SYN gives 150 then 425', async () => {
    const blackhole = await unresponsiveListener();
    try {
      writeFileSync(path.join(t.root, 'unsent.txt'), 'x');
      assert.equal((await client.send(`PORT 127,0,0,1,${blackhole.port >> 8},${blackhole.port & 255}`)).code, 200);
      assert.equal((await client.send('RETR unsent.txt')).code, 150);
      const r = await client.read(5000);
      assert.equal(r.code, 425, r.text);
      assert.match(r.text, /connect_timeout/);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      blackhole.close();
    }
  });
});

describe('server limits: idle_ctrl_timeout never cuts a running transfer', () => {
  it('a throttled 2 s download with idle_ctrl_timeout = 1 gets its 226, the idle timer starts again after it', () =>
    withTestServer({ tunables: { idle_ctrl_timeout: 1, max_download_rate: 100_000 } }, async (t) => {
      const data = randomBytes(200_000);
      writeFileSync(path.join(t.root, 'long.bin'), data);
      const client = await loggedIn(t.port);
      try {
        const port = await epsv(client);
        const started = Date.now();
        assert.equal((await client.send('RETR long.bin')).code, 150);
        const socket = await connectData(port);
        const counter = countBytes(socket);
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        const r = await client.read(10_000);
        assert.equal(r.code, 226, r.text);
        assert.ok(Date.now() - started >= 1000, 'the download was not longer than idle_ctrl_timeout: the test proves nothing');
        await counter.ended;
        assert.equal(sha256(Buffer.concat(chunks)), sha256(data));
        // The idle timer runs again from the 226 on: silence now ends the session.
        assert.equal((await client.read(5000)).code, 421);
        await closed(client.socket);
      } finally {
        client.close();
      }
    }));
});

describe('server limits: local_umask', () => {
  for (const umask of [0o022, 0o077]) {
    it(`local_umask = 0${umask.toString(8)}: files 0${(0o666 & ~umask).toString(8)}, directories 0${(0o777 & ~umask).toString(8)}`, () =>
      withTestServer({ tunables: { local_umask: umask } }, async (t) => {
        const client = await loggedIn(t.port);
        try {
          assert.equal((await client.send('MKD made')).code, 257);
          assert.equal((await rawTransfer(client, 'EPSV', 'STOR made/stored.bin', Buffer.from('stored'))).final.code, 226);
          assert.equal((await rawTransfer(client, 'PASV', 'APPE appended.bin', Buffer.from('appended'))).final.code, 226);
        } finally {
          client.close();
        }
        const src = path.join(t.root, '..', `umask-src-${t.port}.txt`);
        writeFileSync(src, 'curl');
        const up = await curl(['--ftp-create-dirs', '-T', src, `${t.url}/viacurl/deep/file.txt`]);
        rmSync(src);
        assert.equal(up.code, 0, up.stderr);
        const mode = (p: string) => statSync(path.join(t.root, p)).mode & 0o777;
        for (const f of ['made/stored.bin', 'appended.bin', 'viacurl/deep/file.txt']) assert.equal(mode(f), 0o666 & ~umask, f);
        for (const d of ['made', 'viacurl', 'viacurl/deep']) assert.equal(mode(d), 0o777 & ~umask, d);
      }));
  }
});
