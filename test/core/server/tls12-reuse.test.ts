import * as assert from 'node:assert/strict';
import { constants, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { connectData, epsv } from '../../helpers/ftp-kit';
import { curl, sha256 } from '../../helpers/processes';
import { retr, secureClient, tlsOn, tlsServer } from './tls-kit';

/**
 * TLS 1.2 without session tickets resumes by session ID, which needs a session cache on the
 * server; curl turns tickets off, so this is how curl resumes whenever TLS 1.3 is not used.
 * Under require_ssl_reuse (the default) the control session's own ID must resume, and no other.
 */
const NO_TICKETS: tls.ConnectionOptions = { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET };

describe('server TLS: require_ssl_reuse with TLS 1.2 session IDs (no tickets)', () => {
  let t: TestServer;
  const original = randomBytes(250_000);
  const file = (name: string) => path.join(t.root, name);
  before(async () => ({ t } = await tlsServer()));
  after(() => t.stop());
  beforeEach(() => writeFileSync(file('kept.bin'), original));

  it('curl limited to TLS 1.2: download and upload work (the data connections resume by session ID)', async () => {
    const url = `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${t.port}`;
    const local = path.join(t.root, 'curl-down.bin');
    const down = await curl(['-v', '--ssl-reqd', '-k', '--tls-max', '1.2', '-o', local, `${url}/kept.bin`]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /SSL connection using TLSv1\.2/);
    assert.equal(sha256(readFileSync(local)), sha256(original));
    const up = await curl(['--ssl-reqd', '-k', '--tls-max', '1.2', '-T', local, `${url}/curl-up.bin`]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(sha256(readFileSync(file('curl-up.bin'))), sha256(original));
  });

  it('the control session\'s ID resumes; the ID of another control connection\'s session gets 522 and writes nothing', async () => {
    const victim = await secureClient(t.port, NO_TICKETS);
    const stranger = await secureClient(t.port, NO_TICKETS);
    try {
      assert.equal(victim.control.getProtocol(), 'TLSv1.2');
      const own = await retr(victim.client, 'EPSV', 'kept.bin', victim.control.getSession(), NO_TICKETS);
      assert.equal(own.final.code, 226, own.final.text);
      assert.ok(own.reused, 'the control session\'s ID did not resume');
      assert.equal(sha256(own.data), sha256(original));
      const port = await epsv(victim.client);
      assert.equal((await victim.client.send('STOR kept.bin')).code, 150);
      const intruder = await tlsOn(await connectData(port), stranger.control.getSession(), NO_TICKETS);
      if (!intruder.data.destroyed) intruder.data.end('overwritten by someone else');
      const final = await victim.client.read();
      assert.equal(final.code, 522, final.text);
      assert.equal(intruder.reused, false);
      assert.equal(sha256(readFileSync(file('kept.bin'))), sha256(original), 'the stranger wrote the victim\'s file');
    } finally {
      victim.client.close();
      stranger.client.close();
    }
  });
});
