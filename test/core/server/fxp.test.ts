import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient, readAll } from '../../helpers/control-client';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { ActiveListener, closed, connectData, epsv, loggedIn, pasv, sleep } from '../../helpers/ftp-kit';
import { sha256, sha256File } from '../../helpers/processes';

const PAYLOAD = randomBytes(300_000);

/** Starts a server with `allow_fxp` and a 1 s accept_timeout, holding file.bin = PAYLOAD. */
async function fxpServer(allowFxp: boolean, listenAddress = '127.0.0.1'): Promise<TestServer> {
  const t = await startTestServer({ tunables: { allow_fxp: allowFxp, accept_timeout: 1, connect_timeout: 2, listen_address: listenAddress } });
  writeFileSync(path.join(t.root, 'file.bin'), PAYLOAD);
  return t;
}

/** Sends PORT/EPRT for `listener` and RETR file.bin; returns the PORT reply and, if accepted, the data that arrived. */
async function retrTo(client: ControlClient, listener: ActiveListener, kind: 'PORT' | 'EPRT') {
  const setup = await client.send(kind === 'PORT' ? `PORT ${listener.portArg}` : `EPRT ${listener.eprtArg}`);
  if (setup.code !== 200) return { setup };
  assert.equal((await client.send('RETR file.bin')).code, 150);
  const data = await readAll(await listener.accept());
  return { setup, data, final: await client.read() };
}

/** Tries to listen on a privileged port of 127.0.0.2 (needs root); undefined when not allowed. */
async function privilegedListener(): Promise<ActiveListener | undefined> {
  for (let port = 1000; port < 1010; port++) {
    try {
      return await ActiveListener.open('127.0.0.2', port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') return undefined;
    }
  }
  return undefined;
}

describe('server FXP switch: allow_fxp = NO (RFC 2577 bounce protection)', () => {
  let t: TestServer;
  let client: ControlClient;
  let foreign: ActiveListener;
  before(async () => (t = await fxpServer(false)));
  after(() => t.stop());
  beforeEach(async () => {
    client = await loggedIn(t.port);
    foreign = await ActiveListener.open('127.0.0.2');
  });
  afterEach(() => {
    client.close();
    foreign.close();
  });

  it('PORT and EPRT to another address than the client\'s are refused with 504 and never connected to', async () => {
    for (const kind of ['PORT', 'EPRT'] as const) {
      const { setup } = await retrTo(client, foreign, kind);
      assert.equal(setup.code, 504, setup.text);
      assert.equal((await client.send('RETR file.bin')).code, 425, 'a refused PORT must not leave a data setup behind');
    }
    await sleep(200);
    assert.equal(foreign.connections.length, 0, 'the server connected to the foreign address');
  });

  it('a refused PORT does not replace a valid earlier one', async () => {
    const own = await ActiveListener.open('127.0.0.1');
    try {
      assert.equal((await client.send(`PORT ${own.portArg}`)).code, 200);
      assert.equal((await client.send(`PORT ${foreign.portArg}`)).code, 504);
      assert.equal((await client.send('RETR file.bin')).code, 150);
      assert.equal(sha256(await readAll(await own.accept())), sha256(PAYLOAD));
      assert.equal((await client.read()).code, 226);
      assert.equal(foreign.connections.length, 0);
    } finally {
      own.close();
    }
  });

  it('PORT and EPRT to a privileged port (< 1024) of the client are refused with 504', async () => {
    assert.equal((await client.send('PORT 127,0,0,1,0,25')).code, 504);
    assert.equal((await client.send('PORT 127,0,0,1,3,255')).code, 504);
    assert.equal((await client.send('EPRT |1|127.0.0.1|21|')).code, 504);
    assert.equal((await client.send('PORT 127,0,0,1,4,0')).code, 200, 'port 1024 is not privileged');
  });

  it('a passive data connection from a foreign address is dropped; the client\'s own connection still gets the data', async () => {
    const port = await epsv(client);
    const early = await connectData(port, { localAddress: '127.0.0.2' });
    assert.equal((await readAll(early)).length, 0);
    assert.equal((await client.send('RETR file.bin')).code, 150);
    const late = await connectData(port, { localAddress: '127.0.0.2' });
    assert.equal((await readAll(late)).length, 0, 'a foreign connection received data');
    const own = await connectData(port);
    assert.equal(sha256(await readAll(own)), sha256(PAYLOAD));
    assert.equal((await client.read()).code, 226);
  });

  it('when only a foreign address connects, the transfer fails with 425 after accept_timeout', async () => {
    const { port } = await pasv(client);
    assert.equal((await client.send('RETR file.bin')).code, 150);
    const intruder = await connectData(port, { localAddress: '127.0.0.2' });
    await closed(intruder);
    const r = await client.read(5000);
    assert.equal(r.code, 425, r.text);
    assert.equal((await client.send('NOOP')).code, 200);
  });
});

describe('server FXP switch: allow_fxp = YES', () => {
  let t: TestServer;
  let client: ControlClient;
  before(async () => (t = await fxpServer(true)));
  after(() => t.stop());
  beforeEach(async () => (client = await loggedIn(t.port)));
  afterEach(() => client.close());

  it('PORT and EPRT to another address connect there and deliver the file', async () => {
    for (const kind of ['PORT', 'EPRT'] as const) {
      const foreign = await ActiveListener.open('127.0.0.2');
      try {
        const { setup, data, final } = await retrTo(client, foreign, kind);
        assert.equal(setup.code, 200, setup.text);
        assert.equal(final?.code, 226);
        assert.equal(sha256(data!), sha256(PAYLOAD));
        assert.deepEqual(foreign.peers, ['127.0.0.1']);
      } finally {
        foreign.close();
      }
    }
  });

  it('PORT to a privileged port is accepted (and connected to, where the test may listen there)', async function () {
    assert.equal((await client.send('PORT 127,0,0,1,0,25')).code, 200);
    const low = await privilegedListener();
    if (!low) return this.skip();
    try {
      assert.ok(low.port < 1024);
      const { setup, data, final } = await retrTo(client, low, 'PORT');
      assert.equal(setup.code, 200);
      assert.equal(final?.code, 226);
      assert.equal(sha256(data!), sha256(PAYLOAD));
    } finally {
      low.close();
    }
  });

  it('a passive data connection from a foreign address is accepted', async () => {
    const port = await epsv(client);
    assert.equal((await client.send('RETR file.bin')).code, 150);
    const data = await connectData(port, { localAddress: '127.0.0.2' });
    assert.equal(sha256(await readAll(data)), sha256(PAYLOAD));
    assert.equal((await client.read()).code, 226);
  });
});

describe('server FXP: server-to-server copy between two Ferry servers', () => {
  /**
   * Source listens on 127.0.0.2, destination on 127.0.0.3, the client is 127.0.0.1: the
   * source's PORT target and the destination's data peer are both foreign addresses.
   */
  async function copy(srcFxp: boolean, dstFxp: boolean) {
    const src = await fxpServer(srcFxp, '127.0.0.2');
    const dst = await fxpServer(dstFxp, '127.0.0.3');
    const s = await loggedIn(src.port, '127.0.0.2');
    const d = await loggedIn(dst.port, '127.0.0.3');
    try {
      const { host, port } = await pasv(d);
      assert.equal(host, '127.0.0.3');
      const portReply = await s.send(`PORT ${host.split('.').join(',')},${port >> 8},${port & 255}`);
      if (portReply.code !== 200) return { portReply, dst };
      // The destination must be listening before the source connects: STOR first.
      assert.equal((await d.send('STOR copy.bin')).code, 150);
      assert.equal((await s.send('RETR file.bin')).code, 150);
      const [srcFinal, dstFinal] = await Promise.all([s.read(), d.read()]);
      return { portReply, srcFinal, dstFinal, dst, exists: existsSync(path.join(dst.root, 'copy.bin')), sha: existsSync(path.join(dst.root, 'copy.bin')) ? await sha256File(path.join(dst.root, 'copy.bin')) : '' };
    } finally {
      s.close();
      d.close();
      await src.stop();
      await dst.stop();
    }
  }

  it('with allow_fxp = YES on both: PASV on the destination, PORT on the source, STOR then RETR, both 226, the file arrives intact', async () => {
    const r = await copy(true, true);
    assert.equal(r.portReply.code, 200, r.portReply.text);
    assert.equal(r.srcFinal?.code, 226, r.srcFinal?.text);
    assert.equal(r.dstFinal?.code, 226, r.dstFinal?.text);
    assert.equal(r.sha, sha256(PAYLOAD));
  });

  it('with allow_fxp = NO on the source: its PORT to the destination is refused with 504', async () => {
    const r = await copy(false, true);
    assert.equal(r.portReply.code, 504, r.portReply.text);
  });

  it('with allow_fxp = NO on the destination: it drops the source\'s connection, STOR fails with 425 and leaves no file', async () => {
    const r = await copy(true, false);
    assert.equal(r.portReply.code, 200);
    assert.equal(r.dstFinal?.code, 425, r.dstFinal?.text);
    // The source sees its peer close at once and answers 426; in theory its kernel could have
    // taken all the bytes first, so only a final answer is required of it.
    assert.ok([226, 426].includes(r.srcFinal?.code ?? 0), r.srcFinal?.text);
    assert.equal(r.exists, false);
  });
});
