/**
 * The native data path (native/ferry_io.c) on its own, over real loopback sockets and real files:
 * bytes and offsets, the end of a transfer, cancel, the idle limit, a peer that resets, a full
 * disk, and that the thread holds no descriptor once it has reported. The server and client
 * suites run on it as well (it is on whenever it is built); js-data-path.test.ts runs the
 * transfer suites again without it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeOutcome, nativeIo, nativeIoUnavailable, NativeTransferHandle } from '../../../src/core/native/native-io';
import { nodeInternals } from '../../../src/core/node-internals';
import { readAll } from '../../helpers/control-client';
import { sha256 } from '../../helpers/processes';

interface Done {
  outcome: NativeOutcome;
  code?: string;
  bytes: number;
  call?: string;
}

function fdOf(socket: net.Socket): number {
  return nodeInternals.socketFd(socket)!;
}

/** A connected loopback pair; the server side is accepted paused, as the FTP data listeners do. */
async function socketPair(): Promise<{ server: net.Socket; client: net.Socket; close(): void }> {
  const listener = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  const server = await accepted;
  server.on('error', () => undefined);
  listener.close();
  return { server, client, close: () => (server.destroy(), client.destroy()) };
}

/** Starts a native transfer; `copyBytes` > 0 sends by copy (pread + send) instead of sendfile. */
function start(direction: 'send' | 'receive', socket: net.Socket, fd: number, offset: number, idleMs = 0, copyBytes = 0): { handle: NativeTransferHandle; done: Promise<Done> } {
  let handle!: NativeTransferHandle;
  const done = new Promise<Done>((resolve) => {
    const report = (outcome: NativeOutcome, code: string | undefined, bytes: number, call: string | undefined) => resolve({ outcome, code, bytes, call });
    handle = direction === 'send' ? nativeIo!.send(fdOf(socket), fd, offset, idleMs, report, copyBytes) : nativeIo!.receive(fdOf(socket), fd, offset, idleMs, report);
  });
  return { handle, done };
}

const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;

describe('native data path (sendfile / splice in a thread)', function () {
  let dir: string;
  const data = randomBytes(8 * 1024 * 1024 + 12345);
  let source: string;

  before(function () {
    if (process.platform !== 'linux') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-native-'));
    source = path.join(dir, 'source.bin');
    fs.writeFileSync(source, data);
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('is built and loaded on Linux (npm install compiles it)', () => {
    assert.ok(nativeIo, `native data path unavailable: ${nativeIoUnavailable}`);
  });

  it('needs no glibc newer than 2.28 (the oldest that VS Code remote servers support), whatever glibc built it', () => {
    const addon = path.resolve(__dirname, '../../../../build/Release/ferry_io.node');
    const versions = [...execFileSync('objdump', ['-T', addon], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [+m[1], +m[2]]);
    assert.ok(versions.length > 0, 'objdump shows the addon\'s glibc symbol versions');
    const newest = versions.reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a));
    assert.ok(newest[0] === 2 && newest[1] <= 28, `needs GLIBC_${newest.join('.')}`);
  });

  // sendfile (0), and by copy through a buffer: a small one that needs many reads and partial sends, and the client's size.
  for (const copyBytes of [0, 4096, 256 * 1024]) {
    it(`sends a file from an offset to its end, byte for byte, and reports the count (${copyBytes ? `by copy, ${copyBytes} B buffer` : 'sendfile'})`, async () => {
      for (const offset of [0, 4096 + 7, data.length]) {
        const pair = await socketPair();
        const fd = fs.openSync(source, 'r');
        try {
          const received = readAll(pair.client);
          const { done } = start('send', pair.server, fd, offset, 0, copyBytes);
          const result = await done;
          pair.server.end();
          const got = await received;
          assert.equal(result.outcome, 'ok');
          assert.equal(result.bytes, data.length - offset);
          assert.equal(sha256(got), sha256(data.subarray(offset)));
        } finally {
          fs.closeSync(fd);
          pair.close();
        }
      }
    });
  }

  it('reports a file a send by copy cannot read as a failed pread, with its errno name', async () => {
    const pair = await socketPair();
    // pread(2) of a directory fails with EISDIR: a file that cannot be read.
    const directory = fs.openSync(dir, 'r');
    try {
      const result = await start('send', pair.server, directory, 0, 0, 64 * 1024).done;
      assert.deepEqual([result.outcome, result.call, result.code, result.bytes], ['error', 'pread', 'EISDIR', 0]);
    } finally {
      fs.closeSync(directory);
      pair.close();
    }
  });

  it('receives into a file at an offset until the peer closes, leaving the bytes before it alone', async () => {
    const target = path.join(dir, 'received.bin');
    const prefix = data.subarray(0, 1000);
    fs.writeFileSync(target, prefix);
    const pair = await socketPair();
    const fd = fs.openSync(target, 'r+');
    try {
      const { done } = start('receive', pair.server, fd, prefix.length);
      pair.client.end(data.subarray(prefix.length));
      const result = await done;
      assert.equal(result.outcome, 'ok');
      assert.equal(result.bytes, data.length - prefix.length);
    } finally {
      fs.closeSync(fd);
      pair.close();
    }
    assert.equal(sha256(fs.readFileSync(target)), sha256(data));
  });

  it('cancel stops a stalled transfer at once, and what arrived is in the file', async () => {
    const target = path.join(dir, 'cancelled.bin');
    const pair = await socketPair();
    const fd = fs.openSync(target, 'w');
    try {
      const { handle, done } = start('receive', pair.server, fd, 0);
      pair.client.write(data.subarray(0, 5000));
      while (nativeIo!.bytes(handle) < 5000) await new Promise((r) => setTimeout(r, 10));
      nativeIo!.cancel(handle);
      const result = await done;
      assert.equal(result.outcome, 'cancelled');
      assert.equal(result.bytes, 5000);
      // Cancelling again after the end is harmless.
      nativeIo!.cancel(handle);
    } finally {
      fs.closeSync(fd);
      pair.close();
    }
    assert.ok(fs.readFileSync(target).equals(data.subarray(0, 5000)));
  });

  it('ends a transfer that makes no progress for the idle limit', async () => {
    const pair = await socketPair();
    const fd = fs.openSync(source, 'r');
    try {
      // The reader never reads: the socket buffers fill and sendfile stops moving.
      pair.client.pause();
      const { done } = start('send', pair.server, fd, 0, 300);
      const result = await done;
      assert.equal(result.outcome, 'idle');
      assert.ok(result.bytes > 0 && result.bytes < data.length, `${result.bytes} bytes`);
    } finally {
      fs.closeSync(fd);
      pair.close();
    }
  });

  for (const [copyBytes, call] of [
    [0, 'sendfile'],
    [64 * 1024, 'send'],
  ] as const) {
    it(`reports a peer that resets the connection as a socket error with its errno name (${call})`, async () => {
      const pair = await socketPair();
      const fd = fs.openSync(source, 'r');
      try {
        pair.client.pause();
        const { done } = start('send', pair.server, fd, 0, 0, copyBytes);
        await new Promise((r) => setTimeout(r, 50));
        pair.client.resetAndDestroy();
        const result = await done;
        assert.equal(result.outcome, 'error');
        assert.equal(result.call, call);
        assert.ok(['EPIPE', 'ECONNRESET'].includes(result.code!), result.code);
      } finally {
        fs.closeSync(fd);
        pair.close();
      }
    });
  }

  it('reports a full disk as a failed write (ENOSPC), after the bytes that fitted', async () => {
    const pair = await socketPair();
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const { done } = start('receive', pair.server, fd, 0);
      pair.client.end(data.subarray(0, 100_000));
      const result = await done;
      assert.deepEqual([result.outcome, result.call, result.code, result.bytes], ['error', 'write', 'ENOSPC', 0]);
    } finally {
      fs.closeSync(fd);
      pair.close();
    }
  });

  it('holds no descriptor after it has reported, even when JavaScript closed its own first', async () => {
    const before = openDescriptors();
    for (let i = 0; i < 20; i++) {
      const pair = await socketPair();
      const fd = fs.openSync(source, 'r');
      const received = readAll(pair.client);
      const { done } = start('send', pair.server, fd, data.length - 100_000);
      // The thread works on its own duplicates: closing ours now must not disturb it.
      fs.closeSync(fd);
      const result = await done;
      pair.server.end();
      assert.equal((await received).length, 100_000);
      assert.equal(result.bytes, 100_000);
      pair.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(openDescriptors() <= before + 2, `descriptors: ${before} before, ${openDescriptors()} after`);
  });

  it('refuses bad arguments with a TypeError instead of crashing', () => {
    const io = nativeIo!;
    assert.throws(() => (io.send as unknown as (...a: unknown[]) => unknown)(-1, 0, 0, 0, () => undefined), TypeError);
    assert.throws(() => (io.receive as unknown as (...a: unknown[]) => unknown)(0, 0, 0, 0), TypeError);
    assert.throws(() => io.send(0, 0, 0, 0, () => undefined, -1), TypeError, 'a negative copy buffer');
    assert.throws(() => io.send(0, 0, 0, 0, () => undefined, 32 << 20), TypeError, 'a copy buffer above 16 MiB');
    assert.throws(() => io.bytes({} as NativeTransferHandle), TypeError);
  });

  it('openCached / readCached answer on the calling thread from memory, and say -1 for the thread pool otherwise', function () {
    // tmpfs: everything is in memory, so both must answer (on ext4 a path may not be cached).
    if (!fs.existsSync('/dev/shm')) this.skip();
    const shm = fs.mkdtempSync('/dev/shm/ferry-cached-');
    try {
      const file = path.join(shm, 'cached.bin');
      fs.writeFileSync(file, data.subarray(0, 300_000));
      const io = nativeIo!;
      const fd = io.openCached(file, fs.constants.O_RDONLY);
      assert.ok(fd >= 0, `openCached gave ${fd}`);
      try {
        assert.equal(fs.fstatSync(fd).ino, fs.statSync(file).ino);
        // Like every descriptor Node opens, it must not leak into child processes.
        const flags = parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1], 8);
        assert.ok(flags & 0o2000000, `O_CLOEXEC in ${flags.toString(8)}`);
        const buffer = Buffer.alloc(100_000);
        assert.equal(io.readCached(fd, buffer, 100_000, 250_000), 50_000);
        assert.ok(buffer.subarray(0, 50_000).equals(data.subarray(250_000, 300_000)));
        assert.equal(io.readCached(fd, buffer, 100, 300_000), 0, 'end of file');
        assert.throws(() => io.readCached(fd, buffer, 100_001, 0), TypeError);
        assert.throws(() => io.readCached(fd, buffer, 10, -1), TypeError);
      } finally {
        fs.closeSync(fd);
      }
      const pathFd = io.openCached(shm, 0o10000000 /* O_PATH */);
      assert.ok(pathFd >= 0);
      fs.closeSync(pathFd);
      assert.equal(io.openCached(path.join(shm, 'missing'), fs.constants.O_RDONLY), -1);
      assert.equal(io.openCached(`${file}\0ignored`, fs.constants.O_RDONLY), -1);
      assert.equal(io.openCached(file, fs.constants.O_RDONLY | fs.constants.O_CREAT), -1, 'openat2 refuses O_CREAT with RESOLVE_CACHED');
      // noSymlinks: a symlink as the last component or on the way refuses (-1); none opens.
      fs.symlinkSync(file, path.join(shm, 'link.bin'));
      fs.symlinkSync(shm, path.join(shm, 'dir-link'));
      const plain = io.openCached(file, fs.constants.O_RDONLY, true);
      assert.ok(plain >= 0, `openCached(noSymlinks) of a plain path gave ${plain}`);
      fs.closeSync(plain);
      for (const linked of [path.join(shm, 'link.bin'), path.join(shm, 'dir-link', 'cached.bin')]) {
        assert.equal(io.openCached(linked, fs.constants.O_RDONLY, true), -1, linked);
        const followed = io.openCached(linked, fs.constants.O_RDONLY);
        assert.ok(followed >= 0, `without noSymlinks ${linked} opens`);
        fs.closeSync(followed);
      }
      assert.throws(() => io.openCached(file, fs.constants.O_RDONLY, 'yes' as never), TypeError);
      const fifo = path.join(shm, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const readEnd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      try {
        assert.equal(io.readCached(readEnd, Buffer.alloc(10), 10, 0), -1, 'a pipe has no page cache');
      } finally {
        fs.closeSync(readEnd);
      }
    } finally {
      fs.rmSync(shm, { recursive: true, force: true });
    }
  });

  it('peeks at a paused socket: open, open with data waiting, closed quietly', async () => {
    const pair = await socketPair();
    try {
      assert.equal(nativeIo!.peerClosed(fdOf(pair.server)), false);
      pair.client.write('x');
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(nativeIo!.peerClosed(fdOf(pair.server)), false);
    } finally {
      pair.close();
    }
    const quiet = await socketPair();
    try {
      quiet.client.end();
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(nativeIo!.peerClosed(fdOf(quiet.server)), true);
    } finally {
      quiet.close();
    }
  });
});
