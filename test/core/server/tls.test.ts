import * as assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { startServer, Tunables } from '../../../src/core/server';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, tempDir, TEST_PASSWORD, TEST_USER, testPasswordHash, TestServer } from '../../helpers/ferry-server';
import { connectData, epsv, LocalFile, loggedIn, py, randomFile, rawTransfer, withBasicFtp } from '../../helpers/ftp-kit';
import { curl, lftp, python, run, sha256, sha256File } from '../../helpers/processes';
import { ftplibScript } from './tls-kit';

const TLS_LFTP = 'debug 5; set ftp:ssl-allow yes; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate no;';

/** A TLS-enabled server with a caller-owned state directory (the certificate cache). */
async function startTlsServer(stateDir: string, tunables: Partial<Tunables> = {}) {
  const root = tempDir();
  const server = await startServer({
    root,
    stateDir,
    users: [{ name: TEST_USER, passwordHash: await testPasswordHash(), perms: 'elradfmwMT' }],
    tunables: { listen_address: '127.0.0.1', listen_port: 0, ssl_enable: true, ...tunables },
  });
  return {
    server,
    root,
    port: server.address.port,
    stop: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** AUTH TLS on a fresh connection; returns the client and the fingerprint of the certificate it saw. */
async function tlsClient(port: number): Promise<{ client: ControlClient; fingerprint: string }> {
  const { client } = await ControlClient.connect(port);
  assert.equal((await client.startTls()).code, 234);
  const fingerprint = (client.socket as tls.TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
  return { client, fingerprint };
}

const fingerprintOf = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;

describe('server TLS: certificates', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('ferry-tls-');
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('generates a self-signed certificate into stateDir once; a second start reuses the same file', async () => {
    const stateDir = path.join(dir(), 'state');
    const certFile = path.join(stateDir, 'server-cert.pem');
    const first = await startTlsServer(stateDir);
    let seen: string;
    try {
      assert.equal(first.server.generatedCertificate, true);
      assert.equal(statSync(path.join(stateDir, 'server-key.pem')).mode & 0o077, 0, 'the private key is readable by others');
      const { client, fingerprint } = await tlsClient(first.port);
      seen = fingerprint;
      assert.equal(seen, fingerprintOf(certFile));
      assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
      client.close();
    } finally {
      await first.stop();
    }
    const pem = readFileSync(certFile, 'utf8');
    const second = await startTlsServer(stateDir);
    try {
      assert.equal(second.server.generatedCertificate, false);
      assert.equal(readFileSync(certFile, 'utf8'), pem, 'the certificate file was rewritten');
      const { client, fingerprint } = await tlsClient(second.port);
      assert.equal(fingerprint, seen, 'the second start presented another certificate');
      client.close();
    } finally {
      await second.stop();
    }
  });

  it('uses rsa_cert_file / rsa_private_key_file made by openssl req -x509 (also both in one file)', async () => {
    const d = dir();
    const cert = path.join(d, 'cert.pem');
    const key = path.join(d, 'key.pem');
    const r = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=ferry-tls-test', '-addext', 'subjectAltName=IP:127.0.0.1']);
    assert.equal(r.code, 0, r.stderr);
    const combined = path.join(d, 'combined.pem');
    writeFileSync(combined, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
    for (const tunables of [{ rsa_cert_file: cert, rsa_private_key_file: key }, { rsa_cert_file: combined }]) {
      const stateDir = path.join(d, 'unused-state');
      const s = await startTlsServer(stateDir, tunables);
      try {
        assert.equal(s.server.generatedCertificate, false);
        const { client, fingerprint } = await tlsClient(s.port);
        assert.equal(fingerprint, fingerprintOf(cert));
        assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
        client.close();
      } finally {
        await s.stop();
      }
      assert.throws(() => statSync(path.join(stateDir, 'server-cert.pem')), /ENOENT/, 'a certificate was generated although one was configured');
    }
  });
});

describe('server TLS: real clients with PROT P', () => {
  let s: Awaited<ReturnType<typeof startTlsServer>>;
  let stateDir: string;
  let work: string;
  let file: LocalFile;
  const remote = (name: string) => path.join(s.root, name);
  before(async () => {
    stateDir = tempDir('ferry-state-');
    work = tempDir('ferry-client-');
    s = await startTlsServer(stateDir);
    file = randomFile(work, 'payload.bin', 1536 * 1024 + 7);
  });
  after(async () => {
    await s.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('curl --ssl-reqd -k: upload and download over TLS keep the sha256, data protected and the TLS session reused', async () => {
    const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${s.port}/curl-tls.bin`;
    const up = await curl(['-v', '--ssl-reqd', '-k', '-T', file.path, url]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /^> AUTH (TLS|SSL)/m);
    assert.match(up.stderr, /^> PROT P/m);
    assert.equal(await sha256File(remote('curl-tls.bin')), file.sha);
    const local = path.join(work, 'curl-tls-down.bin');
    const down = await curl(['-v', '--ssl-reqd', '-k', '-o', local, url]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /^> PROT P/m);
    assert.match(down.stderr, /SSL re-using session ID/);
    assert.equal(await sha256File(local), file.sha);
  });

  // Active mode is driven by lftp and ftplib: curl 7.87-8.0 never starts TLS on an accepted
  // data connection (curl/curl#10666), so curl covers passive mode only.
  for (const passive of [true, false]) {
    it(`lftp with ftp:ssl-force and ftp:ssl-protect-data, ${passive ? 'passive' : 'active'}: put and get keep the sha256`, async () => {
      const name = `lftp-tls-${passive}.bin`;
      const local = path.join(work, `down-${name}`);
      const r = await lftp(s.port, `put ${file.path} -o ${name}; get ${name} -o ${local}`, `${TLS_LFTP} set ftp:passive-mode ${passive ? 'on' : 'off'};`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /---> AUTH TLS/);
      assert.match(r.stderr, /---> PROT P/);
      assert.match(r.stderr, passive ? /---> (PASV|EPSV)/ : /---> (PORT|EPRT) /);
      assert.equal(await sha256File(remote(name)), file.sha);
      assert.equal(await sha256File(local), file.sha);
    });
  }

  // Stock ftplib never resumes the control session on data connections, so require_ssl_reuse
  // (the default) refuses it, as vsftpd does (tls-reuse.test.ts); this is README's workaround.
  for (const passive of [true, false]) {
    it(`ftplib FTP_TLS with prot_p and the session passed on (README), ${passive ? 'passive' : 'active'}: storbinary and retrbinary keep the sha256`, async () => {
      const name = `ftplib-tls-${passive}.bin`;
      const script = ftplibScript(
        s.port,
        'ReusingFTP_TLS',
        `ftp.set_pasv(${passive ? 'True' : 'False'})
with open(${py(file.path)}, 'rb') as f:
    print('STORED', ftp.storbinary('STOR ${name}', f))
h = hashlib.sha256()
print('RETRIEVED', ftp.retrbinary('RETR ${name}', h.update))
print('SHA', h.hexdigest())
ftp.quit()`,
      );
      const r = await python(script);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /PROT 200/);
      assert.match(r.stdout, /STORED 226/);
      assert.match(r.stdout, /RETRIEVED 226/);
      assert.equal(/SHA ([0-9a-f]{64})/.exec(r.stdout)?.[1], file.sha);
      assert.equal(await sha256File(remote(name)), file.sha);
    });
  }

  it('basic-ftp secure: upload and download keep the sha256', async () => {
    const local = path.join(work, 'basic-tls-down.bin');
    await withBasicFtp(
      s.port,
      async (client) => {
        assert.equal((await client.uploadFrom(file.path, 'basic-tls.bin')).code, 226);
        assert.equal((await client.downloadTo(local, 'basic-tls.bin')).code, 226);
      },
      true,
    );
    assert.equal(await sha256File(remote('basic-tls.bin')), file.sha);
    assert.equal(await sha256File(local), file.sha);
  });

  it('the data connection resumes the control connection\'s TLS session (a fresh one is refused: tls-reuse.test.ts)', async () => {
    const payload = randomBytes(200_000);
    writeFileSync(remote('reuse.bin'), payload);
    const { client } = await tlsClient(s.port);
    try {
      assert.equal((await client.send('PBSZ 0')).code, 200);
      assert.equal((await client.send('PROT P')).code, 200);
      assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
      const control = client.socket as tls.TLSSocket;
      for (let i = 0; i < 2; i++) {
        const port = await epsv(client);
        assert.equal((await client.send('RETR reuse.bin')).code, 150);
        const raw = await connectData(port);
        const session = control.getSession();
        assert.ok(session, 'the control connection has no session to offer');
        const data = tls.connect({ socket: raw, session, rejectUnauthorized: false });
        await new Promise<void>((resolve, reject) => data.once('secureConnect', resolve).once('error', reject));
        assert.equal(data.isSessionReused(), true);
        const chunks: Buffer[] = [];
        data.on('data', (c: Buffer) => chunks.push(c));
        await new Promise((resolve) => data.once('end', resolve));
        data.end();
        assert.equal(sha256(Buffer.concat(chunks)), sha256(payload));
        assert.equal((await client.read()).code, 226);
      }
    } finally {
      client.close();
    }
  });

  /** A TLS session with PROT P whose RETR of a fresh file has answered 150 and waits for the data connection. */
  async function protectedRetrWaitingForData(name: string, content: string) {
    writeFileSync(remote(name), content);
    const { client } = await tlsClient(s.port);
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT P')).code, 200);
    assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
    const port = await epsv(client);
    assert.equal((await client.send(`RETR ${name}`)).code, 150);
    return { client, port };
  }

  it('PROT P but a plain (non-TLS) data connection: a one-line 425, and the session goes on', async () => {
    const { client, port } = await protectedRetrWaitingForData('plain-attempt.txt', 'not for plain eyes');
    try {
      const raw = await connectData(port);
      raw.on('error', () => undefined);
      raw.write('this is not a TLS ClientHello\r\n');
      const r = await client.read();
      assert.equal(r.code, 425, r.text);
      assert.equal(r.lines.length, 1, `multi-line reply: ${r.text}`);
      assert.match(r.text, /TLS/);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });

  it('PROT P and a data connection closed before the TLS handshake: 425 at once, not after connect_timeout', async () => {
    const { client, port } = await protectedRetrWaitingForData('handshake.txt', 'x');
    try {
      (await connectData(port)).end();
      // connect_timeout is 300 s here: a reply within the read's 10 s means the close was noticed.
      const r = await client.read(10_000);
      assert.equal(r.code, 425, r.text);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });

  it('command sequence: PBSZ before AUTH 503, PROT before PBSZ 503, CCC 534', async () => {
    const { client } = await ControlClient.connect(s.port);
    try {
      assert.equal((await client.send('PBSZ 0')).code, 503);
      assert.equal((await client.send('PROT P')).code, 503);
      assert.equal((await client.send('CCC')).code, 534);
      assert.equal((await client.startTls()).code, 234);
      assert.equal((await client.send('PROT P')).code, 503);
      assert.equal((await client.send('PBSZ 0')).code, 200);
      assert.equal((await client.send('PROT X')).code, 536);
      assert.equal((await client.send('PROT P')).code, 200);
      assert.equal((await client.send('CCC')).code, 534);
      assert.equal((await client.send('AUTH TLS')).code, 503);
      // The connection is still usable (and still encrypted) after the refusals.
      assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
      assert.ok((client.socket as tls.TLSSocket).encrypted);
    } finally {
      client.close();
    }
  });
});

describe('server TLS: disabled and forced', () => {
  let plain: TestServer;
  let forced: TestServer;
  before(async () => {
    plain = await startTestServer();
    forced = await startTestServer({ tunables: { force_tls: true } });
    writeFileSync(path.join(forced.root, 'secret.txt'), 'only over TLS');
  });
  after(async () => {
    await plain.stop();
    await forced.stop();
  });

  it('AUTH TLS answers 534 when ssl_enable is off, and FEAT does not offer it', async () => {
    const { client } = await ControlClient.connect(plain.port);
    try {
      assert.equal((await client.send('AUTH TLS')).code, 534);
      const feat = await client.send('FEAT');
      assert.equal(feat.code, 211);
      assert.doesNotMatch(feat.text, /AUTH TLS/);
      assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
    } finally {
      client.close();
    }
  });

  it('force_tls: USER on a plain connection answers 530; curl without TLS fails, with --ssl-reqd works', async () => {
    const { client } = await ControlClient.connect(forced.port);
    assert.equal((await client.send(`USER ${TEST_USER}`)).code, 530);
    assert.equal((await client.send(`PASS ${TEST_PASSWORD}`)).code, 503);
    client.close();
    const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${forced.port}/secret.txt`;
    const refused = await curl([url]);
    assert.notEqual(refused.code, 0);
    const ok = await curl(['--ssl-reqd', '-k', url]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'only over TLS');
  });

  it('force_tls: after AUTH TLS login works, PROT C is refused and transfers without PROT P answer 521', async () => {
    const { client } = await tlsClient(forced.port);
    try {
      assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
      assert.equal((await client.send('PBSZ 0')).code, 200);
      assert.equal((await client.send('PROT C')).code, 536);
      await epsv(client);
      for (const cmd of ['RETR secret.txt', 'STOR nope.txt', 'LIST']) assert.equal((await client.send(cmd)).code, 521, cmd);
      assert.equal((await client.send('PROT P')).code, 200);
      const port = await epsv(client);
      assert.equal((await client.send('RETR secret.txt')).code, 150);
      const data = tls.connect({ socket: await connectData(port), session: (client.socket as tls.TLSSocket).getSession(), rejectUnauthorized: false });
      const chunks: Buffer[] = [];
      data.on('data', (c: Buffer) => chunks.push(c));
      await new Promise((resolve) => data.once('end', resolve));
      data.end();
      assert.equal(Buffer.concat(chunks).toString(), 'only over TLS');
      assert.equal((await client.read()).code, 226);
    } finally {
      client.close();
    }
  });

  it('commands sent in clear text behind AUTH TLS are dropped, not run after the handshake (STARTTLS injection)', async () => {
    const { client } = await ControlClient.connect(forced.port);
    try {
      // One segment: AUTH TLS with two commands behind it, as an attacker on the path would add them.
      client.write(`AUTH TLS\r\nNOOP\r\nUSER ${TEST_USER}\r\n`);
      assert.equal((await client.read()).code, 234);
      await client.handshake();
      // Had the injected USER been run, PASS would log in (230), after NOOP's 200 and USER's 331.
      assert.equal((await client.send(`PASS ${TEST_PASSWORD}`)).code, 503);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });

  it('without force_tls a plain transfer still works on a TLS-capable server (PROT C is the default)', async () => {
    const client = await loggedIn(plain.port);
    writeFileSync(path.join(plain.root, 'clear.txt'), 'clear text');
    const { data, final } = await rawTransfer(client, 'EPSV', 'RETR clear.txt');
    assert.equal(final.code, 226);
    assert.equal(data.toString(), 'clear text');
    client.close();
  });
});
