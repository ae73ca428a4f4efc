import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { dataCommand, listLines, loggedIn, snapshotTree } from '../../helpers/ftp-session';

/**
 * Layout (base is a fresh temp dir; only base/root is served):
 *   base/outside/secret.txt, base/outside/dir/      the sentinel: must never be read or changed
 *   root/file.txt, root/sub/inner.txt
 *   root/etc-link -> /etc              root/out-link -> base/outside     root/rel-out-link -> ../outside
 *   root/secret-link -> base/outside/secret.txt    root/dangling-out -> base/outside/created.txt (missing)
 *   root/sub/up-link -> ../..          root/inside-link -> sub           root/inside-file-link -> file.txt
 *   root/d1/d2/d3/hop -> ../../outside/secret.txt  (inside: root/d1/outside/secret.txt, a decoy)
 */
const DATA_COMMANDS = /^(RETR|STOR|APPE|LIST|NLST|MLSD)\b/;
const OUTSIDE_LINKS = ['etc-link', 'out-link', 'rel-out-link', 'secret-link', 'dangling-out'];

/**
 * [command line, expected code]; every one must be refused without touching anything outside.
 * Through etc-link (the real /etc) only commands that change nothing are tried: were the
 * server broken, STOR/MKD/CHMOD/DELE through it would damage the machine running the tests.
 * The changing commands go through out-link and rel-out-link, whose target is the sentinel.
 */
const REFUSED: [string, number][] = [
  ['CWD ../../etc', 550],
  ['CWD /../../etc', 550],
  ['CWD ....//', 550],
  ['CWD ..%2f..%2fetc', 550],
  ['CWD ..\\..\\etc', 550],
  ['CWD /etc', 550],
  ['SIZE ../../etc/passwd', 550],
  ['SIZE /etc/passwd', 550],
  ['MDTM ../../../../../../etc/passwd', 550],
  ['RETR ../../etc/passwd', 550],
  ['RETR /etc/passwd', 550],
  ['RETR ..\\..\\etc\\passwd', 550],
  ['RETR ../outside/secret.txt', 550],
  ['CWD etc-link', 550],
  ['CWD /etc-link/', 550],
  ['CWD etc-link/..', 250], // lexically /etc-link/.. is / : allowed, and it stays inside
  ['LIST etc-link', 550],
  ['LIST -la etc-link', 550],
  ['NLST etc-link', 550],
  ['MLSD etc-link', 550],
  ['MLST etc-link', 550],
  ['STAT etc-link', 550],
  ['RETR etc-link/passwd', 550],
  ['SIZE etc-link/passwd', 550],
  ['MDTM etc-link/passwd', 550],
  ['RNFR etc-link/hostname', 550],
  ['CWD out-link', 550],
  ['CWD rel-out-link', 550],
  ['LIST out-link', 550],
  ['STOR out-link/evil.txt', 550],
  ['STOR rel-out-link/evil.txt', 550],
  ['APPE out-link/secret.txt', 550],
  ['RNFR out-link', 550],
  ['RNFR out-link/secret.txt', 550],
  ['DELE out-link/secret.txt', 550],
  ['DELE out-link', 550],
  ['SITE CHMOD 777 out-link/secret.txt', 550],
  ['SITE CHMOD 777 out-link', 550],
  ['CHMOD 777 rel-out-link', 550],
  ['MKD out-link/newdir', 550],
  ['MKD rel-out-link/newdir', 550],
  ['RMD out-link/dir', 550],
  ['MFMT 20000101000000 out-link/secret.txt', 550],
  ['SIZE out-link/secret.txt', 550],
  ['RETR secret-link', 550],
  ['SIZE secret-link', 550],
  ['MDTM secret-link', 550],
  ['MLST secret-link', 550],
  ['STOR secret-link', 550],
  ['APPE secret-link', 550],
  ['DELE secret-link', 550],
  ['STOR dangling-out', 550],
  ['APPE dangling-out', 550],
  ['MKD dangling-out', 550],
  ['CWD sub/up-link', 550],
  ['RETR sub/up-link/outside/secret.txt', 550],
  ['STOR sub/up-link/outside/evil.txt', 550],
  ['CWD a\0b', 501],
  ['RETR ../\0../etc/passwd', 501],
  ['MKD x\0/../../evil', 501],
  ['STOR evil\0.txt', 501],
];

describe('server traversal: paths and symlinks never leave the root', () => {
  let base: string;
  let root: string;
  let outside: string;
  let t: TestServer;
  let c: ControlClient;
  let sentinelBefore: Record<string, string>;

  before(async () => {
    base = tempDir('ferry-traversal-');
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    mkdirSync(path.join(outside, 'dir'), { recursive: true });
    writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET outside the root');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    mkdirSync(path.join(root, 'd1', 'd2', 'd3'), { recursive: true });
    mkdirSync(path.join(root, 'd1', 'outside'));
    writeFileSync(path.join(root, 'd1', 'outside', 'secret.txt'), 'decoy inside');
    writeFileSync(path.join(root, 'file.txt'), 'inside file');
    writeFileSync(path.join(root, 'sub', 'inner.txt'), 'inner file');
    symlinkSync('/etc', path.join(root, 'etc-link'));
    symlinkSync(outside, path.join(root, 'out-link'));
    symlinkSync('../outside', path.join(root, 'rel-out-link'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    symlinkSync(path.join(outside, 'created.txt'), path.join(root, 'dangling-out'));
    symlinkSync('../..', path.join(root, 'sub', 'up-link'));
    symlinkSync('sub', path.join(root, 'inside-link'));
    symlinkSync('file.txt', path.join(root, 'inside-file-link'));
    symlinkSync('../../outside/secret.txt', path.join(root, 'd1', 'd2', 'd3', 'hop'));
    sentinelBefore = snapshotTree(outside);
    t = await startTestServer({ root });
  });
  after(async () => {
    await t.stop();
    rmSync(base, { recursive: true, force: true });
  });
  beforeEach(async () => (c = await loggedIn(t.port)));
  afterEach(() => c.close());

  /** Sends a line (data commands over EPSV) and returns its first reply code, checking no data leaked. */
  async function attempt(line: string): Promise<number> {
    if (!DATA_COMMANDS.test(line)) return (await c.send(line)).code;
    const r = await dataCommand(c, line, line.startsWith('STOR') || line.startsWith('APPE') ? 'EVIL BYTES' : undefined);
    if (r.prelim.code >= 400) assert.equal(r.data.length, 0, `${line} sent data`);
    return r.prelim.code;
  }

  for (const [line, code] of REFUSED) {
    it(`${JSON.stringify(line)} -> ${code}`, async () => {
      assert.equal(await attempt(line), code);
      assert.match((await c.send('PWD')).text, /^257 "\//);
      assert.deepEqual(snapshotTree(outside), sentinelBefore);
    });
  }

  it('CWD .. and similar at the root stay at /', async () => {
    for (const arg of ['..', '../', '../..', '/../../..', 'a/../../..', 'sub/../../..', '.']) {
      assert.equal((await c.send(`CWD ${arg}`)).code, 250, arg);
      assert.equal((await c.send('PWD')).text, '257 "/" is the current directory.', arg);
    }
    assert.equal((await c.send('CDUP')).code, 250);
    assert.match((await c.send('MLST ../..')).lines[1], /; \/$/);
  });

  it('odd names are literal names inside the root', async () => {
    for (const name of ['..%2f..%2fescape', '..\\escape', '....']) {
      assert.equal((await c.send(`MKD ${name}`)).code, 257, name);
      assert.ok(existsSync(path.join(root, name)), name);
    }
    const up = await dataCommand(c, 'STOR ../../../escaped.txt', 'kept inside');
    assert.equal(up.final.code, 226);
    assert.equal(readFileSync(path.join(root, 'escaped.txt'), 'utf8'), 'kept inside');
    assert.deepEqual(readdirSync(base).sort(), ['outside', 'root']);
  });

  it('RNTO cannot move anything out of the root', async () => {
    for (const target of ['out-link/stolen.txt', 'rel-out-link/stolen.txt', '../outside/stolen.txt', '../../outside/secret.txt', 'dangling-out', 'secret-link']) {
      assert.equal((await c.send('RNFR file.txt')).code, 350);
      assert.equal((await c.send(`RNTO ${target}`)).code, 550, target);
    }
    assert.equal(readFileSync(path.join(root, 'file.txt'), 'utf8'), 'inside file');
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'TOP SECRET outside the root');
  });

  it('links pointing inside the root are followed', async () => {
    assert.equal((await c.send('CWD inside-link')).code, 250);
    assert.match((await c.send('PWD')).text, /"\/inside-link"/);
    assert.deepEqual(await listLines(c, 'NLST'), ['inner.txt']);
    assert.equal((await dataCommand(c, 'RETR inner.txt')).data.toString(), 'inner file');
    assert.equal((await dataCommand(c, 'RETR /inside-file-link')).data.toString(), 'inside file');
    assert.equal((await c.send('SIZE /inside-file-link')).text, '213 11');
    assert.equal((await dataCommand(c, 'RETR /d1/d2/d3/hop')).data.toString(), 'decoy inside');
  });

  it('a relative link moved to where it points outside is refused from then on', async () => {
    assert.equal((await c.send('RNFR d1/d2/d3/hop')).code, 350);
    assert.equal((await c.send('RNTO d1/hop')).code, 250);
    for (const line of ['RETR d1/hop', 'SIZE d1/hop', 'STOR d1/hop', 'SITE CHMOD 777 d1/hop']) assert.equal(await attempt(line), 550, line);
  });

  it('listings never show links that lead outside', async () => {
    const names = await listLines(c, 'NLST /');
    for (const hidden of OUTSIDE_LINKS) assert.ok(!names.includes(hidden), `${hidden} in ${names}`);
    for (const shown of ['file.txt', 'sub', 'inside-link', 'inside-file-link']) assert.ok(names.includes(shown), shown);
    const list = await listLines(c, 'LIST -la /');
    assert.ok(!list.some((l) => OUTSIDE_LINKS.some((n) => l.endsWith(' ' + n))), list.join('\n'));
    assert.ok(list.some((l) => l.startsWith('d') && l.endsWith(' inside-link')));
    const mlsd = await listLines(c, 'MLSD /');
    assert.ok(!mlsd.some((l) => OUTSIDE_LINKS.some((n) => l.endsWith('; ' + n))));
    assert.ok(!(await listLines(c, 'NLST /sub')).includes('up-link'));
    const stat = await c.send('STAT /');
    assert.ok(!OUTSIDE_LINKS.some((n) => stat.text.includes(n)), stat.text);
  });

  it('nothing outside the root was created, changed or removed', () => {
    assert.deepEqual(snapshotTree(outside), sentinelBefore);
    assert.ok(!existsSync(path.join(outside, 'created.txt')));
    assert.deepEqual(readdirSync(base).sort(), ['outside', 'root']);
  });
});
