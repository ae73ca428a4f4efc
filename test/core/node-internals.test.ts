/**
 * node-internals.ts: the load-time probe finds every private member on this Node.js and
 * basic-ftp, and the accessors read real sockets through them; with a stand-in that lacks one
 * member (passed as a parameter, nothing patched globally) the probe says so once, naming the
 * fallback, and that fallback does the job: bytes still arrive, a corrupted TLS record still
 * fails the socket, the control connection still leaves from the local address.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Client, FTPContext } from 'basic-ftp';
import { applyNameCodec } from '../../src/core/client/control-codec';
import { NameCodec } from '../../src/core/client/name-codec';
import { nativeIo } from '../../src/core/native/native-io';
import { basicFtpInternals, InternalsSubjects, NodeInternals, nodeInternals } from '../../src/core/node-internals';
import { loadCertificate } from '../../src/core/server/tls-material';

/** Internals probed on Node's and basic-ftp's own classes except those in `standIns`, with the warnings they gave. */
function internalsWith(standIns: Partial<InternalsSubjects>) {
  const warnings: string[] = [];
  const subjects = { Socket: net.Socket, tlsSocketPrototype: tls.TLSSocket.prototype, ftpContextPrototype: FTPContext.prototype, ...standIns };
  return { internals: new NodeInternals(subjects, (line) => warnings.push(line)), warnings };
}

/** A prototype like `prototype` without the method `name`. */
const without = (prototype: object, name: string) => Object.create(prototype, { [name]: { value: undefined } }) as object;

/** A connected loopback pair; the accepted side is paused, as the FTP data listeners make it. */
async function socketPair(): Promise<{ client: net.Socket; accepted: net.Socket }> {
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const pair = { client, accepted: await accepted };
  server.close();
  return pair;
}

/** Everything `socket` delivers until the peer ends it (bounded: 5 s). */
function readToEnd(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error('no end within 5 s')), 5000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.resume();
  });
}

/** A native passive listener's next connection as a bare descriptor, with the client that made it. */
async function acceptedDescriptor(): Promise<{ fd: number; client: net.Socket }> {
  const io = nativeIo!;
  const listening = io.listen('127.0.0.1', 0, 4);
  let watcher: ReturnType<typeof io.watchAccept> | undefined;
  const fd = new Promise<number>((resolve) => (watcher = io.watchAccept(listening.fd, (conn) => resolve(conn))));
  const client = net.connect(listening.port, '127.0.0.1');
  try {
    return { fd: await fd, client };
  } finally {
    io.unwatchAccept(watcher!);
  }
}

describe('node internals (node-internals.ts)', () => {
  it('finds every internal on this Node.js and basic-ftp, and warns about none', () => {
    const { internals, warnings } = internalsWith({});
    assert.deepEqual(internals.missing, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(nodeInternals.missing, []);
    assert.deepEqual(basicFtpInternals(FTPContext.prototype).missing, []);
    assert.ok(basicFtpInternals(FTPContext.prototype).has('newSocket') && basicFtpInternals(FTPContext.prototype).has('controlHooks'));
  });

  it("reads a real socket's descriptor and whether Node reads it", async function () {
    if (process.platform !== 'linux') this.skip();
    const { client, accepted } = await socketPair();
    try {
      const fd = nodeInternals.socketFd(accepted);
      assert.ok(fd !== undefined);
      assert.match(fs.readlinkSync(`/proc/self/fd/${fd}`), /^socket:\[\d+\]$/);
      assert.equal(nodeInternals.handleReading(accepted), false);
      accepted.resume();
      await nextTurn();
      assert.equal(nodeInternals.handleReading(accepted), true);
    } finally {
      client.destroy();
      accepted.destroy();
    }
  });

  it('without _handle.fd: one warning, and no descriptor (the JavaScript data path)', async () => {
    // A Socket whose connect() makes no handle: to the probe, Node hides the descriptor.
    class HandleHidden extends net.Socket {
      override connect(..._args: unknown[]): this {
        return this;
      }
    }
    const { internals, warnings } = internalsWith({ Socket: HandleHidden });
    assert.deepEqual(
      internals.missing.map((m) => m.name),
      ['handleFd'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /net\.Socket#_handle\.fd was not found .*fallback: every transfer takes the JavaScript data path/);
    const { client, accepted } = await socketPair();
    try {
      assert.notEqual(nodeInternals.socketFd(accepted), undefined);
      assert.equal(internals.socketFd(accepted), undefined);
    } finally {
      client.destroy();
      accepted.destroy();
    }
  });

  describe('an accepted descriptor as a socket', function () {
    before(function () {
      if (!nativeIo) this.skip();
    });

    it('with pauseOnCreate: nothing read before the transfer, then every byte', async () => {
      const { fd, client } = await acceptedDescriptor();
      const sent = randomBytes(100_000);
      client.end(sent);
      const socket = nodeInternals.socketFromAcceptedFd(fd);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(nodeInternals.handleReading(socket), false);
      assert.equal(socket.readableLength, 0);
      assert.deepEqual(await readToEnd(socket), sent);
    });

    it('without pauseOnCreate: one warning; Node reads it (uploads go the JavaScript way) and every byte arrives', async () => {
      class IgnoresPauseOnCreate extends net.Socket {
        constructor(options?: net.SocketConstructorOpts) {
          super({ ...options, pauseOnCreate: false } as net.SocketConstructorOpts);
        }
      }
      const { internals, warnings } = internalsWith({ Socket: IgnoresPauseOnCreate });
      assert.deepEqual(
        internals.missing.map((m) => m.name),
        ['pauseOnCreate'],
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /pauseOnCreate.*fallback: .*uploads over them take the JavaScript data path/);
      const { fd, client } = await acceptedDescriptor();
      const sent = randomBytes(100_000);
      client.end(sent);
      const socket = internals.socketFromAcceptedFd(fd);
      assert.equal(internals.handleReading(socket), true);
      assert.equal(socket.isPaused(), true);
      assert.deepEqual(await readToEnd(socket), sent);
    });
  });

  it("without _releaseControl: one warning; a corrupted record after the handshake still ends in 'error'", async () => {
    const { internals, warnings } = internalsWith({ tlsSocketPrototype: without(tls.TLSSocket.prototype, '_releaseControl') });
    assert.deepEqual(
      internals.missing.map((m) => m.name),
      ['releaseControl'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /_releaseControl\(\) was not found .*fallback: .*'_tlsError' event/);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-internals-'));
    const { client: raw, accepted } = await socketPair();
    try {
      const { cert, key } = await loadCertificate({ certFile: '', keyFile: '', stateDir });
      // A server TLSSocket made by hand, as data-tls.ts makes them.
      const server = new tls.TLSSocket(accepted, { isServer: true, secureContext: tls.createSecureContext({ cert, key }) });
      internals.reportTlsErrors(server);
      const failed = new Promise<Error>((resolve) => server.once('error', resolve));
      server.resume();
      const client = tls.connect({ socket: raw, rejectUnauthorized: false });
      client.on('error', () => undefined);
      await new Promise((resolve) => client.once('secureConnect', resolve));
      client.write('hello');
      // Under the TLS layer: an application-data record header around bytes that fail the integrity check.
      raw.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), randomBytes(32)]));
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no 'error' within 5 s")), 5000).unref());
      const err = await Promise.race([failed, timeout]);
      assert.match(String((err as NodeJS.ErrnoException).code), /BAD_RECORD_MAC|DECRYPTION_FAILED/);
    } finally {
      raw.destroy();
      accepted.destroy();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  describe("basic-ftp's control socket from a local address", () => {
    /** The address a fresh basic-ftp Client's control connection comes from, with `internals` binding it to 127.0.0.2. */
    async function controlFrom(internals: NodeInternals): Promise<string | undefined> {
      const server = net.createServer((socket) => {
        socket.end('220 ready\r\n');
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const seen = new Promise<string | undefined>((resolve) => server.once('connection', (socket) => resolve(socket.remoteAddress)));
      const client = new Client(5000);
      internals.onNewControlSocket(client.ftp, (socket) => {
        const connect = socket.connect.bind(socket) as (options: net.TcpNetConnectOpts, listener?: () => void) => net.Socket;
        (socket as unknown as { connect: typeof connect }).connect = (options, listener) => connect({ ...options, localAddress: '127.0.0.2' }, listener);
      });
      try {
        await client.connect('127.0.0.1', (server.address() as net.AddressInfo).port);
        return await seen;
      } finally {
        client.close();
        server.close();
      }
    }

    it('through FTPContext._newSocket', async () => {
      assert.equal(await controlFrom(basicFtpInternals(FTPContext.prototype)), '127.0.0.2');
    });

    it('without _newSocket: one warning, and the same address through the public reset()', async () => {
      const { internals, warnings } = internalsWith({ ftpContextPrototype: without(FTPContext.prototype, '_newSocket') });
      assert.deepEqual(
        internals.missing.map((m) => m.name),
        ['newSocket'],
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /FTPContext#_newSocket\(\) was not found .*fallback: local_address is applied after FTPContext#reset\(\)/);
      assert.equal(await controlFrom(internals), '127.0.0.2');
    });
  });

  it('without FTPContext._onControlSocketData: one warning; UTF-8 names as basic-ftp sends them, GBK refused with the reason', () => {
    const { internals, warnings } = internalsWith({ ftpContextPrototype: without(FTPContext.prototype, '_onControlSocketData') });
    assert.deepEqual(
      internals.missing.map((m) => m.name),
      ['controlHooks'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /_onControlSocketData\(\).* was not found .*fallback: names travel in basic-ftp's own UTF-8/);
    const ftp = new FTPContext();
    try {
      applyNameCodec(ftp, new NameCodec('utf8'), internals);
      assert.equal(ftp.encoding, 'utf8');
      assert.equal(ftp.send, FTPContext.prototype.send);
      assert.throws(() => applyNameCodec(ftp, new NameCodec('gbk'), internals), /name encoding gbk needs basic-ftp's FTPContext .*set the site's encoding to utf8/);
      assert.equal(ftp.send, FTPContext.prototype.send);
      // With the real internals the codec is applied: the socket runs latin1, send is wrapped.
      applyNameCodec(ftp, new NameCodec('gbk'));
      assert.equal(ftp.encoding, 'latin1');
      assert.notEqual(ftp.send, FTPContext.prototype.send);
    } finally {
      ftp.close();
    }
  });
});
