/**
 * The addon's passive listener (native/ferry_listen.c) on its own, over real loopback sockets:
 * connections arrive as descriptors with the peer's address, several queued ones are all
 * delivered, an immediate write reaches the peer byte for byte, reports a full socket buffer as
 * -1 and a vanished peer as an error, and stopping the watcher closes the port.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { nativeIo } from '../../../src/core/native/native-io';
import { readAll } from '../../helpers/control-client';
import { sha256 } from '../../helpers/processes';

interface Accepted {
  fd: number;
  from: string;
}

/** A native listener on `host` that queues what it accepts. */
function listener(host = '127.0.0.1') {
  const io = nativeIo!;
  const { fd, port } = io.listen(host, 0, 4);
  const accepted: Accepted[] = [];
  const waiters: ((a: Accepted) => void)[] = [];
  const watcher = io.watchAccept(fd, (conn, from) => {
    const waiter = waiters.shift();
    if (waiter) waiter({ fd: conn, from });
    else accepted.push({ fd: conn, from });
  });
  return {
    fd,
    port,
    next: () => new Promise<Accepted>((resolve) => (accepted.length ? resolve(accepted.shift()!) : waiters.push(resolve))),
    stop: () => io.unwatchAccept(watcher),
  };
}

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;

describe('native passive listener (listen / watchAccept / writeNow)', function () {
  before(function () {
    if (!nativeIo) this.skip();
  });

  it('hands over a connection as a descriptor with the peer address; writeNow bytes arrive whole', async () => {
    const l = listener();
    assert.ok(l.fd >= 0 && l.port > 0, `listen gave ${JSON.stringify(l)}`);
    const client = await connect(l.port);
    const { fd, from } = await l.next();
    l.stop();
    assert.equal(from, '127.0.0.1');
    const data = randomBytes(40_000);
    const received = readAll(client);
    assert.equal(nativeIo!.writeNow(fd, data, data.length), data.length);
    fs.closeSync(fd);
    assert.equal(sha256(await received), sha256(data));
  });

  it('writes only the `length` first bytes of the buffer', async () => {
    const l = listener();
    const client = await connect(l.port);
    const { fd } = await l.next();
    l.stop();
    const received = readAll(client);
    assert.equal(nativeIo!.writeNow(fd, Buffer.from('hello, world'), 5), 5);
    fs.closeSync(fd);
    assert.equal((await received).toString(), 'hello');
  });

  it('accepts on ::1 and reports the IPv6 peer', async function () {
    let l: ReturnType<typeof listener>;
    try {
      l = listener('::1');
    } catch (err) {
      if (['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes((err as NodeJS.ErrnoException).code ?? '')) this.skip();
      throw err;
    }
    const client = await connect(l.port, '::1');
    const { fd, from } = await l.next();
    l.stop();
    assert.equal(from, '::1');
    fs.closeSync(fd);
    client.destroy();
  });

  it('delivers every connection that queued before the event loop turned, each its own descriptor', async () => {
    const l = listener();
    const clients = await Promise.all([connect(l.port), connect(l.port), connect(l.port)]);
    const got = [await l.next(), await l.next(), await l.next()];
    l.stop();
    assert.equal(new Set(got.map((a) => a.fd)).size, 3);
    // Each descriptor is the server side of one of the clients: a byte written arrives at exactly one.
    const received = clients.map((c) => readAll(c));
    got.forEach((a, i) => {
      nativeIo!.writeNow(a.fd, Buffer.from(String(i)), 1);
      fs.closeSync(a.fd);
    });
    const texts = (await Promise.all(received)).map(String).sort();
    assert.deepEqual(texts, ['0', '1', '2']);
  });

  it('returns -1 once the socket buffer is full, and the bytes it did take arrive in order', async () => {
    const l = listener();
    const client = await connect(l.port);
    client.pause();
    const { fd } = await l.next();
    l.stop();
    const chunk = randomBytes(1 << 20);
    const sent: Buffer[] = [];
    let full = false;
    // Bounded: loopback buffers hold a few MiB at most.
    for (let i = 0; i < 64 && !full; i++) {
      const n = nativeIo!.writeNow(fd, chunk, chunk.length);
      if (n < 0) full = true;
      else sent.push(chunk.subarray(0, n));
    }
    assert.ok(full, 'the socket never reported a full buffer');
    const received = readAll(client);
    client.resume();
    fs.closeSync(fd);
    assert.equal(sha256(await received), sha256(Buffer.concat(sent)));
  });

  it('throws EPIPE or ECONNRESET once the peer is gone', async () => {
    const l = listener();
    const client = await connect(l.port);
    const { fd } = await l.next();
    l.stop();
    client.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    let code: string | undefined;
    for (let i = 0; i < 10 && code === undefined; i++) {
      try {
        nativeIo!.writeNow(fd, Buffer.alloc(1024), 1024);
      } catch (err) {
        code = (err as NodeJS.ErrnoException).code;
      }
    }
    fs.closeSync(fd);
    assert.ok(code === 'EPIPE' || code === 'ECONNRESET', `got ${code}`);
  });

  it('stopping the watcher closes the port and every descriptor; a second stop is harmless', async () => {
    const before = openDescriptors();
    const l = listener();
    assert.equal(openDescriptors(), before + 1);
    l.stop();
    l.stop();
    assert.equal(openDescriptors(), before);
    await assert.rejects(connect(l.port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
  });

  it('refuses a port already listening with EADDRINUSE, and bad arguments with a TypeError', () => {
    const l = listener();
    try {
      assert.throws(() => nativeIo!.listen('127.0.0.1', l.port, 4), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
    } finally {
      l.stop();
    }
    assert.throws(() => nativeIo!.listen('localhost', 0, 4), TypeError);
    assert.throws(() => nativeIo!.listen('127.0.0.1', 70000, 4), TypeError);
    assert.throws(() => nativeIo!.watchAccept(-1, () => undefined), TypeError);
    assert.throws(() => nativeIo!.unwatchAccept({} as never), TypeError);
    assert.throws(() => nativeIo!.writeNow(0, Buffer.alloc(4), 8), TypeError);
  });
});
