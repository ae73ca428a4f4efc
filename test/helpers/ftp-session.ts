import * as assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ControlClient, FtpReply } from './control-client';
import { TEST_PASSWORD, TEST_USER } from './ferry-server';
import { sha256 } from './processes';

/** Connects and logs in, asserting the 220 greeting and the 230. */
export async function loggedIn(port: number, user = TEST_USER, password = TEST_PASSWORD): Promise<ControlClient> {
  const { client, greeting } = await ControlClient.connect(port);
  assert.equal(greeting.code, 220);
  const r = await client.login(user, password);
  assert.equal(r.code, 230, r.text);
  return client;
}

/** Everything a socket sends until it closes (resolves on close, error or not). */
export function collect(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

export interface DataResult {
  /** The first reply to the command (150 when a transfer started). */
  prelim: FtpReply;
  /** The final reply (the same as prelim when no transfer started). */
  final: FtpReply;
  data: Buffer;
}

/**
 * Runs a command that uses a data connection (LIST, NLST, MLSD, RETR, STOR, APPE) over EPSV.
 * `upload` is written to the data connection after the 150 (STOR/APPE).
 */
export async function dataCommand(client: ControlClient, line: string, upload?: Buffer | string): Promise<DataResult> {
  const socket = await client.passiveData();
  const received = collect(socket);
  const prelim = await client.send(line);
  if (prelim.code !== 150 && prelim.code !== 125) {
    socket.destroy();
    return { prelim, final: prelim, data: Buffer.alloc(0) };
  }
  if (upload !== undefined) socket.end(upload);
  const [final, data] = await Promise.all([client.read(), received]);
  return { prelim, final, data };
}

/** A listing (LIST/NLST/MLSD [arg]) as lines; asserts 150 then 226. */
export async function listLines(client: ControlClient, line: string): Promise<string[]> {
  const r = await dataCommand(client, line);
  assert.equal(r.prelim.code, 150, r.prelim.text);
  assert.equal(r.final.code, 226, r.final.text);
  return r.data.toString('utf8').split('\r\n').filter((l) => l !== '');
}

/** STOR with the given content; asserts success. */
export async function upload(client: ControlClient, name: string, content: Buffer | string): Promise<void> {
  const r = await dataCommand(client, `STOR ${name}`, content);
  assert.equal(r.prelim.code, 150, r.prelim.text);
  assert.equal(r.final.code, 226, r.final.text);
}

/** Resolves once the server has closed the control connection (rejects after `timeoutMs`). */
export function waitClosed(client: ControlClient, timeoutMs = 10_000): Promise<void> {
  if (client.closed || client.socket.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    client.socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Runs `fn` with a logged-in client that is always closed afterwards. */
export async function withClient<T>(port: number, fn: (c: ControlClient) => Promise<T>, user?: string, password?: string): Promise<T> {
  const client = await loggedIn(port, user, password);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The permission bits of a path on disk (lstat, so links are not followed). */
export function modeOf(file: string): number {
  return lstatSync(file).mode & 0o777;
}

/**
 * A description of every entry under `dir` (type, mode, size, mtime, content hash, link target),
 * to prove later that nothing there was created, changed or removed.
 */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string, depth: number) => {
    assert.ok(depth < 20, 'tree too deep');
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = path.join(rel, name);
      const full = path.join(dir, relPath);
      const st = lstatSync(full);
      let what = `mode=${(st.mode & 0o7777).toString(8)} mtime=${st.mtimeMs} size=${st.size}`;
      if (st.isSymbolicLink()) what += ` link=${readlinkSync(full)}`;
      else if (st.isFile()) what += ` sha=${sha256(readFileSync(full))}`;
      out[relPath] = (st.isDirectory() ? 'dir ' : st.isFile() ? 'file ' : 'other ') + what;
      if (st.isDirectory()) walk(relPath, depth + 1);
    }
  };
  walk('', 0);
  return out;
}
