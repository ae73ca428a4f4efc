/**
 * An attacker who can rename entries inside the served tree (a local process, a shared folder)
 * swaps a directory `d` with a symlink to a directory outside the root, atomically and again and
 * again (renameat2 RENAME_EXCHANGE from another process), while FTP commands on `d/…` run. With
 * the kernel confining every operation (the default on Linux), no command may read, list, change,
 * create, delete or move anything outside. The same attacks on a session logged in with
 * FERRY_CONFINE=0 (the path-checking way other systems get) must show escapes: proof that this
 * harness sees one when it happens.
 *
 * Layout (base is a fresh temp dir; only base/root is served):
 *   root/d/       x, del-<i>, rmd-<i>/, rnfr-<i>          root/inside-<i>.txt
 *   root/swap ->  base/out (absolute)                      exchanged with root/d in a loop
 *   base/out/     the same names with OUTSIDE contents, and only-outside.txt
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { dataCommand, loggedIn } from '../../helpers/ftp-session';
import { exchangeLoop, exchangeOnce } from '../../helpers/rename-exchanger';

const TRIES = 60;
/** The exchanger's own limit per attack, should a run hang. */
const LOOP_SECONDS = 30;
const OUT_X = 'OUTSIDE x';
const OUT_MTIME = new Date('2020-01-01T00:00:00Z');

interface Attack {
  name: string;
  /** One try (number `i`); true when it reached outside the root. */
  run(c: ControlClient, i: number): Promise<boolean>;
}

function layout(base: string): { root: string; out: string } {
  const root = path.join(base, 'root');
  const out = path.join(base, 'out');
  for (const [dir, text] of [
    [path.join(root, 'd'), 'inside'],
    [out, 'OUTSIDE'],
  ]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'x'), text === 'OUTSIDE' ? OUT_X : 'inside x');
    for (let i = 0; i < TRIES; i++) {
      writeFileSync(path.join(dir, `del-${i}`), text);
      mkdirSync(path.join(dir, `rmd-${i}`));
      writeFileSync(path.join(dir, `rnfr-${i}`), text);
    }
  }
  writeFileSync(path.join(out, 'only-outside.txt'), 'OUTSIDE only');
  chmodSync(path.join(out, 'x'), 0o644);
  utimesSync(path.join(out, 'x'), OUT_MTIME, OUT_MTIME);
  for (let i = 0; i < TRIES; i++) writeFileSync(path.join(root, `inside-${i}.txt`), 'inside');
  symlinkSync(out, path.join(root, 'swap'));
  return { root, out };
}

function attacks(root: string, out: string): Attack[] {
  const outX = path.join(out, 'x');
  const outXChanged = () => {
    const changed = readFileSync(outX, 'utf8') !== OUT_X || (statSync(outX).mode & 0o777) !== 0o644 || statSync(outX).mtimeMs !== OUT_MTIME.getTime();
    writeFileSync(outX, OUT_X);
    chmodSync(outX, 0o644);
    utimesSync(outX, OUT_MTIME, OUT_MTIME);
    return changed;
  };
  const seesOutside = (text: string | Buffer) => text.toString().includes('only-outside') || text.toString().includes('OUTSIDE');
  return [
    { name: 'STOR', run: async (c, i) => (await dataCommand(c, `STOR d/new-${i}`, 'new'), existsSync(path.join(out, `new-${i}`))) },
    { name: 'APPE', run: async (c) => (await dataCommand(c, 'APPE d/x', 'A'), outXChanged()) },
    { name: 'RETR', run: async (c) => seesOutside((await dataCommand(c, 'RETR d/only-outside.txt')).data) },
    { name: 'LIST', run: async (c) => seesOutside((await dataCommand(c, 'LIST d')).data) },
    { name: 'MLSD', run: async (c) => seesOutside((await dataCommand(c, 'MLSD d')).data) },
    { name: 'STAT', run: async (c) => seesOutside((await c.send('STAT d')).text) },
    { name: 'MLST', run: async (c) => (await c.send('MLST d/only-outside.txt')).code === 250 },
    { name: 'SIZE', run: async (c) => (await c.send('SIZE d/only-outside.txt')).code === 213 },
    { name: 'HASH', run: async (c) => (await c.send('HASH d/only-outside.txt')).code === 213 },
    { name: 'SITE CHMOD', run: async (c) => (await c.send('SITE CHMOD 600 d/x'), outXChanged()) },
    { name: 'MFMT', run: async (c) => (await c.send('MFMT 20240101000000 d/x'), outXChanged()) },
    { name: 'DELE', run: async (c, i) => (await c.send(`DELE d/del-${i}`), !existsSync(path.join(out, `del-${i}`))) },
    { name: 'RMD', run: async (c, i) => (await c.send(`RMD d/rmd-${i}`), !existsSync(path.join(out, `rmd-${i}`))) },
    { name: 'MKD', run: async (c, i) => (await c.send(`MKD d/mkd-${i}`), existsSync(path.join(out, `mkd-${i}`))) },
    {
      name: 'RNTO',
      run: async (c, i) => (await c.send(`RNFR inside-${i}.txt`), await c.send(`RNTO d/rnto-${i}`), existsSync(path.join(out, `rnto-${i}`))),
    },
    {
      name: 'RNFR',
      run: async (c, i) => {
        await c.send(`RNFR d/rnfr-${i}`);
        await c.send(`RNTO got-${i}`);
        const got = path.join(root, `got-${i}`);
        return !existsSync(path.join(out, `rnfr-${i}`)) || (existsSync(got) && readFileSync(got, 'utf8') === 'OUTSIDE');
      },
    },
  ];
}

/** Logs a client in; `confined: false` makes its session take the path-checking way. */
async function session(port: number, confined: boolean): Promise<ControlClient> {
  if (confined) return loggedIn(port);
  process.env.FERRY_CONFINE = '0';
  try {
    return await loggedIn(port);
  } finally {
    delete process.env.FERRY_CONFINE;
  }
}

/** Runs every attack TRIES times while d and swap are exchanged; escapes per command. */
async function race(port: number, root: string, out: string, confined: boolean): Promise<Record<string, number>> {
  const c = await session(port, confined);
  const escapes: Record<string, number> = {};
  try {
    for (const attack of attacks(root, out)) {
      const loop = await exchangeLoop(path.join(root, 'd'), path.join(root, 'swap'), LOOP_SECONDS);
      let count = 0;
      try {
        for (let i = 0; i < TRIES; i++) if (await attack.run(c, i)) count++;
      } finally {
        await loop.stop();
      }
      escapes[attack.name] = count;
    }
  } finally {
    c.close();
  }
  return escapes;
}

describe('server confinement while entries are renamed under it', function () {
  this.timeout(240_000);
  let base: string;
  let server: TestServer;
  let root: string;
  let out: string;

  beforeEach(async () => {
    base = tempDir();
    ({ root, out } = layout(base));
    server = await startTestServer({ root });
  });
  afterEach(async () => {
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('no command reaches outside the root while d and a link to outside swap places', async () => {
    const escapes = await race(server.port, root, out, true);
    assert.deepEqual(
      Object.entries(escapes).filter(([, n]) => n > 0),
      [],
      JSON.stringify(escapes),
    );
    assert.equal(readFileSync(path.join(out, 'only-outside.txt'), 'utf8'), 'OUTSIDE only');
  });

  it('the same attacks escape on the path-checking way (the harness can see an escape)', async () => {
    const escapes = await race(server.port, root, out, false);
    const total = Object.values(escapes).reduce((a, b) => a + b, 0);
    assert.ok(total > 0, JSON.stringify(escapes));
  });

  for (const confined of [true, false]) {
    it(`RNFR keeps what it resolved: a swap between RNFR and RNTO ${confined ? 'moves the inside file' : 'moves the outside file in (path-checking way)'}`, async () => {
      const c = await session(server.port, confined);
      try {
        assert.equal((await c.send('RNFR d/x')).code, 350);
        exchangeOnce(path.join(root, 'd'), path.join(root, 'swap'));
        const reply = await c.send('RNTO y');
        assert.equal(reply.code, 250, reply.text);
      } finally {
        c.close();
      }
      const moved = readFileSync(path.join(root, 'y'), 'utf8');
      if (confined) {
        assert.equal(moved, 'inside x');
        assert.equal(readFileSync(path.join(out, 'x'), 'utf8'), OUT_X);
      } else {
        assert.equal(moved, OUT_X);
      }
    });
  }
});
