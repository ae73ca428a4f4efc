import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { defaultTunables } from '../../../src/core/server';
import { ControlClient } from '../../helpers/control-client';
import { TestServer } from '../../helpers/ferry-server';
import { ActiveListener, closed, connectData, epsv, sleep } from '../../helpers/ftp-kit';
import { python, sha256 } from '../../helpers/processes';
import { ftplibScript, openData, OPENSSL_TEXT, retr, secureClient, stor, tlsOn, tlsServer } from './tls-kit';

describe('server TLS: require_ssl_reuse = YES (the default)', () => {
  let t: TestServer;
  let logs: string[];
  const file = (name: string) => path.join(t.root, name);
  const original = randomBytes(200_000);
  before(async () => ({ t, logs } = await tlsServer()));
  after(() => t.stop());
  beforeEach(() => writeFileSync(file('kept.bin'), original));

  it('is on by default', () => assert.equal(defaultTunables().require_ssl_reuse, true));

  it('a data connection with a fresh TLS session gets 522: RETR sends nothing, STOR leaves an existing file as it was and creates no new one', async () => {
    const { client, control } = await secureClient(t.port);
    try {
      for (const mode of ['EPSV', 'PORT'] as const) {
        const { data, final } = await retr(client, mode, 'kept.bin');
        assert.equal(final.code, 522, `${mode}: ${final.text}`);
        assert.match(final.text, /session reuse required/);
        assert.equal(data.length, 0, `${mode}: a refused data connection received file data`);
      }
      const overwrite = await stor(client, 'kept.bin', randomBytes(50_000));
      assert.equal(overwrite.code, 522, overwrite.text);
      assert.equal(sha256(readFileSync(file('kept.bin'))), sha256(original), 'the refused STOR changed the existing file');
      const create = await stor(client, 'new.bin', randomBytes(50_000));
      assert.equal(create.code, 522, create.text);
      assert.equal(existsSync(file('new.bin')), false, 'the refused STOR left a new file behind');
      // The session goes on, and its own TLS session still opens data connections.
      assert.equal((await client.send('NOOP')).code, 200);
      const payload = randomBytes(100_000);
      assert.equal((await stor(client, 'new.bin', payload, control.getSession())).code, 226);
      assert.equal(sha256(readFileSync(file('new.bin'))), sha256(payload));
    } finally {
      client.close();
    }
    assert.ok(logs.some((l) => /require_ssl_reuse/.test(l)), 'the refusal is not in the server log');
  });

  it('the control connection\'s own session resumes: RETR and STOR work, passive and active', async () => {
    const { client, control } = await secureClient(t.port);
    try {
      for (const mode of ['EPSV', 'PORT'] as const) {
        const { data, reused, final } = await retr(client, mode, 'kept.bin', control.getSession());
        assert.equal(final.code, 226, `${mode}: ${final.text}`);
        assert.ok(reused, `${mode}: the handshake was not a resumption`);
        assert.equal(sha256(data), sha256(original));
      }
      const payload = randomBytes(300_000);
      assert.equal((await stor(client, 'kept.bin', payload, control.getSession())).code, 226);
      assert.equal(sha256(readFileSync(file('kept.bin'))), sha256(payload));
    } finally {
      client.close();
    }
  });

  it('a session another control connection got from this server (a valid ticket) does not take a victim\'s data connection', async () => {
    const victim = await secureClient(t.port);
    const stranger = await secureClient(t.port);
    try {
      const ticket = stranger.control.getSession()!;
      // The stranger's ticket is genuine: it resumes on the stranger's own data connection.
      const own = await retr(stranger.client, 'EPSV', 'kept.bin', ticket);
      assert.equal(own.final.code, 226, own.final.text);
      assert.ok(own.reused, 'the stranger\'s ticket did not even resume its own session');
      // The victim starts an upload; the stranger reaches the passive port first, with that ticket.
      const port = await epsv(victim.client);
      assert.equal((await victim.client.send('STOR kept.bin')).code, 150);
      const intruder = await tlsOn(await connectData(port), ticket);
      if (!intruder.data.destroyed) intruder.data.end('overwritten by someone else');
      const final = await victim.client.read();
      assert.equal(final.code, 522, final.text);
      assert.equal(intruder.reused, false, 'the stranger\'s ticket resumed the victim\'s data connection');
      assert.equal(sha256(readFileSync(file('kept.bin'))), sha256(original), 'the stranger wrote the victim\'s file');
    } finally {
      victim.client.close();
      stranger.client.close();
    }
  });

  it('garbage instead of a ClientHello: a one-line 425 in plain words; OpenSSL\'s text goes to the server log only', async () => {
    const { client } = await secureClient(t.port);
    try {
      for (const mode of ['EPSV', 'PORT'] as const) {
        const { raw, done } = await openData(client, mode, 'RETR kept.bin');
        raw.on('error', () => undefined);
        raw.write('this is not a TLS ClientHello\r\n');
        const r = await client.read();
        done();
        assert.equal(r.code, 425, r.text);
        assert.equal(r.lines.length, 1, r.text);
        assert.doesNotMatch(r.text, OPENSSL_TEXT);
        assert.match(r.text, /TLS negotiation on the data connection failed: what arrived was not TLS\.$/);
      }
    } finally {
      client.close();
    }
    assert.ok(logs.some((l) => /ERR_SSL_WRONG_VERSION_NUMBER: .*wrong version number/.test(l)), `no full error in the log:\n${logs.join('\n')}`);
  });

  it('a TLS record corrupted in mid-upload: 426 in plain words, without OpenSSL\'s text', async () => {
    const { client, control } = await secureClient(t.port);
    try {
      const port = await epsv(client);
      assert.equal((await client.send('STOR torn.bin')).code, 150);
      const raw = await connectData(port);
      const { data, reused } = await tlsOn(raw, control.getSession());
      assert.ok(reused);
      data.write(randomBytes(10_000));
      await sleep(100);
      // Written under the TLS layer: a well-formed record header (application data, TLS 1.2,
      // 32 bytes) around random bytes, which fail the server's integrity check.
      raw.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), randomBytes(32)]));
      const r = await client.read();
      assert.equal(r.code, 426, r.text);
      assert.doesNotMatch(r.text, OPENSSL_TEXT);
      assert.match(r.text, /integrity check/);
      data.destroy();
    } finally {
      client.close();
    }
  });

  it('a corrupted TLS record on the control connection closes it at once, with the reason in the log', async () => {
    const { client: control } = await ControlClient.connect(t.port);
    const raw = control.socket as net.Socket;
    try {
      assert.equal((await control.startTls()).code, 234);
      assert.equal((await control.send('NOOP')).code, 200);
      raw.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), randomBytes(32)]));
      await closed(control.socket, 5000);
    } finally {
      control.close();
    }
    assert.ok(logs.some((l) => /TLS control connection failed: ERR_SSL_\w*BAD_RECORD_MAC/.test(l)), logs.join('\n'));
  });

  it('SSCN ON (this server the TLS client) and a peer that answers in clear text: 425 in plain words', async () => {
    const { client } = await secureClient(t.port);
    const listener = await ActiveListener.open();
    try {
      assert.equal((await client.send('SSCN ON')).code, 200);
      assert.equal((await client.send(`PORT ${listener.portArg}`)).code, 200);
      assert.equal((await client.send('RETR kept.bin')).code, 150);
      (await listener.accept()).end('220 not TLS at all\r\n');
      const r = await client.read();
      assert.equal(r.code, 425, r.text);
      assert.doesNotMatch(r.text, OPENSSL_TEXT);
      assert.match(r.text, /\(as client\).*what arrived was not TLS/);
    } finally {
      listener.close();
      client.close();
    }
  });
});

describe('server TLS: require_ssl_reuse = NO', () => {
  let t: TestServer;
  before(async () => ({ t } = await tlsServer({ require_ssl_reuse: false })));
  after(() => t.stop());

  it('a fresh TLS session on the data connection is accepted', async () => {
    const payload = randomBytes(150_000);
    writeFileSync(path.join(t.root, 'any.bin'), payload);
    const { client } = await secureClient(t.port);
    try {
      const { data, reused, final } = await retr(client, 'EPSV', 'any.bin');
      assert.equal(final.code, 226, final.text);
      assert.equal(reused, false);
      assert.equal(sha256(data), sha256(payload));
      const upload = randomBytes(120_000);
      assert.equal((await stor(client, 'up.bin', upload)).code, 226);
      assert.equal(sha256(readFileSync(path.join(t.root, 'up.bin'))), sha256(upload));
    } finally {
      client.close();
    }
  });
});

describe('server TLS: Python ftplib, which never resumes the control session', () => {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((t) => t.stop())));

  /** RETR and STOR with stock FTP_TLS; prints each outcome, the reply of a refusal included. */
  const stockFtplib = (port: number) =>
    python(
      ftplibScript(
        port,
        'ftplib.FTP_TLS',
        `def attempt(name, run):
    try:
        print(name, run())
    except ftplib.error_perm as e:
        print(name, e)
    except (ssl.SSLError, OSError) as e:
        # An upload notices the closed connection first; the refusal is the next reply.
        try:
            print(name, ftp.getresp())
        except ftplib.error_perm as e:
            print(name, e)
attempt('RETR', lambda: ftp.retrbinary('RETR kept.bin', lambda d: None))
attempt('STOR', lambda: ftp.storbinary('STOR new.bin', io.BytesIO(b'x' * 300000)))
print('NOOP', ftp.voidcmd('NOOP'))
ftp.quit()`,
      ),
    );

  for (const reuse of [true, false]) {
    it(`stock FTP_TLS with prot_p, require_ssl_reuse = ${reuse ? 'YES: RETR and STOR get 522 and nothing is written' : 'NO: RETR and STOR work'}`, async () => {
      const { t } = await tlsServer({ require_ssl_reuse: reuse });
      servers.push(t);
      writeFileSync(path.join(t.root, 'kept.bin'), 'kept');
      const r = await stockFtplib(t.port);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, reuse ? /^RETR 522 .*session reuse required/m : /^RETR 226/m);
      assert.match(r.stdout, reuse ? /^STOR 522 .*session reuse required/m : /^STOR 226/m);
      assert.match(r.stdout, /^NOOP 200/m);
      assert.equal(existsSync(path.join(t.root, 'new.bin')), !reuse);
      assert.equal(readFileSync(path.join(t.root, 'kept.bin'), 'utf8'), 'kept');
    });
  }
});
