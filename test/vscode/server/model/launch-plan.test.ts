import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ConfigError, defaultTunables, Override } from '../../../../src/core/server';
import { exposesClearText, isLoopback, planLaunch } from '../../../../src/vscode/server/model/launch-plan';
import { testPasswordHash } from '../../../helpers/ferry-server';

const setting = (text: string, name = 'ferry.server.x'): Override => ({ text, source: name });
const FILE = path.resolve('/ws/mini_ftpd.conf');

describe('Serve command: launch plan', () => {
  it('starts from the table\'s defaults on port 2121, loopback only, no anonymous, with a generated user', () => {
    const plan = planLaunch({ settings: [] });
    assert.deepEqual(plan.tunables, defaultTunables());
    assert.equal(plan.tunables.listen_port, 2121);
    assert.equal(plan.tunables.listen_address, '127.0.0.1');
    assert.equal(plan.tunables.anonymous_enable, false);
    assert.equal(plan.needsGeneratedUser, true);
    assert.equal(plan.configFile, undefined);
  });

  it('applies settings, and the config file wins for the keys it sets', async () => {
    const text = `# workspace config\nlisten_port = 3021\nuser = alice:${await testPasswordHash()}:elr:pub\n`;
    const plan = planLaunch({
      settings: [setting('listen_port=4021'), setting('max_conns_per_ip=3'), setting('anonymous_enable=YES')],
      config: { file: FILE, text },
    });
    assert.equal(plan.tunables.listen_port, 3021, 'file over settings');
    assert.equal(plan.tunables.max_conns_per_ip, 3, 'settings where the file says nothing');
    assert.equal(plan.tunables.anonymous_enable, true);
    assert.deepEqual([...plan.fileKeys], [['listen_port', 2]]);
    assert.deepEqual(plan.users.map((u) => [u.name, u.root]), [['alice', path.resolve('/ws/pub')]]);
    assert.equal(plan.needsGeneratedUser, false);
    assert.equal(plan.configFile, FILE);
  });

  it('needs no generated user when anonymous access is on', () => {
    assert.equal(planLaunch({ settings: [setting('anonymous_enable=YES')] }).needsGeneratedUser, false);
  });

  it('refuses a bad config file with every problem and its line', () => {
    try {
      planLaunch({ settings: [], config: { file: FILE, text: 'listen_port = 2121\nlisten_prot = 1\nuser = bob:plain:elr' } });
      assert.fail('planned');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, FILE);
      assert.deepEqual(err.problems.map((p) => p.line), [2, 3]);
    }
  });

  it('refuses a bad setting under the name "settings", naming the setting', () => {
    assert.throws(
      () => planLaunch({ settings: [setting('max_login_fails=0', 'ferry.server.maxLoginFails')] }),
      (err: unknown) => err instanceof ConfigError && err.file === 'settings' && /^settings: ferry\.server\.maxLoginFails: max_login_fails must be between 1/.test(err.message),
    );
  });

  it('warns about clear text only for plain FTP on a non-loopback address', () => {
    const t = defaultTunables();
    assert.equal(exposesClearText(t), false);
    assert.equal(exposesClearText({ ...t, listen_address: '0.0.0.0' }), true);
    assert.equal(exposesClearText({ ...t, listen_address: '0.0.0.0', force_tls: true }), false);
    assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '0.0.0.0', '::', '192.168.1.2'].map(isLoopback), [true, true, true, true, false, false, false]);
  });
});
