import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';

describe('server HASH command (draft-bryan-ftpext-hash)', () => {
  let t: TestServer;
  let client: ControlClient;
  const content = Buffer.from('hash me, please\n'.repeat(1000));
  before(async () => {
    t = await startTestServer();
    writeFileSync(path.join(t.root, 'h.txt'), content);
    ({ client } = await ControlClient.connect(t.port));
    await client.login(TEST_USER, TEST_PASSWORD);
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  it('advertises HASH with the selected algorithm starred', async () => {
    assert.match((await client.send('FEAT')).text, /^ HASH SHA-256\*;SHA-1;MD5;CRC32$/m);
  });

  for (const [name, digest] of [
    ['SHA-256', createHash('sha256').update(content).digest('hex')],
    ['SHA-1', createHash('sha1').update(content).digest('hex')],
    ['MD5', createHash('md5').update(content).digest('hex')],
    ['CRC32', zlib.crc32(content).toString(16).padStart(8, '0')],
  ]) {
    it(`answers ${name} digests equal to a local computation`, async () => {
      assert.equal((await client.send(`OPTS HASH ${name}`)).code, 200);
      const reply = await client.send('HASH h.txt');
      assert.equal(reply.text, `213 ${name} 0-${content.length} ${digest} /h.txt`);
    });
  }

  it('refuses unknown algorithms, missing files and directories', async () => {
    assert.equal((await client.send('OPTS HASH SHA-512')).code, 501);
    assert.equal((await client.send('HASH missing.txt')).code, 550);
    assert.equal((await client.send('HASH /')).code, 550);
  });
});
