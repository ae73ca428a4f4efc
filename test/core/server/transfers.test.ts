import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient, readAll } from '../../helpers/control-client';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { ActiveListener, connectData, countBytes, DataMode, epsv, LocalFile, loggedIn, pasv, py, randomFile, rawTransfer, sleep, sparseFile, waitFor, withBasicFtp } from '../../helpers/ftp-kit';
import { curl, lftp, python, sha256, sha256File } from '../../helpers/processes';

const MB = 1 << 20;

/** ftplib session preamble: connected, logged in, passive or active, commands echoed to stdout. */
function ftplibScript(port: number, passive: boolean, body: string): string {
  return `import ftplib, hashlib
ftp = ftplib.FTP()
ftp.connect('127.0.0.1', ${port})
ftp.login('tester', 'secret')
ftp.set_pasv(${passive ? 'True' : 'False'})
ftp.set_debuglevel(1)
${body}
ftp.quit()
`;
}

describe('server transfers: real clients, real bytes', function () {
  let t: TestServer;
  let work: string;
  let big: LocalFile;
  const remote = (name: string) => path.join(t.root, name);
  const url = (name: string) => `${t.url}/${name}`;

  before(async () => {
    t = await startTestServer();
    work = tempDir('ferry-client-');
    big = randomFile(work, 'big.bin', 3 * MB + 12345);
  });
  after(async () => {
    await t.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('curl in every data connection mode', () => {
    const modes = [
      { mode: 'EPSV', args: [] },
      { mode: 'PASV', args: ['--disable-epsv'] },
      { mode: 'EPRT', args: ['-P', '127.0.0.1'] },
      { mode: 'PORT', args: ['-P', '127.0.0.1', '--disable-eprt'] },
    ];
    for (const { mode, args } of modes) {
      it(`${mode}: upload and download keep the sha256`, async () => {
        const name = `curl-${mode}.bin`;
        const up = await curl(['-v', ...args, '-T', big.path, url(name)]);
        assert.equal(up.code, 0, up.stderr);
        assert.match(up.stderr, new RegExp(`^> ${mode}\\b`, 'm'), 'curl used another data mode');
        assert.equal(await sha256File(remote(name)), big.sha);
        const local = path.join(work, `down-${mode}.bin`);
        const down = await curl(['-v', ...args, '-o', local, url(name)]);
        assert.equal(down.code, 0, down.stderr);
        assert.match(down.stderr, new RegExp(`^> ${mode}\\b`, 'm'));
        assert.equal(await sha256File(local), big.sha);
      });
    }
  });

  for (const passive of [true, false]) {
    it(`lftp ${passive ? 'passive' : 'active (ftp:passive-mode off)'}: put and get keep the sha256`, async () => {
      const name = `lftp-${passive}.bin`;
      const local = path.join(work, `lftp-down-${passive}.bin`);
      const r = await lftp(t.port, `put ${big.path} -o ${name}; get ${name} -o ${local}`, `debug 5; set ftp:passive-mode ${passive ? 'on' : 'off'};`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, passive ? /---> (PASV|EPSV)/ : /---> (PORT|EPRT) /);
      assert.equal(await sha256File(remote(name)), big.sha);
      assert.equal(await sha256File(local), big.sha);
    });
  }

  for (const passive of [true, false]) {
    it(`ftplib ${passive ? 'passive' : 'active (set_pasv(False))'}: storbinary and retrbinary keep the sha256`, async () => {
      const name = `ftplib-${passive}.bin`;
      const body = `with open(${py(big.path)}, 'rb') as f:
    print('STORED', ftp.storbinary('STOR ${name}', f))
h = hashlib.sha256()
print('RETRIEVED', ftp.retrbinary('RETR ${name}', h.update))
print('SHA', h.hexdigest())`;
      const r = await python(ftplibScript(t.port, passive, body));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, passive ? /\*cmd\* 'PASV'/ : /\*cmd\* 'PORT /);
      assert.match(r.stdout, /STORED 226/);
      assert.match(r.stdout, /RETRIEVED 226/);
      assert.equal(/SHA ([0-9a-f]{64})/.exec(r.stdout)?.[1], big.sha);
      assert.equal(await sha256File(remote(name)), big.sha);
    });
  }

  it('basic-ftp: uploadFrom and downloadTo keep the sha256', async () => {
    const local = path.join(work, 'basic-down.bin');
    await withBasicFtp(t.port, async (client) => {
      assert.equal((await client.uploadFrom(big.path, 'basic.bin')).code, 226);
      assert.equal((await client.downloadTo(local, 'basic.bin')).code, 226);
    });
    assert.equal(await sha256File(remote('basic.bin')), big.sha);
    assert.equal(await sha256File(local), big.sha);
  });

  it('zero-byte file: uploading it empties an existing file, downloading it gives 0 bytes and 226', async () => {
    const empty = path.join(work, 'empty.bin');
    writeFileSync(empty, '');
    writeFileSync(remote('zero.bin'), 'previous content');
    const up = await curl(['-T', empty, url('zero.bin')]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(statSync(remote('zero.bin')).size, 0);
    const client = await loggedIn(t.port);
    const { data, final } = await rawTransfer(client, 'EPSV', 'RETR zero.bin');
    assert.equal(data.length, 0);
    assert.equal(final.code, 226, final.text);
    client.close();
    const r = await python(ftplibScript(t.port, true, `n = []\nprint('RETRIEVED', ftp.retrbinary('RETR zero.bin', n.append))\nprint('BYTES', sum(len(x) for x in n))`));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RETRIEVED 226/);
    assert.match(r.stdout, /BYTES 0\n/);
  });

  it('APPE (curl --append) adds exactly the sent bytes after the existing ones', async () => {
    const first = randomBytes(100_000);
    const second = randomFile(work, 'append-part.bin', 250_000);
    writeFileSync(remote('appe.bin'), first);
    const r = await curl(['-v', '--append', '-T', second.path, url('appe.bin')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /> APPE appe\.bin/);
    assert.equal(await sha256File(remote('appe.bin')), sha256(Buffer.concat([first, second.data])));
  });

  describe('resume download (REST + RETR)', () => {
    const cut = MB + 4321;
    const partial = (name: string) => {
      const local = path.join(work, name);
      writeFileSync(local, big.data.subarray(0, cut));
      return local;
    };
    before(() => writeFileSync(remote('resume-src.bin'), big.data));

    it('curl -C - sends REST and completes the local file', async () => {
      const local = partial('resume-curl.bin');
      const r = await curl(['-v', '-C', '-', '-o', local, url('resume-src.bin')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`> REST ${cut}`));
      assert.equal(await sha256File(local), big.sha);
    });

    it('lftp get -c continues the local file', async () => {
      const local = partial('resume-lftp.bin');
      const r = await lftp(t.port, `get -c resume-src.bin -o ${local}`, 'debug 5;');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`---> REST ${cut}`));
      assert.equal(await sha256File(local), big.sha);
    });

    it('ftplib retrbinary(rest=) appends the rest', async () => {
      const local = partial('resume-ftplib.bin');
      const r = await python(ftplibScript(t.port, true, `with open(${py(local)}, 'ab') as f:\n    print('RETRIEVED', ftp.retrbinary('RETR resume-src.bin', f.write, rest=${cut}))`));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /RETRIEVED 226/);
      assert.equal(await sha256File(local), big.sha);
    });
  });

  describe('resume upload', () => {
    const cut = MB + 999;

    it('REST + STOR leaves the existing part intact until the rest arrives, then completes the file', async () => {
      writeFileSync(remote('rs.bin'), big.data.subarray(0, cut));
      // Received bytes may reach the file at once; the existing part must never shrink or change.
      const prefixIntact = (received = 0) => {
        const now = readFileSync(remote('rs.bin'));
        assert.ok(now.length >= cut && now.length <= cut + received, `the existing part was truncated or extended: ${now.length} bytes`);
        assert.ok(now.subarray(0, cut + received).equals(big.data.subarray(0, now.length)), 'the existing part was rewritten');
      };
      const client = await loggedIn(t.port);
      const port = await epsv(client);
      assert.equal((await client.send(`REST ${cut}`)).code, 350);
      assert.equal((await client.send('STOR rs.bin')).code, 150);
      prefixIntact();
      const data = await connectData(port);
      data.write(big.data.subarray(cut, cut + 1000));
      await sleep(100);
      prefixIntact(1000);
      data.end(big.data.subarray(cut + 1000));
      assert.equal((await client.read()).code, 226);
      assert.equal(await sha256File(remote('rs.bin')), big.sha);
      client.close();
    });

    it('curl -C - -T completes a partial remote file', async () => {
      writeFileSync(remote('rs-curl.bin'), big.data.subarray(0, cut));
      const r = await curl(['-v', '-C', '-', '-T', big.path, url('rs-curl.bin')]);
      assert.equal(r.code, 0, r.stderr);
      // curl resumes uploads with SIZE + APPE (not REST + STOR); both must end in the same file.
      assert.match(r.stderr, /> (APPE|REST)/);
      assert.equal(await sha256File(remote('rs-curl.bin')), big.sha);
    });

    it('lftp put -c completes a partial remote file', async () => {
      writeFileSync(remote('rs-lftp.bin'), big.data.subarray(0, cut));
      const r = await lftp(t.port, `put -c ${big.path} -o rs-lftp.bin`, 'debug 5;');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`---> REST ${cut}`));
      // lftp silently re-sends the whole file when the resume is refused: demand a single STOR.
      assert.equal(r.stderr.match(/---> STOR /g)?.length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /<--- 5\d\d/);
      assert.equal(await sha256File(remote('rs-lftp.bin')), big.sha);
    });

    it('a data connection reset mid-upload keeps the received prefix on disk, and REST + STOR completes it', async () => {
      const client = await loggedIn(t.port);
      const port = await epsv(client);
      assert.equal((await client.send('STOR dropped.bin')).code, 150);
      const data = await connectData(port);
      data.write(big.data.subarray(0, 2 * MB));
      await waitFor('the first bytes on disk', () => existsSync(remote('dropped.bin')) && statSync(remote('dropped.bin')).size > 0);
      data.resetAndDestroy();
      assert.equal((await client.read()).code, 426);
      const kept = readFileSync(remote('dropped.bin'));
      assert.ok(kept.length > 0 && kept.length <= 2 * MB, `kept ${kept.length} bytes`);
      assert.ok(kept.equals(big.data.subarray(0, kept.length)), 'the kept bytes are not a prefix of what was sent');
      assert.equal((await client.send(`REST ${kept.length}`)).code, 350);
      const { final } = await rawTransfer(client, 'EPSV', 'STOR dropped.bin', big.data.subarray(kept.length));
      assert.equal(final.code, 226, final.text);
      assert.equal(await sha256File(remote('dropped.bin')), big.sha);
      client.close();
    });
  });

  describe('REST, APPE and STOR edge cases', () => {
    let client: ControlClient;
    beforeEach(async () => (client = await loggedIn(t.port)));
    afterEach(() => client.close());

    it('REST beyond the end of file: RETR and STOR answer 554 and leave the file alone', async () => {
      writeFileSync(remote('short.bin'), 'twelve bytes');
      await epsv(client);
      assert.equal((await client.send('REST 13')).code, 350);
      assert.equal((await client.send('RETR short.bin')).code, 554);
      assert.equal((await client.send('REST 100')).code, 350);
      assert.equal((await client.send('STOR short.bin')).code, 554);
      assert.equal(readFileSync(remote('short.bin'), 'utf8'), 'twelve bytes');
      // REST exactly at the end is valid and sends nothing.
      assert.equal((await client.send('REST 12')).code, 350);
      const { data, final } = await rawTransfer(client, 'EPSV', 'RETR short.bin');
      assert.equal(final.code, 226);
      assert.equal(data.length, 0);
    });

    it('APPE after REST answers 503 and does not touch the file', async () => {
      writeFileSync(remote('ap.bin'), 'keep me');
      await epsv(client);
      assert.equal((await client.send('REST 3')).code, 350);
      assert.equal((await client.send('APPE ap.bin')).code, 503);
      assert.equal(readFileSync(remote('ap.bin'), 'utf8'), 'keep me');
    });

    it('STOR over a longer existing file leaves exactly the new content', async () => {
      writeFileSync(remote('long.bin'), randomBytes(MB));
      const fresh = randomBytes(1000);
      const { final } = await rawTransfer(client, 'PASV', 'STOR long.bin', fresh);
      assert.equal(final.code, 226);
      assert.ok(readFileSync(remote('long.bin')).equals(fresh));
      const viaCurl = randomFile(work, 'shorter.bin', 777);
      writeFileSync(remote('long2.bin'), randomBytes(MB));
      assert.equal((await curl(['-T', viaCurl.path, url('long2.bin')])).code, 0);
      assert.equal(await sha256File(remote('long2.bin')), viaCurl.sha);
    });

    it('transfer commands without PASV/EPSV/PORT/EPRT answer 425', async () => {
      writeFileSync(remote('any.bin'), 'x');
      for (const cmd of ['RETR any.bin', 'STOR new425.bin', 'APPE any.bin', 'LIST', 'NLST', 'MLSD']) {
        assert.equal((await client.send(cmd)).code, 425, cmd);
      }
      assert.equal(existsSync(remote('new425.bin')), false);
      // Each data setup serves one transfer only.
      await rawTransfer(client, 'EPSV', 'RETR any.bin');
      assert.equal((await client.send('RETR any.bin')).code, 425);
    });

    it('a passive data connection closed before the transfer command: 425 for RETR and LIST (no false 226, no hang), an empty upload for STOR', async () => {
      writeFileSync(remote('early.txt'), 'x'.repeat(100));
      for (const cmd of ['RETR early.txt', 'LIST']) {
        const early = await connectData(await epsv(client));
        // Half-closed only: the server may hold a paused data connection unread until the command.
        early.end();
        await sleep(50);
        assert.equal((await client.send(cmd)).code, 150, cmd);
        const r = await client.read();
        assert.equal(r.code, 425, `${cmd}: ${r.text}`);
      }
      // Nothing was sent before the close: for STOR that is an empty file, as curl uploads one.
      const empty = await connectData(await epsv(client));
      empty.end();
      await sleep(50);
      assert.equal((await client.send('STOR early-new.bin')).code, 150);
      assert.equal((await client.read()).code, 226);
      assert.equal(readFileSync(remote('early-new.bin')).length, 0);
      // Bytes sent (then half-closed) before STOR are still the upload.
      const port = await epsv(client);
      (await connectData(port)).end('sent before STOR');
      await sleep(50);
      assert.equal((await client.send('STOR early-data.bin')).code, 150);
      assert.equal((await client.read()).code, 226);
      assert.equal(readFileSync(remote('early-data.bin'), 'utf8'), 'sent before STOR');
    });

    it('passive: 150 comes before the data connection exists (the client connects only after reading it)', async () => {
      writeFileSync(remote('after150.bin'), 'payload after 150');
      const port = await epsv(client);
      assert.equal((await client.send('RETR after150.bin')).code, 150);
      const data = await connectData(port);
      assert.equal((await readAll(data)).toString(), 'payload after 150');
      assert.equal((await client.read()).code, 226);
      const { host, port: p2 } = await pasv(client);
      assert.equal(host, '127.0.0.1');
      assert.equal((await client.send('STOR after150-up.bin')).code, 150);
      (await connectData(p2)).end('uploaded after 150');
      assert.equal((await client.read()).code, 226);
      assert.equal(readFileSync(remote('after150-up.bin'), 'utf8'), 'uploaded after 150');
    });

    it('small passive downloads arrive whole to a slow reader with a small MSS, also from a REST offset', async () => {
      // A small file goes out in one immediate write, before any socket object exists. A peer
      // that advertises a small MSS and a small window (as over PPPoE or a VPN) makes that
      // write partial, and the rest must follow through the socket path.
      const cases: [number, number][] = [
        [0, 0],
        [1, 0],
        [100_000, 0],
        [250_000, 0],
        [250_000, 123_457],
      ];
      const body = cases
        .map(([size, offset], i) => {
          writeFileSync(remote(`slow-${i}.bin`), randomBytes(size));
          return `fetch(${py(`slow-${i}.bin`)}, ${offset})`;
        })
        .join('\n');
      const r = await python(
        ftplibScript(
          t.port,
          true,
          `import socket, time
def fetch(name, offset):
    port = int(ftp.sendcmd('EPSV').split('|')[3])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    s.connect(('127.0.0.1', port))
    if offset: ftp.sendcmd('REST %d' % offset)
    ftp.sendcmd('RETR ' + name)
    time.sleep(0.1)
    got = b''
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        got += chunk
    s.close()
    print('GOT', name, offset, hashlib.sha256(got).hexdigest(), ftp.voidresp())
${body}`,
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      cases.forEach(([size, offset], i) => {
        const expected = sha256(readFileSync(remote(`slow-${i}.bin`)).subarray(offset));
        assert.match(r.stdout, new RegExp(`^GOT slow-${i}\\.bin ${offset} ${expected} 226 Transfer complete \\(${size - offset} bytes\\)`, 'm'), r.stdout);
      });
    });

    for (const mode of ['EPSV', 'PASV', 'PORT', 'EPRT'] as DataMode[]) {
      it(`LIST, NLST and MLSD over ${mode}`, async () => {
        const dir = `listing-${mode}`;
        assert.equal((await client.send(`MKD ${dir}`)).code, 257);
        writeFileSync(path.join(t.root, dir, 'alpha.txt'), 'a'.repeat(1234));
        assert.equal((await client.send(`MKD ${dir}/beta`)).code, 257);
        const list = await rawTransfer(client, mode, `LIST ${dir}`);
        assert.equal(list.final.code, 226);
        assert.match(list.data.toString(), /^-\S+\s+.*\s1234\s.*alpha\.txt\r$/m);
        assert.match(list.data.toString(), /^d\S+\s+.*beta\r$/m);
        const nlst = await rawTransfer(client, mode, `NLST ${dir}`);
        assert.equal(nlst.final.code, 226);
        assert.deepEqual(nlst.data.toString().split('\r\n').filter(Boolean).sort(), ['alpha.txt', 'beta']);
        const mlsd = await rawTransfer(client, mode, `MLSD ${dir}`);
        assert.equal(mlsd.final.code, 226);
        assert.match(mlsd.data.toString(), /type=file;.*size=1234;.* alpha\.txt\r\n/i);
        assert.match(mlsd.data.toString(), /type=dir;.* beta\r\n/i);
      });
    }
  });
});

describe('server transfers: ABOR, STAT and queued commands during a throttled download', function () {
  let t: TestServer;
  let client: ControlClient;
  const RATE = 200_000;
  before(async () => {
    t = await startTestServer({ tunables: { max_download_rate: RATE } });
    sparseFile(path.join(t.root, 'slow.bin'), 4 * MB);
    writeFileSync(path.join(t.root, 'short.bin'), randomBytes(300_000));
  });
  after(() => t.stop());
  beforeEach(async () => (client = await loggedIn(t.port)));
  afterEach(() => client.close());

  /** Starts RETR of `name` in passive mode; returns the byte counter once data flows. */
  async function startDownload(name: string) {
    const port = await epsv(client);
    assert.equal((await client.send(`RETR ${name}`)).code, 150);
    const counter = countBytes(await connectData(port));
    await waitFor('the first bytes', () => counter.bytes() > 0);
    return counter;
  }

  it('ABOR during a running download: 426 then 226, and the data stops', async () => {
    const counter = await startDownload('slow.bin');
    client.write('ABOR\r\n');
    const first = await client.read();
    const second = await client.read();
    assert.deepEqual([first.code, second.code], [426, 226], `${first.text}\n${second.text}`);
    await counter.ended;
    const after = counter.bytes();
    assert.ok(after < 4 * MB, `received the whole file (${after} bytes) despite ABOR`);
    await sleep(300);
    assert.equal(counter.bytes(), after, 'bytes kept arriving after ABOR');
    const stat = await client.send('STAT');
    assert.equal(stat.code, 211);
    assert.doesNotMatch(stat.text, /bytes transferred/);
  });

  it('ABOR with no transfer answers 226', async () => {
    assert.equal((await client.send('ABOR')).code, 226);
    // ... and closes a pending data setup: the next transfer needs a new one.
    await epsv(client);
    assert.equal((await client.send('ABOR')).code, 226);
    assert.equal((await client.send('RETR short.bin')).code, 425);
  });

  it('STAT during a transfer answers 211 with the progress at once, before the 226', async () => {
    const counter = await startDownload('slow.bin');
    const stat = await client.send('STAT');
    assert.equal(stat.code, 211, stat.text);
    const m = /RETR \/slow\.bin: (\d+) bytes transferred/.exec(stat.text);
    assert.ok(m, stat.text);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) < 4 * MB, stat.text);
    assert.ok(counter.bytes() < 4 * MB, 'the transfer was already over');
    client.write('ABOR\r\n');
    assert.equal((await client.read()).code, 426);
    assert.equal((await client.read()).code, 226);
  });

  it('other commands sent during a transfer are queued and answered after its 226, in order', async () => {
    const counter = await startDownload('short.bin');
    client.write('NOOP\r\nPWD\r\nSIZE short.bin\r\n');
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await client.read());
    assert.deepEqual(replies.map((r) => r.code), [226, 200, 257, 213]);
    assert.equal(replies[3].text, '213 300000');
    await counter.ended;
    assert.equal(counter.bytes(), 300_000);
  });

  it('ABOR while the server waits for the data connection: 426 then 226, and a new STOR target is not left behind', async () => {
    await epsv(client);
    assert.equal((await client.send('STOR never-connected.bin')).code, 150);
    client.write('ABOR\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
    assert.equal(existsSync(path.join(t.root, 'never-connected.bin')), false);
  });

  it('ABOR during an upload: 426 then 226, and the bytes received so far stay on disk', async () => {
    const payload = randomBytes(300_000);
    const port = await epsv(client);
    assert.equal((await client.send('STOR aborted-upload.bin')).code, 150);
    const data = await connectData(port);
    data.on('error', () => undefined);
    data.write(payload);
    assert.match((await client.send('STAT')).text, /STOR \/aborted-upload\.bin: \d+ bytes transferred/);
    await sleep(200); // the server shares this event loop: by now it has read what loopback delivered
    client.write('ABOR\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
    const kept = readFileSync(path.join(t.root, 'aborted-upload.bin'));
    assert.ok(kept.length > 0, 'nothing kept');
    assert.ok(kept.equals(payload.subarray(0, kept.length)), 'the kept bytes are not a prefix of the upload');
    data.destroy();
  });

  it('an active (PORT) download can be aborted as well', async () => {
    const listener = await ActiveListener.open();
    try {
      assert.equal((await client.send(`PORT ${listener.portArg}`)).code, 200);
      assert.equal((await client.send('RETR slow.bin')).code, 150);
      const counter = countBytes(await listener.accept());
      await waitFor('the first bytes', () => counter.bytes() > 0);
      client.write('ABOR\r\n');
      assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
      await counter.ended;
      assert.ok(counter.bytes() < 4 * MB);
    } finally {
      listener.close();
    }
  });
});
