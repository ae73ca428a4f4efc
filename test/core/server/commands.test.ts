import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { collect, dataCommand, listLines, loggedIn, modeOf, upload, waitClosed, withClient } from '../../helpers/ftp-session';

describe('server commands: reply codes and effects on disk', () => {
  let t: TestServer;
  let c: ControlClient;
  before(async () => (t = await startTestServer()));
  after(() => t.stop());
  beforeEach(async () => (c = await loggedIn(t.port)));
  afterEach(() => c.close());

  /** Sends each [line, expected code] in order on the current client. */
  async function expectCodes(steps: [string, number][]): Promise<void> {
    for (const [line, code] of steps) {
      const r = await c.send(line);
      assert.equal(r.code, code, `${line} -> ${r.text}`);
    }
  }

  it('USER and PASS: 501 without a name, 331 then 230', async () => {
    const { client } = await ControlClient.connect(t.port);
    try {
      assert.equal((await client.send('USER')).code, 501);
      const u = await client.send('USER tester');
      assert.equal(u.code, 331);
      assert.match(u.text, /tester/);
      const p = await client.send('PASS secret');
      assert.equal(p.code, 230);
    } finally {
      client.close();
    }
  });

  it('PWD and XPWD answer 257 with the quoted directory; an argument is 501', async () => {
    mkdirSync(path.join(t.root, 'pwd-dir'));
    assert.equal((await c.send('PWD')).text, '257 "/" is the current directory.');
    await expectCodes([['CWD pwd-dir', 250]]);
    assert.match((await c.send('XPWD')).text, /^257 "\/pwd-dir"/);
    await expectCodes([['PWD extra', 501]]);
  });

  it('CWD and XCWD change directory; missing, file and no-argument fail', async () => {
    mkdirSync(path.join(t.root, 'cwd-a', 'b'), { recursive: true });
    writeFileSync(path.join(t.root, 'cwd-file'), 'x');
    await expectCodes([['CWD cwd-a', 250], ['XCWD b', 250]]);
    assert.match((await c.send('PWD')).text, /"\/cwd-a\/b"/);
    await expectCodes([['CWD /cwd-missing', 550], ['CWD /cwd-file', 550], ['CWD', 501], ['XCWD /', 250]]);
    assert.match((await c.send('PWD')).text, /^257 "\/"/);
  });

  it('CDUP and XCUP go up one level and stay at / at the root', async () => {
    mkdirSync(path.join(t.root, 'up-a', 'b'), { recursive: true });
    await expectCodes([['CWD /up-a/b', 250], ['CDUP', 250]]);
    assert.match((await c.send('PWD')).text, /"\/up-a"/);
    await expectCodes([['XCUP', 250], ['XCUP', 250], ['CDUP x', 501]]);
    assert.match((await c.send('PWD')).text, /^257 "\/"/);
  });

  it('MKD and XMKD create directories (257, quotes doubled); existing or missing parent is 550', async () => {
    const r = await c.send('MKD mk-one');
    assert.equal(r.text, '257 "/mk-one" created.');
    assert.ok(statSync(path.join(t.root, 'mk-one')).isDirectory());
    assert.equal((await c.send('XMKD mk-one/two')).code, 257);
    assert.ok(statSync(path.join(t.root, 'mk-one', 'two')).isDirectory());
    assert.equal((await c.send('MKD mk"q')).text, '257 "/mk""q" created.');
    assert.ok(existsSync(path.join(t.root, 'mk"q')));
    await expectCodes([['MKD mk-one', 550], ['MKD no-parent/x', 550], ['MKD', 501]]);
  });

  it('RMD and XRMD remove empty directories; non-empty, files and / are 550', async () => {
    mkdirSync(path.join(t.root, 'rm-full'));
    writeFileSync(path.join(t.root, 'rm-full', 'f'), 'x');
    mkdirSync(path.join(t.root, 'rm-empty'));
    mkdirSync(path.join(t.root, 'rm-empty2'));
    await expectCodes([['RMD rm-empty', 250], ['XRMD /rm-empty2', 250], ['RMD rm-full', 550], ['RMD rm-full/f', 550], ['RMD /', 550], ['RMD rm-nothing', 550]]);
    assert.ok(!existsSync(path.join(t.root, 'rm-empty')) && !existsSync(path.join(t.root, 'rm-empty2')));
    assert.ok(existsSync(path.join(t.root, 'rm-full', 'f')));
  });

  it('DELE deletes files; directories and missing files are 550', async () => {
    writeFileSync(path.join(t.root, 'del.txt'), 'x');
    mkdirSync(path.join(t.root, 'del-dir'));
    await expectCodes([['DELE del.txt', 250], ['DELE del.txt', 550], ['DELE del-dir', 550], ['DELE', 501]]);
    assert.ok(!existsSync(path.join(t.root, 'del.txt')));
    assert.ok(existsSync(path.join(t.root, 'del-dir')));
  });

  it('SIZE and MDTM report the file on disk; directories are 550', async () => {
    writeFileSync(path.join(t.root, 'size.bin'), Buffer.alloc(12345, 7));
    utimesSync(path.join(t.root, 'size.bin'), new Date('2021-03-04T05:06:07Z'), new Date('2021-03-04T05:06:07Z'));
    mkdirSync(path.join(t.root, 'size-dir'));
    assert.equal((await c.send('SIZE size.bin')).text, '213 12345');
    assert.equal((await c.send('MDTM /size.bin')).text, '213 20210304050607');
    await expectCodes([['SIZE size-dir', 550], ['MDTM size-dir', 550], ['SIZE missing', 550], ['MDTM missing', 550]]);
  });

  it('MFMT sets the modification time; bad time values are 501, missing files 550', async () => {
    const file = path.join(t.root, 'mfmt file.txt');
    writeFileSync(file, 'x');
    const r = await c.send('MFMT 20200102030405 mfmt file.txt');
    assert.equal(r.code, 213, r.text);
    assert.match(r.text, /Modify=20200102030405; \/mfmt file\.txt/);
    assert.equal(statSync(file).mtime.toISOString(), '2020-01-02T03:04:05.000Z');
    await expectCodes([['MFMT 20201301000000 mfmt file.txt', 501], ['MFMT yesterday mfmt file.txt', 501], ['MFMT 20200102030405', 501], ['MFMT 20200102030405 nope', 550]]);
  });

  it('RNFR/RNTO rename; RNTO without RNFR or after another command is 503', async () => {
    writeFileSync(path.join(t.root, 'rn-a.txt'), 'rename me');
    mkdirSync(path.join(t.root, 'rn-dir'));
    await expectCodes([['RNTO rn-b.txt', 503], ['RNFR rn-a.txt', 350], ['RNTO rn-b.txt', 250]]);
    assert.equal(readFileSync(path.join(t.root, 'rn-b.txt'), 'utf8'), 'rename me');
    assert.ok(!existsSync(path.join(t.root, 'rn-a.txt')));
    await expectCodes([['RNFR rn-b.txt', 350], ['NOOP', 200], ['RNTO rn-c.txt', 503], ['RNFR rn-missing', 550], ['RNTO rn-c.txt', 503]]);
    await expectCodes([['RNFR rn-dir', 350], ['RNTO rn-dir/inside', 553], ['RNFR rn-b.txt', 350], ['RNTO rn-dir/moved.txt', 250]]);
    assert.equal(readFileSync(path.join(t.root, 'rn-dir', 'moved.txt'), 'utf8'), 'rename me');
  });

  it('RNFR of a missing file forgets an earlier pending RNFR', async () => {
    writeFileSync(path.join(t.root, 'rn-keep.txt'), 'k');
    await expectCodes([['RNFR rn-keep.txt', 350], ['RNFR rn-not-there', 550], ['RNTO rn-stolen.txt', 503]]);
    assert.ok(existsSync(path.join(t.root, 'rn-keep.txt')));
  });

  it('SITE CHMOD and the CHMOD alias change the mode on disk', async () => {
    const file = path.join(t.root, 'chmod.txt');
    writeFileSync(file, 'x');
    await expectCodes([['SITE CHMOD 640 chmod.txt', 200]]);
    assert.equal(modeOf(file), 0o640);
    await expectCodes([['CHMOD 0604 /chmod.txt', 200]]);
    assert.equal(modeOf(file), 0o604);
    await expectCodes([['site chmod 755 chmod.txt', 200]]);
    assert.equal(modeOf(file), 0o755);
    await expectCodes([['SITE CHMOD 4755 chmod.txt', 550], ['SITE CHMOD 999 chmod.txt', 501], ['SITE CHMOD rwx chmod.txt', 501], ['SITE CHMOD 644', 501], ['SITE CHMOD 644 missing', 550]]);
    assert.equal(modeOf(file), 0o755);
  });

  it('SITE UMASK shows and sets the mask, SITE HELP lists, unknown SITE is 502', async () => {
    assert.match((await c.send('SITE UMASK')).text, /^200 .*0077/);
    assert.match((await c.send('SITE UMASK 022')).text, /^200 .*0022/);
    assert.match((await c.send('SITE UMASK')).text, /^200 .*0022/);
    await expectCodes([['SITE UMASK 8', 501], ['SITE UMASK 01777', 501], ['SITE BOGUS', 502], ['SITE', 501]]);
    const help = await c.send('SITE HELP');
    assert.equal(help.code, 214);
    assert.ok(help.lines.length > 2 && /CHMOD/.test(help.text) && /UMASK/.test(help.text));
  });

  it('TYPE, MODE, STRU, SYST, NOOP, ALLO', async () => {
    await expectCodes([['TYPE A', 200], ['TYPE I', 200], ['type i', 200], ['TYPE L 8', 200], ['TYPE A N', 200], ['TYPE E', 504], ['TYPE', 501]]);
    await expectCodes([['MODE S', 200], ['MODE B', 504], ['MODE C', 504], ['STRU F', 200], ['STRU R', 504], ['STRU P', 504]]);
    assert.equal((await c.send('SYST')).text, '215 UNIX Type: L8');
    await expectCodes([['SYST x', 501], ['NOOP', 200], ['NOOP x', 501], ['ALLO', 202], ['ALLO 1000', 202]]);
  });

  it('FEAT lists the extensions (no AUTH TLS without ssl_enable)', async () => {
    const r = await c.send('FEAT');
    assert.equal(r.code, 211);
    assert.equal(r.lines[0], '211-Features:');
    // RFC 2389: each feature line starts with exactly one space.
    for (const line of r.lines.slice(1, -1)) assert.match(line, /^ \S/);
    const feats = r.lines.slice(1, -1).map((l) => l.trim());
    for (const f of ['REST STREAM', 'UTF8', 'EPSV', 'EPRT', 'SIZE', 'MDTM', 'MFMT']) assert.ok(feats.includes(f), `${f} in ${feats}`);
    assert.ok(feats.some((f) => f.startsWith('MLST ') && f.includes('type*;')));
    assert.ok(!feats.some((f) => f.startsWith('AUTH')));
  });

  it('FEAT offers AUTH TLS when ssl_enable is on', async () => {
    const tls = await startTestServer({ tunables: { ssl_enable: true } });
    try {
      const { client } = await ControlClient.connect(tls.port);
      const r = await client.send('FEAT');
      client.close();
      const feats = r.lines.map((l) => l.trim());
      assert.ok(feats.includes('AUTH TLS') && feats.includes('PBSZ') && feats.includes('PROT'), r.text);
    } finally {
      await tls.stop();
    }
  });

  it('OPTS UTF8 ON; OPTS MLST selects the facts MLST then shows', async () => {
    writeFileSync(path.join(t.root, 'facts.txt'), 'abc');
    await expectCodes([['OPTS UTF8 ON', 200], ['OPTS UTF8 OFF', 504], ['OPTS BOGUS 1', 501], ['OPTS', 501]]);
    const full = await c.send('MLST facts.txt');
    assert.equal(full.code, 250);
    assert.match(full.lines[1], /^ type=file;size=3;modify=\d{14}\.\d{3};perm=[a-zA-Z]*;unix\.mode=0\d+; \/facts\.txt$/);
    assert.equal((await c.send('OPTS MLST size;type;bogus;')).text, '200 MLST OPTS size;type;');
    assert.equal((await c.send('MLST facts.txt')).lines[1], ' type=file;size=3; /facts.txt');
    const feat = await c.send('FEAT');
    assert.ok(feat.lines.some((l) => l.trim() === 'MLST type*;size*;modify;perm;unix.mode;'), feat.text);
    assert.equal((await c.send('OPTS MLST')).text, '200 MLST OPTS ');
    assert.equal((await c.send('MLST facts.txt')).lines[1], '  /facts.txt');
  });

  it('MLST describes files and directories; missing is 550', async () => {
    mkdirSync(path.join(t.root, 'mlst-dir'));
    writeFileSync(path.join(t.root, 'mlst-dir', 'f.txt'), 'hello');
    await expectCodes([['CWD mlst-dir', 250]]);
    const cwd = await c.send('MLST');
    assert.equal(cwd.code, 250);
    assert.match(cwd.lines[1], /^ type=dir;.*unix\.mode=0\d+; \/mlst-dir$/);
    const file = await c.send('MLST f.txt');
    assert.match(file.lines[1], /^ type=file;size=5;.*perm=adfrw;/);
    assert.equal(file.lines[file.lines.length - 1], '250 End');
    await expectCodes([['MLST nothing-here', 550]]);
  });

  it('STAT without argument is a 211 multi-line status; STAT path lists over the control connection', async () => {
    mkdirSync(path.join(t.root, 'stat-dir'));
    writeFileSync(path.join(t.root, 'stat-dir', 'one two.txt'), '12345');
    const s = await c.send('STAT');
    assert.equal(s.code, 211);
    assert.ok(s.lines.length > 3 && s.lines[0].startsWith('211-'));
    assert.ok(s.lines.some((l) => l.includes('Logged in as tester')), s.text);
    const p = await c.send('STAT stat-dir');
    assert.equal(p.code, 213);
    assert.equal(p.lines.length, 3, p.text);
    assert.match(p.lines[1], /^ -rw-.*\s5 \w{3} .* one two\.txt$/);
    assert.equal((await c.send('STAT -la /stat-dir')).lines[1], p.lines[1]);
    await expectCodes([['STAT stat-missing', 550]]);
    const { client } = await ControlClient.connect(t.port);
    const anon = await client.send('STAT');
    client.close();
    assert.equal(anon.code, 211);
    assert.ok(anon.lines.some((l) => l.includes('Not logged in')));
  });

  it('HELP lists commands; HELP CMD gives its syntax (aliases too); unknown is 502', async () => {
    const h = await c.send('HELP');
    assert.equal(h.code, 214);
    for (const name of ['USER', 'MLSD', 'XPWD', 'EPSV', 'SITE']) assert.match(h.text, new RegExp(`\\b${name}\\b`));
    assert.equal((await c.send('HELP cwd')).text, '214 Syntax: CWD <path>');
    assert.equal((await c.send('HELP XPWD')).text, '214 Syntax: PWD');
    assert.equal((await c.send('HELP XMKD')).code, 214);
    await expectCodes([['HELP BOGUS', 502]]);
  });

  it('QUIT answers 221 and closes; QUIT with an argument is 501', async () => {
    await expectCodes([['QUIT now', 501]]);
    assert.equal((await c.send('QUIT')).code, 221);
    await waitClosed(c);
  });

  describe('listings', () => {
    const names = ['.hidden', 'with space.txt', 'données 文件.txt', 'sub dir', 'plain'];
    before(() => {
      const dir = path.join(t.root, 'listing');
      mkdirSync(path.join(dir, 'sub dir', 'deeper'), { recursive: true });
      for (const n of names.filter((n) => n !== 'sub dir')) writeFileSync(path.join(dir, n), `content of ${n}`);
    });

    it('NLST shows every name, dot-files, spaces and UTF-8 included', async () => {
      assert.deepEqual((await listLines(c, 'NLST listing')).sort(), [...names].sort());
      await expectCodes([['CWD listing', 250]]);
      assert.deepEqual(await listLines(c, 'NLST sub dir'), ['deeper']);
    });

    it('LIST, LIST -a and LIST -la give ls -l lines for every entry', async () => {
      await expectCodes([['CWD /listing', 250]]);
      const plain = await listLines(c, 'LIST');
      assert.equal(plain.length, names.length);
      for (const n of names) {
        const line = plain.find((l) => l.endsWith(' ' + n));
        assert.ok(line, `${n} in ${plain.join('|')}`);
        const size = Buffer.byteLength(`content of ${n}`);
        assert.match(line, n === 'sub dir' ? /^drwx/ : new RegExp(`^-rw.* ${size} \\w{3} [ \\d]\\d [ \\d]\\d[:\\d]\\d\\d `));
      }
      assert.deepEqual(await listLines(c, 'LIST -a'), plain);
      assert.deepEqual(await listLines(c, 'LIST -la .'), plain);
      const single = await listLines(c, 'LIST données 文件.txt');
      assert.equal(single.length, 1);
      assert.ok(single[0].endsWith(' données 文件.txt'));
    });

    it('MLSD gives facts per entry; on a file it is 550', async () => {
      const lines = await listLines(c, 'MLSD /listing');
      const byName = new Map(lines.map((l) => [l.slice(l.indexOf('; ') + 2), l]));
      assert.deepEqual([...byName.keys()].sort(), [...names].sort());
      assert.match(byName.get('sub dir')!, /^type=dir;/);
      assert.match(byName.get('données 文件.txt')!, new RegExp(`^type=file;size=${Buffer.byteLength('content of données 文件.txt')};`));
      const r = await dataCommand(c, 'MLSD /listing/plain');
      assert.equal(r.prelim.code, 550);
    });

    it('RETR and STOR move the exact bytes of UTF-8 named files', async () => {
      const r = await dataCommand(c, 'RETR /listing/données 文件.txt');
      assert.equal(r.final.code, 226);
      assert.equal(r.data.toString('utf8'), 'content of données 文件.txt');
      await upload(c, '/listing/new ✓.bin', Buffer.from([0, 1, 2, 255, 13, 10]));
      assert.deepEqual(readFileSync(path.join(t.root, 'listing', 'new ✓.bin')), Buffer.from([0, 1, 2, 255, 13, 10]));
    });

    it('listing commands without PASV/PORT are 425', async () => {
      await expectCodes([['LIST', 425], ['NLST', 425], ['MLSD', 425], ['RETR listing/plain', 425]]);
    });
  });

  describe('data connection setup', () => {
    it('PASV answers 227 with a reachable h1,h2,h3,h4,p1,p2 address', async () => {
      writeFileSync(path.join(t.root, 'pasv.txt'), 'via pasv');
      const r = await c.send('PASV');
      const m = /^227 Entering Passive Mode \((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(r.text);
      assert.ok(m, r.text);
      assert.equal(m.slice(1, 5).join('.'), '127.0.0.1');
      const data = net.connect({ host: '127.0.0.1', port: Number(m[5]) * 256 + Number(m[6]) });
      const body = collect(data);
      assert.equal((await c.send('RETR pasv.txt')).code, 150);
      assert.equal((await c.read()).code, 226);
      assert.equal((await body).toString(), 'via pasv');
    });

    it('EPSV answers 229 (|||port|); EPSV 1 works, EPSV 2 is 522', async () => {
      assert.match((await c.send('EPSV')).text, /^229 .*\(\|\|\|\d{1,5}\|\)/);
      assert.match((await c.send('EPSV 1')).text, /^229 .*\(\|\|\|\d{1,5}\|\)/);
      await expectCodes([['EPSV 2', 522]]);
    });

    it('without pasv_min_port, passive ports are odd ports spread over the whole ephemeral range (Linux)', async function () {
      if (process.platform !== 'linux') this.skip();
      const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
      const ports: number[] = [];
      for (let i = 0; i < 40; i++) ports.push(Number(/\|\|\|(\d+)\|/.exec((await c.send('EPSV')).text)![1]));
      for (const port of ports) assert.ok(port % 2 === 1 && port >= low && port <= high, `${port} in ${low}-${high}`);
      // bind(0) with SO_REUSEADDR would only ever give ports from the lower half.
      const middle = low + (high - low) / 2;
      assert.ok(ports.some((p) => p < middle) && ports.some((p) => p > middle), ports.join(' '));
    });

    it('after EPSV ALL only EPSV is accepted', async () => {
      await expectCodes([['EPSV ALL', 200], ['PASV', 503], ['PORT 127,0,0,1,200,10', 503], ['EPRT |1|127.0.0.1|51210|', 503], ['EPSV', 229]]);
    });

    it('PORT and EPRT syntax errors are 501, EPRT protocol 3 is 522, foreign or privileged targets 504', async () => {
      await expectCodes([
        ['PORT 1,2,3', 501],
        ['PORT 127,0,0,1,300,1', 501],
        ['PORT a,b,c,d,e,f', 501],
        ['PORT 127,0,0,1,0,0', 501],
        ['PORT', 501],
        ['EPRT |1|127.0.0.1|', 501],
        ['EPRT |1|::1|2000|', 501],
        ['EPRT |1|127.0.0.1|70000|', 501],
        ['EPRT 1|127.0.0.1|2000|', 501],
        ['EPRT |3|127.0.0.1|2000|', 522],
        ['PORT 127,0,0,2,200,10', 504],
        ['PORT 127,0,0,1,0,21', 504],
      ]);
    });

    it('PORT connects to the client for the listing', async () => {
      writeFileSync(path.join(t.root, 'active.txt'), 'x');
      const listener = net.createServer();
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      try {
        const port = (listener.address() as net.AddressInfo).port;
        const received = new Promise<Buffer>((resolve) => listener.once('connection', (s) => void collect(s).then(resolve)));
        assert.equal((await c.send(`PORT 127,0,0,1,${port >> 8},${port & 255}`)).code, 200);
        assert.equal((await c.send('NLST')).code, 150);
        assert.equal((await c.read()).code, 226);
        assert.ok((await received).toString().split('\r\n').includes('active.txt'));
      } finally {
        listener.close();
      }
    });
  });
});

describe('server commands: local_umask', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ tunables: { local_umask: 0o027 } })));
  after(() => t.stop());

  it('applies local_umask to uploaded files (0640) and made directories (0750)', async () => {
    await withClient(t.port, async (c) => {
      await upload(c, 'umask.txt', 'data');
      assert.equal((await c.send('MKD umask-dir')).code, 257);
    });
    assert.equal(modeOf(path.join(t.root, 'umask.txt')), 0o640);
    assert.equal(modeOf(path.join(t.root, 'umask-dir')), 0o750);
  });

  it('SITE UMASK changes the mask for this session only', async () => {
    await withClient(t.port, async (c) => {
      assert.equal((await c.send('SITE UMASK 002')).code, 200);
      await upload(c, 'umask-site.txt', 'data');
      assert.equal((await c.send('MKD umask-site-dir')).code, 257);
    });
    assert.equal(modeOf(path.join(t.root, 'umask-site.txt')), 0o664);
    assert.equal(modeOf(path.join(t.root, 'umask-site-dir')), 0o775);
    await withClient(t.port, async (c) => {
      assert.match((await c.send('SITE UMASK')).text, /0027/);
      await upload(c, 'umask-again.txt', 'data');
    });
    assert.equal(modeOf(path.join(t.root, 'umask-again.txt')), 0o640);
  });
});
