/**
 * Small building blocks shared by the transfer, limits, TLS and FXP tests: local files with
 * known hashes, active-mode listeners, passive data connections, bounded polling.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { truncateSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Client as BasicFtp } from 'basic-ftp';
import { ControlClient, FtpReply, readAll } from './control-client';
import { TEST_PASSWORD, TEST_USER } from './ferry-server';
import { sha256 } from './processes';

export interface LocalFile {
  path: string;
  data: Buffer;
  sha: string;
}

/** Writes `size` random bytes to dir/name and returns them with their sha256. */
export function randomFile(dir: string, name: string, size: number): LocalFile {
  const data = randomBytes(size);
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return { path: file, data, sha: sha256(data) };
}

/** A sparse file of `size` zero bytes (no disk space, instant): for tests that only need a long transfer. */
export function sparseFile(file: string, size: number): void {
  writeFileSync(file, '');
  truncateSync(file, size);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every `stepMs` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / stepMs) + 1; i++) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) break;
    await sleep(stepMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Connects, checks the 220 greeting and logs in as the test user. */
export async function loggedIn(port: number, host = '127.0.0.1'): Promise<ControlClient> {
  const { client, greeting } = await ControlClient.connect(port, host);
  assert.equal(greeting.code, 220, greeting.text);
  const r = await client.login(TEST_USER, TEST_PASSWORD);
  assert.equal(r.code, 230, r.text);
  return client;
}

/** PASV and the (host, port) of its reply. */
export async function pasv(client: ControlClient): Promise<{ host: string; port: number }> {
  const r = await client.send('PASV');
  const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(r.text);
  assert.ok(r.code === 227 && m, `PASV failed: ${r.text}`);
  return { host: m.slice(1, 5).join('.'), port: Number(m[5]) * 256 + Number(m[6]) };
}

/** EPSV and the port of its reply. */
export async function epsv(client: ControlClient): Promise<number> {
  const r = await client.send('EPSV');
  const m = /\(\|\|\|(\d+)\|\)/.exec(r.text);
  assert.ok(r.code === 229 && m, `EPSV failed: ${r.text}`);
  return Number(m[1]);
}

/** A plain TCP connection to a data port, optionally from a given local (loopback) address. */
export function connectData(port: number, options: { host?: string; localAddress?: string } = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: options.host ?? '127.0.0.1', port, localAddress: options.localAddress });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves when the socket has closed (or immediately if it already is). */
export function closed(socket: net.Socket | tls.TLSSocket, timeoutMs = 10_000): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => undefined);
  });
}

/** Counts the bytes a socket delivers; `ended` settles when it closes. */
export function countBytes(socket: net.Socket | tls.TLSSocket): { bytes: () => number; ended: Promise<void> } {
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { bytes: () => bytes, ended };
}

/**
 * The client's side of an active data connection: a listener on a loopback address whose
 * PORT/EPRT arguments the tests send; records every connection it receives.
 */
export class ActiveListener {
  readonly connections: net.Socket[] = [];
  /** Remote address of each connection, recorded on arrival (a closed socket forgets it). */
  readonly peers: string[] = [];
  private waiters: ((s: net.Socket) => void)[] = [];
  private served = 0;

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.connections.push(socket);
      this.peers.push(socket.remoteAddress ?? '');
      socket.on('error', () => undefined);
      this.waiters.shift()?.(socket);
    });
  }

  static async open(host = '127.0.0.1', port = 0): Promise<ActiveListener> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => resolve());
    });
    return new ActiveListener(server, host, (server.address() as net.AddressInfo).port);
  }

  get portArg(): string {
    return `${this.host.split('.').join(',')},${this.port >> 8},${this.port & 255}`;
  }

  get eprtArg(): string {
    return `|1|${this.host}|${this.port}|`;
  }

  /** The next connection (or the first one already received and not yet taken). */
  accept(timeoutMs = 10_000): Promise<net.Socket> {
    if (this.connections.length > this.served) return Promise.resolve(this.connections[this.served++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no active data connection within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((s) => {
        clearTimeout(timer);
        this.served++;
        resolve(s);
      });
    });
  }

  close(): void {
    this.server.close();
    for (const s of this.connections) s.destroy();
  }
}

/** Runs `fn` with a logged-in basic-ftp client and always closes it. */
export async function withBasicFtp<T>(port: number, fn: (client: BasicFtp) => Promise<T>, secure = false): Promise<T> {
  const client = new BasicFtp(15_000);
  try {
    await client.access({ host: '127.0.0.1', port, user: TEST_USER, password: TEST_PASSWORD, secure, secureOptions: { rejectUnauthorized: false } });
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Python literal for a string (JSON strings are valid Python string literals). */
export function py(value: string | number): string {
  return JSON.stringify(value);
}

export type DataMode = 'EPSV' | 'PASV' | 'PORT' | 'EPRT';

/**
 * One transfer command over the raw control client in the given data mode: sets up the
 * data connection, sends `command`, expects 150, then reads everything (or sends `upload`)
 * and returns the data with the final reply.
 */
export async function rawTransfer(client: ControlClient, mode: DataMode, command: string, upload?: Buffer): Promise<{ data: Buffer; final: FtpReply }> {
  let listener: ActiveListener | undefined;
  let port = 0;
  if (mode === 'EPSV') port = await epsv(client);
  else if (mode === 'PASV') port = (await pasv(client)).port;
  else {
    listener = await ActiveListener.open();
    const r = await client.send(mode === 'PORT' ? `PORT ${listener.portArg}` : `EPRT ${listener.eprtArg}`);
    assert.equal(r.code, 200, r.text);
  }
  try {
    const opening = await client.send(command);
    assert.equal(opening.code, 150, opening.text);
    const socket = listener ? await listener.accept() : await connectData(port);
    let data: Buffer = Buffer.alloc(0);
    if (upload) socket.end(upload);
    else data = await readAll(socket);
    return { data, final: await client.read() };
  } finally {
    listener?.close();
  }
}

/**
 * A loopback listener that never accepts and whose accept queue is full, so further SYNs
 * are dropped and a connect() to it hangs: the way to make an active data connection time
 * out without leaving loopback. Node always accepts, so a tiny Python process holds it.
 */
export async function unresponsiveListener(): Promise<{ port: number; close(): void }> {
  const child = spawn('/usr/bin/python3', ['-c', 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('python listener did not start')), 10_000);
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(Number(d.toString().trim()));
    });
  });
  // Fill the accept queue (backlog 0 holds one connection); later SYNs are dropped.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await sleep(200);
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}
