/**
 * Two uploads to one file: the second writer gets 450 (busy) while the first runs, so two
 * STORs never interleave and two APPEs never both measure the same end; every 226 means the
 * bytes are in the file, once and in order. Resuming a broken upload still works, and a REST
 * into a file that does not exist leaves nothing behind.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type * as net from 'node:net';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { dataCommand, loggedIn } from '../../helpers/ftp-session';

const MiB = 1 << 20;
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Starts an upload command and sends `first` bytes, keeping the data connection open. */
async function startUpload(c: ControlClient, line: string, first: Buffer): Promise<net.Socket> {
  const data = await c.passiveData();
  const opening = await c.send(line);
  assert.equal(opening.code, 150, opening.text);
  await new Promise<void>((resolve) => data.write(first, () => resolve()));
  return data;
}

describe('server: concurrent uploads of one file', function () {
  this.timeout(60_000);
  let t: TestServer;
  let a: ControlClient;
  let b: ControlClient;
  const file = (name: string) => path.join(t.root, name);

  beforeEach(async () => {
    t = await startTestServer();
    a = await loggedIn(t.port);
    b = await loggedIn(t.port);
  });
  afterEach(async () => {
    a.close();
    b.close();
    await t.stop();
  });

  it('a second APPE while one runs gets 450; both acknowledged appends are in the file, in order', async () => {
    const base = randomBytes(MiB);
    const first = randomBytes(4 * MiB);
    const second = randomBytes(4 * MiB);
    writeFileSync(file('log.bin'), base);
    const running = await startUpload(a, 'APPE log.bin', first.subarray(0, MiB));
    const refused = await dataCommand(b, 'APPE log.bin', second);
    assert.equal(refused.final.code, 450, refused.final.text);
    running.end(first.subarray(MiB));
    const done = await a.read();
    assert.equal(done.code, 226, done.text);
    const again = await dataCommand(b, 'APPE log.bin', second);
    assert.equal(again.final.code, 226, again.final.text);
    const content = readFileSync(file('log.bin'));
    assert.equal(content.length, 9 * MiB);
    assert.equal(sha(content), sha(Buffer.concat([base, first, second])));
  });

  it('a second STOR while one runs gets 450 and the file is exactly the first upload', async () => {
    const first = randomBytes(4 * MiB);
    const running = await startUpload(a, 'STOR same.bin', first.subarray(0, MiB));
    const refused = await dataCommand(b, 'STOR same.bin', randomBytes(4 * MiB));
    assert.equal(refused.final.code, 450, refused.final.text);
    running.end(first.subarray(MiB));
    assert.equal((await a.read()).code, 226);
    assert.equal(sha(readFileSync(file('same.bin'))), sha(first));
  });

  it('a broken upload can be resumed with REST + STOR once it has ended', async () => {
    const whole = randomBytes(3 * MiB);
    const running = await startUpload(a, 'STOR resumed.bin', whole.subarray(0, MiB));
    running.destroy();
    const broken = await a.read();
    assert.ok([226, 426].includes(broken.code), broken.text);
    const size = Number((await b.send('SIZE resumed.bin')).text.split(' ')[1]);
    assert.ok(size > 0 && size <= MiB, `kept ${size} bytes`);
    assert.equal((await b.send(`REST ${size}`)).code, 350);
    const rest = await dataCommand(b, 'STOR resumed.bin', whole.subarray(size));
    assert.equal(rest.final.code, 226, rest.final.text);
    assert.equal(sha(readFileSync(file('resumed.bin'))), sha(whole));
  });

  it('REST into a file that does not exist answers 554 and creates nothing', async () => {
    assert.equal((await a.send('REST 100')).code, 350);
    const r = await dataCommand(a, 'STOR missing.bin', 'data');
    assert.equal(r.final.code, 554, r.final.text);
    assert.ok(!existsSync(file('missing.bin')));
  });
});
