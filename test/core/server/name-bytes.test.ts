import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { decodeName, encodeName, fsPath } from '../../../src/core/server/name-bytes';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { python } from '../../helpers/processes';

/**
 * File names on disk that are not valid UTF-8 (issue 12, item 7): a GBK name, lone bytes 0x80
 * and 0xC1. Decoded with U+FFFD they would collapse (`name\x80` and `name\xC1` both became
 * `name\uFFFD`) and neither could be reached. Python's ftplib with latin-1 passes bytes 1:1,
 * so it sees exactly the bytes the server sends and sends back exactly what it got.
 */

const GBK_CHINESE = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // 中文 in GBK: not valid UTF-8
const NAMES: Record<string, Buffer> = {
  x80: Buffer.concat([Buffer.from('name'), Buffer.of(0x80)]),
  xc1: Buffer.concat([Buffer.from('name'), Buffer.of(0xc1)]),
  gbk: Buffer.concat([GBK_CHINESE, Buffer.from('.txt')]),
  utf8: Buffer.from('naïve-中文.txt'),
};

/** Creates `root/<bytes>` with `content` (fs calls take the name as bytes). */
function writeRaw(root: string, name: Buffer, content: string): void {
  fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), name]), content);
}

/** Names in `dir` as hex, sorted. */
function namesOnDisk(dir: string): string[] {
  return fs
    .readdirSync(dir, { encoding: 'buffer' })
    .map((n) => n.toString('hex'))
    .sort();
}

/** Runs an ftplib session (latin-1: one char per byte) against the server; returns its JSON output. */
async function ftplib(port: number, body: string): Promise<Record<string, unknown>> {
  const script = `
import ftplib, io, json
out = {}
def h(s): return s.encode('latin-1').hex()
def n(hexname): return bytes.fromhex(hexname).decode('latin-1')
def retr(name):
    buf = io.BytesIO(); ftp.retrbinary('RETR ' + name, buf.write); return buf.getvalue().decode()
ftp = ftplib.FTP(encoding='latin-1')
ftp.connect('127.0.0.1', ${port}, timeout=20)
ftp.login(${JSON.stringify(TEST_USER)}, ${JSON.stringify(TEST_PASSWORD)})
${body}
ftp.quit()
print(json.dumps(out))
`;
  const result = await python(script);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('name bytes: surrogateescape mapping', () => {
  it('round-trips every byte string, keeps valid UTF-8 as text, and never maps two byte strings to one text', () => {
    const seen = new Map<string, string>();
    const samples = [...Object.values(NAMES), Buffer.of(0xed, 0xa0, 0x80), Buffer.of(0xf0, 0x9f, 0x98, 0x80), Buffer.of(0xe0, 0x80, 0xaf), Buffer.of(0xff, 0xfe)];
    for (let b = 0; b < 256; b++) samples.push(Buffer.of(0x61, b, 0x62));
    for (const bytes of samples) {
      const text = decodeName(bytes);
      assert.deepEqual(encodeName(text), bytes, bytes.toString('hex'));
      const other = seen.get(text);
      assert.ok(other === undefined || other === bytes.toString('hex'), `${bytes.toString('hex')} and ${other} decode alike`);
      seen.set(text, bytes.toString('hex'));
    }
    assert.equal(decodeName(NAMES.utf8), 'naïve-中文.txt');
    assert.equal(fsPath('naïve'), 'naïve');
    assert.deepEqual(fsPath(decodeName(NAMES.x80)), NAMES.x80);
    // A 4-byte emoji is valid UTF-8 and stays text; an encoded surrogate (ED A0 80) is not.
    assert.equal(decodeName(Buffer.of(0xf0, 0x9f, 0x98, 0x80)), '😀');
    assert.equal(decodeName(Buffer.of(0xed, 0xa0, 0x80)).length, 3);
  });
});

describe('server: names that are not valid UTF-8 stay distinct and reachable', function () {
  this.timeout(60_000);
  let t: TestServer;
  afterEach(() => t?.stop());

  it('lists, retrieves, deletes, stores, renames and enters them by their bytes (ftplib, latin-1)', async () => {
    t = await startTestServer();
    for (const [key, name] of Object.entries(NAMES)) writeRaw(t.root, name, `content of ${key}`);
    const gbkDir = Buffer.concat([GBK_CHINESE, Buffer.from('-dir')]);
    fs.mkdirSync(Buffer.concat([Buffer.from(t.root + '/'), gbkDir]));
    writeRaw(t.root, Buffer.concat([gbkDir, Buffer.from('/'), NAMES.x80]), 'inside');

    const hex = Object.fromEntries(Object.entries(NAMES).map(([k, v]) => [k, v.toString('hex')]));
    const out = await ftplib(
      t.port,
      `
out['nlst'] = sorted(h(x) for x in ftp.nlst())
out['mlsd'] = sorted(h(name) for name, facts in ftp.mlsd() if facts['type'] == 'file')
out['retr'] = {k: retr(n(v)) for k, v in ${JSON.stringify(hex)}.items()}
out['size_x80'] = ftp.size(n('${hex.x80}'))
out['dele'] = ftp.delete(n('${hex.x80}'))
ftp.storbinary('STOR ' + n('${hex.xc1}') + '-new', io.BytesIO(b'stored'))
out['rnfr'] = ftp.sendcmd('RNFR ' + n('${hex.gbk}'))
out['rnto'] = ftp.sendcmd('RNTO ' + n('${hex.gbk}') + '.bak')
out['cwd'] = ftp.cwd(n('${gbkDir.toString('hex')}'))
out['pwd'] = h(ftp.pwd())
out['inside'] = retr(n('${hex.x80}'))
`,
    );
    const visible = Object.values(hex).sort();
    assert.deepEqual(out.nlst, [...visible, gbkDir.toString('hex')].sort(), 'NLST shows each name as its bytes on disk');
    assert.deepEqual(out.mlsd, visible);
    assert.deepEqual(out.retr, { x80: 'content of x80', xc1: 'content of xc1', gbk: 'content of gbk', utf8: 'content of utf8' });
    assert.equal(out.size_x80, 'content of x80'.length);
    assert.match(String(out.dele), /^250 /);
    assert.match(String(out.rnto), /^250 /);
    assert.match(String(out.cwd), /^250 /);
    assert.equal(out.pwd, Buffer.concat([Buffer.from('/'), gbkDir]).toString('hex'));
    assert.equal(out.inside, 'inside');

    // On disk: name\x80 gone, name\xC1 kept (the delete hit only its own bytes), the new and renamed names exact.
    const expected = [NAMES.xc1, NAMES.utf8, gbkDir, Buffer.concat([NAMES.xc1, Buffer.from('-new')]), Buffer.concat([NAMES.gbk, Buffer.from('.bak')])];
    assert.deepEqual(namesOnDisk(t.root), expected.map((b) => b.toString('hex')).sort());
    assert.equal(fs.readFileSync(Buffer.concat([Buffer.from(t.root + '/'), NAMES.xc1])).toString(), 'content of xc1');
    assert.equal(fs.readFileSync(Buffer.concat([Buffer.from(t.root + '/'), NAMES.xc1, Buffer.from('-new')])).toString(), 'stored');
  });
});
