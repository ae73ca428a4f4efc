import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyOverrides, ConfigError, defaultTunables, formatTunableValue, loadConfigFile, parseConfig, parseTunableValue, startServer, TunableKey, TUNABLES } from '../../../src/core/server';
import { tempDir, testPasswordHash } from '../../helpers/ferry-server';

/** The problems of a ConfigError as `line -> messages`, checking every message line's `file:line: ` form. */
function applyOverridesError(overrides: Parameters<typeof applyOverrides>[1]): string {
  try {
    applyOverrides(defaultTunables(), overrides);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

function problemsByLine(err: unknown, file: string): Map<number, string[]> {
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  const lines = err.message.split('\n');
  assert.equal(lines.length, err.problems.length);
  const out = new Map<number, string[]>();
  for (const text of lines) {
    assert.ok(text.startsWith(file + ':'), text);
    const m = /^(\d+): (.+)$/.exec(text.slice(file.length + 1));
    assert.ok(m, `not "file:line: message": ${text}`);
    out.set(Number(m[1]), [...(out.get(Number(m[1])) ?? []), m[2]]);
  }
  return out;
}

function loadError(file: string): unknown {
  try {
    loadConfigFile(file);
  } catch (err) {
    return err;
  }
  assert.fail(`${file} loaded without an error`);
}

describe('server config: tunables table', () => {
  it('has the seed defaults (but port 2121)', () => {
    const d = defaultTunables();
    assert.deepEqual(
      {
        listen_address: d.listen_address,
        listen_port: d.listen_port,
        accept_timeout: d.accept_timeout,
        connect_timeout: d.connect_timeout,
        maximum_clients: d.maximum_clients,
        max_conns_per_ip: d.max_conns_per_ip,
        max_upload_rate: d.max_upload_rate,
        max_download_rate: d.max_download_rate,
        idle_ctrl_timeout: d.idle_ctrl_timeout,
        idle_data_timeout: d.idle_data_timeout,
        local_umask: d.local_umask,
      },
      {
        listen_address: '127.0.0.1',
        // The seed says 21; Ferry runs unprivileged (CLI, editor, library alike), so 2121 (issue 16, item 7).
        listen_port: 2121,
        accept_timeout: 600,
        connect_timeout: 300,
        maximum_clients: 2000,
        max_conns_per_ip: 50,
        max_upload_rate: 0,
        max_download_rate: 0,
        idle_ctrl_timeout: 300,
        idle_data_timeout: 300,
        local_umask: 0o077,
      },
    );
    assert.equal(d.anonymous_enable, false);
    assert.equal(formatTunableValue('local_umask', d.local_umask), '077');
  });

  it('every key has a doc, and its default formats and parses back to itself', () => {
    for (const key of Object.keys(TUNABLES) as TunableKey[]) {
      assert.ok(TUNABLES[key].doc.length > 10, key);
      const text = formatTunableValue(key, TUNABLES[key].default);
      assert.deepEqual(parseTunableValue(key, text), { value: TUNABLES[key].default }, `${key} = ${text}`);
    }
  });

  it('parses values by type: booleans, octal modes, numbers with ranges', () => {
    for (const yes of ['YES', 'yes', 'true', '1', 'On', ' YES ']) assert.deepEqual(parseTunableValue('anonymous_enable', yes), { value: true }, yes);
    for (const no of ['NO', 'no', 'false', '0', 'off']) assert.deepEqual(parseTunableValue('anonymous_enable', no), { value: false }, no);
    assert.ok('error' in parseTunableValue('anonymous_enable', 'maybe'));
    assert.deepEqual(parseTunableValue('local_umask', '027'), { value: 0o27 });
    assert.deepEqual(parseTunableValue('local_umask', '0022'), { value: 0o22 });
    assert.deepEqual(parseTunableValue('local_umask', '0777'), { value: 0o777 });
    for (const bad of ['0999', '1000', '-1', 'abc', '']) assert.ok('error' in parseTunableValue('local_umask', bad), bad);
    assert.deepEqual(parseTunableValue('listen_port', '65535'), { value: 65535 });
    for (const bad of ['65536', '-1', '21.5', '0x10', '']) assert.ok('error' in parseTunableValue('listen_port', bad), bad);
    assert.ok('error' in parseTunableValue('max_login_fails', '0'));
    assert.ok('error' in parseTunableValue('login_fail_delay_ms', '60001'));
    assert.deepEqual(parseTunableValue('ftpd_banner', '  Hello there  '), { value: 'Hello there' });
  });
});

describe('server config: mini_ftpd.conf parser', () => {
  let dir: string;
  let hash: string;
  before(async () => {
    dir = tempDir('ferry-config-');
    hash = await testPasswordHash();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads comments, blank lines, YES/NO, octal umask and users', () => {
    const file = path.join(dir, 'good.conf');
    const text = [
      '# Ferry test config',
      '',
      '   # indented comment',
      'listen_port = 2121',
      'anonymous_enable=YES',
      'local_umask = 027',
      'max_upload_rate = 1000000',
      'ftpd_banner = Welcome = friends',
      `user = alice:${hash}:elr`,
      `user = bob:${hash}:elradfmwMT:data/bob`,
      `user = carol:${hash}:el:/srv/a:b`,
      '',
    ].join('\r\n');
    writeFileSync(file, text);
    const parsed = loadConfigFile(file);
    assert.equal(parsed.tunables.listen_port, 2121);
    assert.equal(parsed.tunables.anonymous_enable, true);
    assert.equal(parsed.tunables.local_umask, 0o27);
    assert.equal(parsed.tunables.max_upload_rate, 1_000_000);
    assert.equal(parsed.tunables.ftpd_banner, 'Welcome = friends');
    assert.equal(parsed.tunables.accept_timeout, 600);
    assert.deepEqual([...parsed.setKeys.entries()], [['listen_port', 4], ['anonymous_enable', 5], ['local_umask', 6], ['max_upload_rate', 7], ['ftpd_banner', 8]]);
    assert.deepEqual(
      parsed.users.map((u) => [u.name, u.perms, u.root]),
      [
        ['alice', 'elr', undefined],
        ['bob', 'elradfmwMT', path.join(dir, 'data', 'bob')],
        ['carol', 'el', '/srv/a:b'],
      ],
    );
    assert.equal(parsed.users[0].passwordHash, hash);
  });

  it('an empty text gives the defaults and no problems', () => {
    const parsed = parseConfig('\n# nothing\n');
    assert.deepEqual(parsed.tunables, defaultTunables());
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.users, []);
  });

  it('reports every problem of a bad file as file:line: message', () => {
    const file = path.join(dir, 'bad.conf');
    const lines = [
      '# comment', // 1
      'listen_port = 2121', // 2
      'bogus_key = 1', // 3
      'accept_timeout = ten', // 4
      'max_login_fails = 0', // 5
      'listen_port = 2122', // 6
      'user = onlyname', // 7
      'user = alice:plaintext:elr', // 8
      `user = bob:${hash}:elrxyz`, // 9
      'anonymous_enable = maybe', // 10
      'local_umask = 0999', // 11
      'pasv_min_port = 50000', // 12
      'pasv_max_port = 40000', // 13
      'this line has no equals sign', // 14
      'listen_port = 70000', // 15
      `user = carol:${hash}:elr`, // 16
      `user = carol:${hash}:el`, // 17
      `user = bad name:${hash}:el`, // 18
      'idle_ctrl_timeout = -5', // 19
      `user = dan:${hash}:`, // 20
      `user = erin:${hash}::/srv/erin`, // 21
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const byLine = problemsByLine(loadError(file), file);
    const expected: [number, RegExp][] = [
      [3, /unknown key "bogus_key"/],
      [4, /accept_timeout expects a whole number, got "ten"/],
      [5, /max_login_fails must be between 1 and/],
      [6, /listen_port is already set on line 2/],
      [7, /user expects name:scrypt-hash:perms/],
      [8, /user alice: password must be an scrypt hash.*plain text is not accepted/],
      [9, /user bob: unknown permission letter\(s\) "xyz"/],
      [10, /anonymous_enable expects YES or NO, got "maybe"/],
      [11, /local_umask expects an octal mode/],
      [13, /pasv_min_port \(50000\) is above pasv_max_port \(40000\)/],
      [14, /expected "key = value", got "this line has no equals sign"/],
      [15, /listen_port must be between 0 and 65535/],
      [17, /user carol is defined twice/],
      [18, /invalid user name "bad name"/],
      [19, /idle_ctrl_timeout expects a whole number/],
      [20, /user dan: no permission letters/],
      [21, /user erin: no permission letters/],
    ];
    for (const [line, pattern] of expected) assert.ok(byLine.get(line)?.some((m) => pattern.test(m)), `line ${line}: ${byLine.get(line)} !~ ${pattern}`);
    assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19, 20, 21]);
    // Line 15 is both a duplicate and out of range: both are reported.
    assert.equal(byLine.get(15)?.length, 2);
  });

  it('pasv_max_port without pasv_min_port is reported on its line', () => {
    const file = path.join(dir, 'pasv.conf');
    writeFileSync(file, '\n\npasv_max_port = 40000\n');
    assert.deepEqual(problemsByLine(loadError(file), file), new Map([[3, ['pasv_min_port must be set when pasv_max_port is']]]));
  });

  it('a missing file is an error naming it', () => {
    assert.throws(() => loadConfigFile(path.join(dir, 'missing.conf')), /missing\.conf/);
  });

  it('applyOverrides sets keys without touching the input and names bad overrides', () => {
    const base = defaultTunables();
    const out = applyOverrides(base, ['listen_port=2121', ' local_umask = 022', 'anonymous_enable=yes', 'ftpd_banner=a=b']);
    assert.equal(out.listen_port, 2121);
    assert.equal(out.local_umask, 0o22);
    assert.equal(out.anonymous_enable, true);
    assert.equal(out.ftpd_banner, 'a=b');
    assert.deepEqual(base, defaultTunables());
    let err: unknown;
    try {
      applyOverrides(base, ['listen_port=1', 'nope=1', 'listen_port=abc', 'max_conns_per_ip', 'anonymous_enable=perhaps']);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    // Overrides have no line: each problem names the command line and the override's source.
    const lines = err.message.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^command line: --set: unknown key "nope" \(known: listen_address, /);
    assert.match(lines[1], /^command line: --set: listen_port expects a whole number, got "abc"/);
    assert.match(lines[2], /^command line: --set: max_conns_per_ip expects a whole number, got ""/);
    assert.match(lines[3], /^command line: --set: anonymous_enable expects YES or NO/);
    assert.match(applyOverridesError([{ source: '--port', text: 'listen_port=eighty' }]), /^command line: --port: listen_port expects a whole number, got "eighty"$/);
  });

  it('startServer refuses a passive port range upside down', async () => {
    await assert.rejects(
      startServer({ root: dir, tunables: { listen_port: 0, pasv_min_port: 50010, pasv_max_port: 50000 } }),
      (err: unknown) => err instanceof ConfigError && /pasv_min_port \(50010\) is above pasv_max_port \(50000\)/.test(err.message),
    );
  });
});
