import * as assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient, FtpReply } from '../../helpers/control-client';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { loggedIn } from '../../helpers/ftp-session';
import { fuzzLine, isDataSetup, seededRandom } from '../../helpers/fuzz';

const IAC = 0xff;
const CRLF = Buffer.from('\r\n');
const openAndClose = (file: string) => (closeSync(openSync(file, 'w')), file);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The next reply, or undefined once the server has closed the connection. */
async function readOrClosed(c: ControlClient, timeoutMs: number): Promise<FtpReply | undefined> {
  let onClose = () => undefined as void;
  const closed = new Promise<undefined>((resolve) => {
    onClose = () => resolve(undefined);
    if (c.closed) resolve(undefined);
    c.socket.once('close', onClose);
  });
  try {
    return await Promise.race([c.read(timeoutMs), closed]);
  } finally {
    c.socket.off('close', onClose);
  }
}

async function codesOf(c: ControlClient, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await c.read()).code);
  return out;
}

describe('server protocol: control stream parsing', () => {
  let t: TestServer;
  let c: ControlClient;
  before(async () => (t = await startTestServer()));
  after(() => t.stop());
  beforeEach(async () => {
    c = (await ControlClient.connect(t.port)).client;
    c.socket.setNoDelay(true);
  });
  afterEach(() => c.close());

  async function writeBytewise(data: Buffer): Promise<void> {
    for (const byte of data) {
      c.write(Buffer.from([byte]));
      await pause(1);
    }
  }

  it('assembles commands written one byte at a time, UTF-8 sequences included', async () => {
    await writeBytewise(Buffer.from('USER tester\r\n'));
    assert.equal((await c.read()).code, 331);
    await writeBytewise(Buffer.from('PASS secret\r\n'));
    assert.equal((await c.read()).code, 230);
    await writeBytewise(Buffer.from('MKD données 文件\r\n', 'utf8'));
    assert.equal((await c.read()).text, '257 "/données 文件" created.');
    assert.ok(existsSync(path.join(t.root, 'données 文件')));
  });

  it('answers pipelined commands in order, even behind a slow one', async () => {
    c.write('USER tester\r\nPASS secret\r\nMKD pipe\r\nCWD pipe\r\nPWD\r\nNOOP\r\nSYST\r\nCWD /nowhere\r\nCDUP\r\nPWD\r\n');
    const replies: FtpReply[] = [];
    for (let i = 0; i < 10; i++) replies.push(await c.read());
    assert.deepEqual(
      replies.map((r) => r.code),
      [331, 230, 257, 250, 257, 200, 215, 550, 250, 257],
    );
    assert.match(replies[4].text, /"\/pipe"/);
    assert.match(replies[9].text, /^257 "\/"/);
  });

  it('accepts bare LF line endings and lowercase commands', async () => {
    c.write('user tester\npass secret\npwd\nCwD /\nnoop\n');
    assert.deepEqual(await codesOf(c, 5), [331, 230, 257, 250, 200]);
  });

  it('removes Telnet IAC sequences: IAC IP IAC DM before ABOR, negotiation, subnegotiation', async () => {
    assert.equal((await c.login('tester', 'secret')).code, 230);
    c.write(Buffer.concat([Buffer.from([IAC, 0xf4, IAC, 0xf2]), Buffer.from('ABOR\r\n')]));
    assert.equal((await c.read()).text, '226 No transfer to abort.');
    c.write(Buffer.concat([Buffer.from([IAC, 0xfb, 0x01, IAC, 0xfd, 0x03, IAC, 0xfa, 0x18, 0x01, IAC, 0xf0]), Buffer.from('NOOP\r\n')]));
    assert.equal((await c.read()).code, 200);
    c.write(Buffer.concat([Buffer.from('NO'), Buffer.from([IAC, 0xf1]), Buffer.from('OP\r\n')]));
    assert.equal((await c.read()).code, 200);
  });

  it('IAC IP IAC DM ABOR interrupts a running transfer: 426, then 226, then the session goes on', async () => {
    assert.equal((await c.login('tester', 'secret')).code, 230);
    const big = path.join(t.root, 'big.bin');
    truncateSync(openAndClose(big), 256 << 20);
    const data = await c.passiveData();
    data.pause(); // never read: the server blocks on a full socket buffer
    assert.equal((await c.send('RETR big.bin')).code, 150);
    c.write(Buffer.concat([Buffer.from([IAC, 0xf4, IAC, 0xf2]), Buffer.from('ABOR\r\n')]));
    const [first, second] = [await c.read(), await c.read()];
    data.destroy();
    assert.equal(first.code, 426, first.text);
    assert.equal(second.code, 226, second.text);
    assert.equal((await c.send('NOOP')).code, 200);
  });

  it('treats IAC IAC as one literal 0xFF byte', async () => {
    assert.equal((await c.login('tester', 'secret')).code, 230);
    c.write(Buffer.concat([Buffer.from('MKD iac'), Buffer.from([IAC, IAC]), Buffer.from('x\r\n')]));
    assert.equal((await c.read()).code, 257);
    // A lone 0xFF is not UTF-8: the name keeps it as U+FFFD; dropping both bytes would give "iacx".
    assert.ok(readdirSync(t.root).includes('iac\uFFFDx'), readdirSync(t.root).join(','));
    assert.ok(!existsSync(path.join(t.root, 'iacx')));
  });

  it('refuses a line over 4096 bytes with one 500 and keeps the session', async () => {
    assert.equal((await c.login('tester', 'secret')).code, 230);
    const ok = `CWD /${'./'.repeat(1990)}`;
    assert.ok(ok.length < 4096);
    assert.equal((await c.send(ok)).code, 250);
    assert.equal((await c.send(`CWD /${'x'.repeat(5000)}`)).text, '500 Command line too long.');
    assert.equal((await c.send('NOOP')).code, 200);
    // The same in many writes: still one 500, and nothing of the tail runs as a command.
    for (let i = 0; i < 6; i++) {
      c.write('A'.repeat(1000));
      await pause(5);
    }
    c.write('\r\nPWD\r\n');
    const [tooLong, pwd] = [await c.read(), await c.read()];
    assert.equal(tooLong.code, 500);
    assert.match(pwd.text, /^257 "\/"/);
    assert.equal((await c.send('NOOP')).code, 200);
  });

  it('a file name with a line break cannot inject a reply line into STAT', async () => {
    assert.equal((await c.login('tester', 'secret')).code, 230);
    mkdirSync(path.join(t.root, 'inject'));
    // Only a local process can create such a name (the control parser splits lines at LF).
    writeFileSync(path.join(t.root, 'inject', 'evil\n213 injected\r\n200 fake'), 'x');
    const stat = await c.send('STAT inject');
    assert.equal(stat.code, 213);
    assert.equal(stat.lines[stat.lines.length - 1], '213 End of status', stat.text);
    assert.ok(stat.lines.slice(1, -1).every((l) => l.startsWith(' ')), stat.text);
    assert.match((await c.send('NOOP')).text, /^200 NOOP/);
  });

  it('answers unknown and empty commands with 500', async () => {
    assert.match((await c.send('XYZZY')).text, /^500 Unknown command "XYZZY"/);
    assert.equal((await c.send('FOO bar baz')).code, 500);
    assert.equal((await c.send('')).code, 500);
    assert.equal((await c.send('   ')).code, 500);
    assert.equal((await c.send('NOOP')).code, 200);
  });
});

describe('server protocol: bounded fuzz run', function () {
  this.timeout(60_000);
  const LINES = 2000;
  const BATCH = 25;
  const TIME_BUDGET_MS = 20_000;
  let t: TestServer;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    t = await startTestServer({ tunables: { login_fail_delay_ms: 0, max_login_fails: 100_000, accept_timeout: 1, connect_timeout: 1, idle_data_timeout: 1 } });
  });
  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await t.stop();
  });

  it(`survives ${LINES} random and mutated command lines (seeded)`, async () => {
    const internalErrors: string[] = [];
    t.server.on('log', (line) => line.includes('internal error') && internalErrors.push(line));
    const rng = seededRandom(Number(process.env.FUZZ_SEED ?? 0x5eed_f7a));
    const codes = new Map<number, number>();
    let client = await loggedIn(t.port);
    client.socket.setNoDelay(true);
    let sent = 0;
    let reconnects = 0;
    const started = Date.now();
    for (let batchNo = 0; sent < LINES && Date.now() - started < TIME_BUDGET_MS; batchNo++) {
      const lines: Buffer[] = [Buffer.from('USER tester'), Buffer.from('PASS secret')];
      while (lines.length < BATCH && sent < LINES) {
        const line = fuzzLine(rng);
        sent++;
        if (!isDataSetup(line)) lines.push(line);
      }
      const marker = `XSYNC${batchNo}`;
      // Written in random pieces, so lines (and UTF-8 or IAC sequences) straddle TCP chunks.
      const bytes = Buffer.concat([...lines.flatMap((l) => [l, CRLF]), Buffer.from(`${marker}\r\n`)]);
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rng() * 300);
        client.write(bytes.subarray(at, at + size));
        at += size;
        if (rng() < 0.2) await pause(0);
      }
      let synced = false;
      let ended = false;
      for (let i = 0; i < BATCH * 3 + 5 && !ended; i++) {
        const r = await readOrClosed(client, 15_000);
        ended = !r || r.code === 221 || r.code === 421;
        if (!r) break;
        assert.match(String(r.code), /^[1-5][0-5]\d$/, r.text);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        if (r.code === 500 && r.text.includes(`"${marker}"`)) {
          synced = true;
          break;
        }
      }
      if (!synced) {
        // QUIT (or a closing 421) ended the session: its remaining lines were never read.
        assert.ok(ended, `batch ${batchNo} lost its replies`);
        client.close();
        client = await loggedIn(t.port);
        client.socket.setNoDelay(true);
        reconnects++;
      }
    }
    assert.ok(sent > LINES / 4, `only ${sent} lines in the time budget`);
    if (process.env.FUZZ_STATS) console.log({ sent, reconnects, ms: Date.now() - started, codes: Object.fromEntries([...codes].sort((a, b) => a[0] - b[0])) });
    assert.equal((await client.send('NOOP')).code, 200);
    client.close();
    const fresh = await loggedIn(t.port);
    assert.equal((await fresh.send('NOOP')).code, 200);
    assert.match((await fresh.send('PWD')).text, /^257 "\/"/);
    fresh.close();
    assert.deepEqual(crashes, []);
    assert.deepEqual(internalErrors, []);
    // The run exercised both failures and successes.
    assert.ok((codes.get(500) ?? 0) > 0 && (codes.get(550) ?? 0) > 0 && (codes.get(250) ?? 0) > 0, JSON.stringify([...codes]));
    assert.ok(reconnects < LINES);
  });
});
