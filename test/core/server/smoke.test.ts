import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ControlClient } from '../../helpers/control-client';
import { startTestServer, TestServer, TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';
import { curl } from '../../helpers/processes';

describe('server smoke: curl round trip', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer()));
  after(() => t.stop());

  it('greets with 220 and logs in with 230', async () => {
    const { client, greeting } = await ControlClient.connect(t.port);
    assert.equal(greeting.code, 220);
    assert.equal((await client.login(TEST_USER, TEST_PASSWORD)).code, 230);
    assert.equal((await client.send('QUIT')).code, 221);
  });

  it('uploads with curl and reads the same bytes back from disk', async () => {
    const local = path.join(t.root, '..', `smoke-${t.port}.txt`);
    writeFileSync(local, 'smoke test payload\n');
    const up = await curl(['-T', local, `${t.url}/uploaded.txt`]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(readFileSync(path.join(t.root, 'uploaded.txt'), 'utf8'), 'smoke test payload\n');
  });
});
