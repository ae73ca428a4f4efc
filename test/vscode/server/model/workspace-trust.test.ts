import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { planLaunch } from '../../../../src/vscode/server/model/launch-plan';
import { explicitValue, setInWorkspace, urlReach } from '../../../../src/vscode/server/model/workspace-trust';
import { restrictedConfigurations, serverConfiguration } from '../../../../src/vscode/server/settings-schema';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const FILE = path.resolve('/ws/mini_ftpd.conf');

describe('Serve command: workspace trust and remote windows', () => {
  it('takes only the user\'s value of a setting in an untrusted workspace, the nearest level in a trusted one', () => {
    const levels = { globalValue: '127.0.0.1', workspaceValue: '0.0.0.0', workspaceFolderValue: '192.0.2.1' };
    assert.equal(explicitValue(levels, true), '192.0.2.1');
    assert.equal(explicitValue({ globalValue: 'a', workspaceValue: 'b' }, true), 'b');
    assert.equal(explicitValue(levels, false), '127.0.0.1');
    assert.equal(explicitValue({ workspaceValue: true }, false), undefined, 'a workspace-only value is dropped');
    assert.equal(setInWorkspace({ workspaceFolderValue: false }), true, 'false is a value too');
    assert.equal(setInWorkspace({ globalValue: true }), false);
    assert.equal(setInWorkspace(undefined), false);
  });

  it('never applies the workspace\'s mini_ftpd.conf in Restricted Mode, even when it is passed', () => {
    const config = { file: FILE, text: 'anonymous_enable = YES\nlisten_address = 0.0.0.0\nallow_fxp = YES\n' };
    const trusted = planLaunch({ settings: [], config });
    assert.equal(trusted.tunables.anonymous_enable, true);
    const restricted = planLaunch({ settings: [], config, restricted: { ignored: ['mini_ftpd.conf'] } });
    assert.equal(restricted.tunables.anonymous_enable, false);
    assert.equal(restricted.tunables.listen_address, '127.0.0.1');
    assert.equal(restricted.tunables.allow_fxp, false);
    assert.equal(restricted.configFile, undefined);
    assert.equal(restricted.needsGeneratedUser, true, 'the generated user is the login');
    assert.deepEqual(restricted.restricted, { ignored: ['mini_ftpd.conf'] });
  });

  it('declares every access-widening setting as restricted in package.json, exactly as the generator derives it', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    // The description is localized: the manifest names a key, package.nls.json holds the English text.
    const key = /^%(.+)%$/.exec(untrusted.description)?.[1];
    assert.ok(key, untrusted.description);
    assert.match(nls[key], /Restricted Mode.*mini_ftpd\.conf/);
    assert.deepEqual(untrusted.restrictedConfigurations, restrictedConfigurations(), 'run npm run generate:settings');
    const contributed = Object.keys(serverConfiguration().properties);
    for (const name of untrusted.restrictedConfigurations) assert.ok(contributed.includes(name), `${name} is a contributed setting`);
    for (const name of ['configFile', 'listenAddress', 'anonymousEnable', 'anonPerms', 'allowFxp', 'localRoot', 'forceTls', 'maximumClients']) {
      assert.ok(untrusted.restrictedConfigurations.includes(`ferry.server.${name}`), name);
    }
    assert.equal(untrusted.restrictedConfigurations.includes('ferry.server.listenPort'), false, 'a port widens nothing');
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
    assert.deepEqual(manifest.extensionKind, ['workspace', 'ui']);
  });

  it('says a URL is on the remote host in a remote window', () => {
    assert.equal(urlReach(undefined, true), 'local');
    assert.equal(urlReach('', false), 'local');
    assert.equal(urlReach('ssh-remote', true), 'remote-loopback');
    assert.equal(urlReach('wsl', false), 'remote-network');
  });
});
