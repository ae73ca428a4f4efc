import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, tempDir, TestServer, testPasswordHash, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { dataCommand, listLines, modeOf, upload, waitClosed, withClient } from '../../helpers/ftp-session';

async function expectCodes(c: ControlClient, steps: [string, number][]): Promise<void> {
  for (const [line, code] of steps) {
    const r = await c.send(line);
    assert.equal(r.code, code, `${line} -> ${r.text}`);
  }
}

describe('server permissions: per-user letters and roots', () => {
  let t: TestServer;
  let base: string;
  before(async () => {
    base = tempDir('ferry-perm-');
    mkdirSync(path.join(base, 'main', 'dir'), { recursive: true });
    mkdirSync(path.join(base, 'jail', 'inside'), { recursive: true });
    writeFileSync(path.join(base, 'main', 'readme.txt'), 'main root file');
    writeFileSync(path.join(base, 'jail', 'jailed.txt'), 'jail file');
    const hash = await testPasswordHash();
    t = await startTestServer({
      root: path.join(base, 'main'),
      users: [
        { name: TEST_USER, passwordHash: hash, perms: 'elradfmwMT' },
        { name: 'reader', passwordHash: hash, perms: 'elr' },
        { name: 'lister', passwordHash: hash, perms: 'el' },
        { name: 'noenter', passwordHash: hash, perms: 'lr' },
        { name: 'jailed', passwordHash: hash, perms: 'elradfmwMT', root: path.join(base, 'jail') },
        { name: 'homeless', passwordHash: hash, perms: 'elr', root: path.join(base, 'no-such-dir') },
      ],
    });
  });
  after(async () => {
    await t.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('a user with "elr" can list and retrieve', () =>
    withClient(
      t.port,
      async (c) => {
        assert.ok((await listLines(c, 'NLST')).includes('readme.txt'));
        const r = await dataCommand(c, 'RETR readme.txt');
        assert.equal(r.final.code, 226);
        assert.equal(r.data.toString(), 'main root file');
        await expectCodes(c, [['CWD dir', 250], ['CDUP', 250], ['SIZE readme.txt', 213], ['MLST readme.txt', 250], ['STAT /', 213]]);
      },
      'reader',
      TEST_PASSWORD,
    ));

  it('a user with "elr" cannot STOR, APPE, DELE, MKD, RMD, RNFR, RNTO, MFMT or SITE CHMOD (550)', async () => {
    const mode = modeOf(path.join(t.root, 'readme.txt'));
    await withClient(
      t.port,
      async (c) => {
        await expectCodes(c, [
          ['MKD newdir', 550],
          ['RMD dir', 550],
          ['DELE readme.txt', 550],
          ['RNFR readme.txt', 550],
          ['RNTO other.txt', 550],
          ['MFMT 20000101000000 readme.txt', 550],
          ['SITE CHMOD 777 readme.txt', 550],
          ['CHMOD 777 readme.txt', 550],
        ]);
        for (const cmd of ['STOR new.txt', 'APPE readme.txt']) {
          const r = await dataCommand(c, cmd, 'x');
          assert.equal(r.prelim.code, 550, `${cmd} -> ${r.prelim.text}`);
        }
        // The listing still works after the refusals: the session is intact.
        assert.equal((await c.send('NOOP')).code, 200);
      },
      'reader',
      TEST_PASSWORD,
    );
    assert.ok(!existsSync(path.join(t.root, 'newdir')) && !existsSync(path.join(t.root, 'new.txt')));
    assert.ok(existsSync(path.join(t.root, 'dir')));
    assert.equal(readFileSync(path.join(t.root, 'readme.txt'), 'utf8'), 'main root file');
    assert.equal(modeOf(path.join(t.root, 'readme.txt')), mode);
  });

  it('a user without "r" cannot RETR; without "e" cannot CWD/CDUP', async () => {
    await withClient(
      t.port,
      async (c) => {
        const r = await dataCommand(c, 'RETR readme.txt');
        assert.equal(r.prelim.code, 550);
        assert.equal((await c.send('CWD dir')).code, 250);
        assert.ok((await listLines(c, 'LIST /')).some((l) => l.endsWith(' readme.txt')));
      },
      'lister',
      TEST_PASSWORD,
    );
    await withClient(
      t.port,
      async (c) => {
        await expectCodes(c, [['CWD dir', 550], ['CDUP', 550]]);
        assert.equal((await dataCommand(c, 'RETR readme.txt')).data.toString(), 'main root file');
      },
      'noenter',
      TEST_PASSWORD,
    );
  });

  it('a user whose root does not exist cannot log in (530)', async () => {
    const { client } = await ControlClient.connect(t.port);
    try {
      await expectCodes(client, [['USER homeless', 331], ['PASS secret', 530], ['PWD', 530]]);
    } finally {
      client.close();
    }
  });

  it('the MLST perm fact follows the letters', () =>
    withClient(
      t.port,
      async (c) => {
        assert.match((await c.send('MLST readme.txt')).lines[1], /perm=r;/);
        assert.match((await c.send('MLST dir')).lines[1], /perm=el;/);
      },
      'reader',
      TEST_PASSWORD,
    ));

  it('a user with its own root sees only that root', () =>
    withClient(
      t.port,
      async (c) => {
        assert.deepEqual((await listLines(c, 'NLST')).sort(), ['inside', 'jailed.txt']);
        await expectCodes(c, [['CWD ..', 250], ['CWD ../..', 250], ['SIZE /readme.txt', 550], ['SIZE ../main/readme.txt', 550], ['CWD /dir', 550]]);
        assert.match((await c.send('PWD')).text, /^257 "\/"/);
        await upload(c, 'inside/up.txt', 'jailed upload');
        assert.equal(readFileSync(path.join(base, 'jail', 'inside', 'up.txt'), 'utf8'), 'jailed upload');
        assert.ok(!existsSync(path.join(t.root, 'inside')));
      },
      'jailed',
      TEST_PASSWORD,
    ));
});

describe('server permissions: local_root', () => {
  it('serves local_root to named users instead of the given root', async () => {
    const base = tempDir('ferry-localroot-');
    mkdirSync(path.join(base, 'given'));
    mkdirSync(path.join(base, 'local'));
    writeFileSync(path.join(base, 'local', 'here.txt'), 'x');
    const t = await startTestServer({ root: path.join(base, 'given'), tunables: { local_root: path.join(base, 'local') } });
    try {
      await withClient(t.port, async (c) => assert.deepEqual(await listLines(c, 'NLST'), ['here.txt']));
    } finally {
      await t.stop();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('server permissions: login', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ tunables: { login_fail_delay_ms: 100, max_login_fails: 3 } })));
  after(() => t.stop());

  async function connect(): Promise<ControlClient> {
    return (await ControlClient.connect(t.port)).client;
  }

  it('commands before login are 530', async () => {
    const c = await connect();
    try {
      for (const line of ['PWD', 'CWD /', 'CDUP', 'LIST', 'NLST', 'MLSD', 'MLST', 'RETR x', 'STOR x', 'DELE x', 'MKD x', 'RMD x', 'SIZE x', 'RNFR x', 'SITE CHMOD 777 x', 'PASV', 'EPSV', 'PORT 127,0,0,1,4,1', 'ALLO', 'STAT /']) {
        const r = await c.send(line);
        assert.equal(r.code, 530, `${line} -> ${r.text}`);
      }
      assert.equal((await c.send('NOOP')).code, 200);
      assert.equal((await c.send('FEAT')).code, 211);
    } finally {
      c.close();
    }
  });

  it('PASS before USER is 503; PASS twice is 503', async () => {
    const c = await connect();
    try {
      await expectCodes(c, [['PASS secret', 503], ['USER tester', 331], ['PASS secret', 230], ['PASS secret', 503]]);
    } finally {
      c.close();
    }
  });

  it('a wrong password is 530 after at least login_fail_delay_ms; an unknown user is 530 too', async () => {
    // A delay well above the scrypt cost, so an answer without it would be noticed.
    const slow = await startTestServer({ tunables: { login_fail_delay_ms: 400 } });
    const { client: c } = await ControlClient.connect(slow.port);
    try {
      await expectCodes(c, [['USER tester', 331]]);
      const started = Date.now();
      assert.equal((await c.send('PASS wrong')).code, 530);
      assert.ok(Date.now() - started >= 390, 'the failed login was answered without the delay');
      await expectCodes(c, [['USER nobody', 331], ['PASS secret', 530], ['PWD', 530]]);
    } finally {
      c.close();
      await slow.stop();
    }
  });

  it('after max_login_fails wrong passwords the server answers 421 and closes', async () => {
    const c = await connect();
    await expectCodes(c, [['USER tester', 331], ['PASS a', 530], ['USER tester', 331], ['PASS b', 530], ['USER tester', 331]]);
    const r = await c.send('PASS c');
    assert.equal(r.code, 421, r.text);
    await waitClosed(c);
  });

  it('a repeated good login works and a wrong password after a good one still fails', async () => {
    for (let i = 0; i < 3; i++) {
      await withClient(t.port, async (c) => assert.equal((await c.send('PWD')).code, 257));
    }
    const c = await connect();
    try {
      await expectCodes(c, [['USER tester', 331], ['PASS secret', 230], ['USER tester', 331], ['PASS secreT', 530], ['PWD', 530], ['USER tester', 331], ['PASS secret', 230]]);
    } finally {
      c.close();
    }
  });

  it('USER after a login logs the session out', async () => {
    const c = await connect();
    try {
      await expectCodes(c, [['USER tester', 331], ['PASS secret', 230], ['USER tester', 331], ['PWD', 530]]);
    } finally {
      c.close();
    }
  });

  it('anonymous logins are refused by default', async () => {
    for (const name of ['anonymous', 'ftp']) {
      const c = await connect();
      try {
        await expectCodes(c, [[`USER ${name}`, 331], ['PASS guest@example.com', 530], ['PWD', 530]]);
      } finally {
        c.close();
      }
    }
  });
});

describe('server permissions: anonymous_enable', () => {
  let base: string;
  before(() => {
    base = tempDir('ferry-anon-');
    mkdirSync(path.join(base, 'main'));
    mkdirSync(path.join(base, 'pub'));
    writeFileSync(path.join(base, 'main', 'private.txt'), 'named users only');
    writeFileSync(path.join(base, 'pub', 'public.txt'), 'for everyone');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('anonymous and ftp log in with any password, read-only by default', async () => {
    const t = await startTestServer({ root: path.join(base, 'main'), tunables: { anonymous_enable: true } });
    try {
      for (const [name, password] of [['anonymous', 'me@example.com'], ['FTP', ''], ['ftp', 'whatever']]) {
        await withClient(
          t.port,
          async (c) => {
            assert.deepEqual(await listLines(c, 'NLST'), ['private.txt']);
            assert.equal((await dataCommand(c, 'RETR private.txt')).data.toString(), 'named users only');
            await expectCodes(c, [['MKD x', 550], ['DELE private.txt', 550], ['RNFR private.txt', 550], ['SITE CHMOD 777 private.txt', 550]]);
            assert.equal((await dataCommand(c, 'STOR anon.txt', 'x')).prelim.code, 550);
          },
          name,
          password,
        );
      }
      assert.ok(!existsSync(path.join(t.root, 'anon.txt')) && !existsSync(path.join(t.root, 'x')));
      // Named users still log in with their password.
      await withClient(t.port, async (c) => assert.equal((await c.send('NOOP')).code, 200));
    } finally {
      await t.stop();
    }
  });

  it('anon_root and anon_perms are honoured', async () => {
    const t = await startTestServer({ root: path.join(base, 'main'), tunables: { anonymous_enable: true, anon_root: path.join(base, 'pub'), anon_perms: 'elrw' } });
    try {
      await withClient(
        t.port,
        async (c) => {
          assert.deepEqual(await listLines(c, 'NLST'), ['public.txt']);
          await expectCodes(c, [['SIZE /private.txt', 550], ['CWD ..', 250], ['DELE public.txt', 550]]);
          await upload(c, 'dropped.txt', 'anonymous upload');
        },
        'anonymous',
        'guest',
      );
      assert.equal(readFileSync(path.join(base, 'pub', 'dropped.txt'), 'utf8'), 'anonymous upload');
      await withClient(t.port, async (c) => assert.deepEqual(await listLines(c, 'NLST'), ['private.txt']));
    } finally {
      await t.stop();
    }
  });
});
