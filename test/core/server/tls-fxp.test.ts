import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FerryClientError, FtpClient } from '../../../src/core/client';
import { copyFile } from '../../../src/core/fxp';
import { Tunables } from '../../../src/core/server';
import { startTestServer, TestServer } from '../../helpers/ferry-server';
import { siteFor } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

/**
 * TLS FXP between two Ferry servers. One server is the other's TLS client (SSCN ON or CPSV)
 * and cannot hold the other's control session, so a server with require_ssl_reuse (the
 * default) refuses to be the TLS server of such a copy, as vsftpd does.
 */
describe('server TLS: FXP between two Ferry servers and require_ssl_reuse', function () {
  this.timeout(60_000);
  const payload = randomBytes(2_000_000);
  const servers: TestServer[] = [];
  const clients: FtpClient[] = [];
  after(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function ferry(tunables: Partial<Tunables> = {}): Promise<{ server: TestServer; client: FtpClient }> {
    const server = await startTestServer({ tunables: { ssl_enable: true, allow_fxp: true, ...tunables } });
    servers.push(server);
    writeFileSync(path.join(server.root, 'src.bin'), payload);
    const client = new FtpClient({ ...siteFor({ name: 'ferry', port: server.port, tls: true, dataDir: server.root }, 'passive', true, { maxConnections: 3 }), certificate: 'insecure' });
    clients.push(client);
    return { server, client };
  }

  const copy = (src: FtpClient, dst: FtpClient, name: string, lines: string[], allowRelay = true) =>
    copyFile({ client: src, path: 'src.bin' }, { client: dst, path: name }, { allowRelay, stallTimeoutMs: 5000, log: (l) => lines.push(l) });
  const failedWays = (lines: string[]) => lines.filter((l) => /^FXP \(.*\) failed/.test(l));

  it('both with the default: no TLS FXP; after the refusals ("session reuse required") the relay, and the next copy skips the ways that failed', async () => {
    const a = await ferry();
    const b = await ferry();
    const lines: string[] = [];
    await assert.rejects(copy(a.client, b.client, 'never.bin', lines, false), (err: FerryClientError) => /session reuse/.test(err.message) && /require_ssl_reuse = NO/.test(err.describe()));
    // Six ways exist; after each server has said "session reuse required" once, the ways that
    // would make it the TLS server are skipped. (A third try happens if a refusal's reply comes
    // after its partner's bare failure: then that server is only learned on the next refusal.)
    assert.ok(failedWays(lines).length <= 3, lines.join('\n'));
    const relayed: string[] = [];
    const result = await copy(a.client, b.client, 'relayed.bin', relayed);
    assert.equal(result.method, 'relay');
    assert.ok(failedWays(relayed).length <= 1, `ways known to fail were tried again:\n${relayed.join('\n')}`);
    assert.equal(sha256(readFileSync(path.join(b.server.root, 'relayed.bin'))), sha256(payload));
  });

  for (const relaxed of ['source', 'target'] as const) {
    it(`require_ssl_reuse = NO on the ${relaxed}: TLS FXP works, with the other one as TLS client (at most one refusal, none on the next copy)`, async () => {
      const src = await ferry(relaxed === 'source' ? { require_ssl_reuse: false } : {});
      const dst = await ferry(relaxed === 'target' ? { require_ssl_reuse: false } : {});
      for (const [i, name] of ['one.bin', 'two.bin'].entries()) {
        const lines: string[] = [];
        const result = await copy(src.client, dst.client, name, lines, false);
        assert.equal(result.method, 'fxp');
        assert.equal(result.protection, 'sscn');
        assert.equal(result.clientBytes, 0);
        assert.ok(failedWays(lines).length <= (i === 0 ? 1 : 0), lines.join('\n'));
        assert.equal(sha256(readFileSync(path.join(dst.server.root, name))), sha256(payload));
      }
    });
  }
});
