import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Tunables } from '../../../src/core/server';
import { ControlClient, FtpReply, readAll } from '../../helpers/control-client';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { ActiveListener, connectData, epsv } from '../../helpers/ftp-kit';

/*
 * Shared by the TLS tests: TLS control and data connections driven by hand, so a test can
 * choose which session (if any) a data connection offers.
 */

/** What OpenSSL's own error text looks like; no reply may carry it. */
export const OPENSSL_TEXT = /openssl|SSL routines|\.c:\d|error:[0-9A-F]{8}|\.\.\/deps/i;

/** A TLS control connection with PBSZ 0, PROT P and a login: a client whose data must be protected. */
export async function secureClient(port: number, options: tls.ConnectionOptions = {}): Promise<{ client: ControlClient; control: tls.TLSSocket }> {
  const { client } = await ControlClient.connect(port);
  assert.equal((await client.startTls(options)).code, 234);
  assert.equal((await client.send('PBSZ 0')).code, 200);
  assert.equal((await client.send('PROT P')).code, 200);
  assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
  // TLS 1.3 tickets come after the handshake; the replies read since then have brought them.
  const control = client.socket as tls.TLSSocket;
  assert.ok(control.getSession(), 'the control connection has no TLS session to offer');
  return { client, control };
}

/**
 * The client side of TLS on a data connection; settles once the handshake is done (or the
 * server closed it), with whether it resumed `session` (asked then: a closed socket forgets).
 */
export async function tlsOn(raw: net.Socket, session?: Buffer, options: tls.ConnectionOptions = {}): Promise<{ data: tls.TLSSocket; reused: boolean }> {
  const data = tls.connect({ ...options, socket: raw, session, rejectUnauthorized: false });
  data.on('error', () => undefined);
  let reused = false;
  await new Promise<void>((resolve) => {
    data.once('secureConnect', () => {
      reused = data.isSessionReused();
      resolve();
    });
    data.once('close', resolve);
  });
  return { data, reused };
}

export type Mode = 'EPSV' | 'PORT';

/** Sets up a data connection in `mode`, sends `command` (expects 150) and returns the raw data socket the client holds. */
export async function openData(client: ControlClient, mode: Mode, command: string): Promise<{ raw: net.Socket; done: () => void }> {
  if (mode === 'EPSV') {
    const port = await epsv(client);
    const opening = await client.send(command);
    assert.equal(opening.code, 150, opening.text);
    return { raw: await connectData(port), done: () => undefined };
  }
  const listener = await ActiveListener.open();
  assert.equal((await client.send(`PORT ${listener.portArg}`)).code, 200);
  const opening = await client.send(command);
  assert.equal(opening.code, 150, opening.text);
  return { raw: await listener.accept(), done: () => listener.close() };
}

/** Downloads `name` over a TLS data connection that offers `session` (none: a fresh handshake). */
export async function retr(client: ControlClient, mode: Mode, name: string, session?: Buffer, options: tls.ConnectionOptions = {}): Promise<{ data: Buffer; reused: boolean; final: FtpReply }> {
  const { raw, done } = await openData(client, mode, `RETR ${name}`);
  try {
    const { data, reused } = await tlsOn(raw, session, options);
    const bytes = await readAll(data).catch(() => Buffer.alloc(0));
    return { data: bytes, reused, final: await client.read() };
  } finally {
    done();
  }
}

/** Uploads `payload` as `name` over a TLS data connection that offers `session`. */
export async function stor(client: ControlClient, name: string, payload: Buffer, session?: Buffer, options: tls.ConnectionOptions = {}): Promise<FtpReply> {
  const { raw } = await openData(client, 'EPSV', `STOR ${name}`);
  const { data } = await tlsOn(raw, session, options);
  if (!data.destroyed) data.end(payload);
  return client.read();
}

/** A server with FTPS on and short data timeouts, and its log lines. */
export async function tlsServer(tunables: Partial<Tunables> = {}): Promise<{ t: TestServer; logs: string[] }> {
  const t = await startTestServer({ tunables: { ssl_enable: true, connect_timeout: 10, accept_timeout: 10, ...tunables } });
  const logs: string[] = [];
  t.server.on('log', (line) => logs.push(line));
  return { t, logs };
}

/**
 * Python ftplib snippets shared by the TLS tests. Stock FTP_TLS never resumes the control
 * connection's TLS session on data connections (CPython's ntransfercmd passes no `session`),
 * so require_ssl_reuse refuses it, as vsftpd does; README gives this subclass as the fix.
 */
export const FTPLIB_REUSE = `class ReusingFTP_TLS(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size`;

/** A Python script that logs in over TLS with PROT P (`cls`: FTP_TLS or ReusingFTP_TLS) and runs `body`. */
export function ftplibScript(port: number, cls: 'ftplib.FTP_TLS' | 'ReusingFTP_TLS', body: string): string {
  return `import ftplib, hashlib, io, ssl
${FTPLIB_REUSE}
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ftp = ${cls}(context=ctx, timeout=20)
ftp.connect('127.0.0.1', ${port})
ftp.login('tester', 'secret')
print('PROT', ftp.prot_p())
${body}
`;
}
