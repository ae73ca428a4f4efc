import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NAME_ENCODINGS } from '../../../src/core/client/name-encodings';
import { isPort, parsePortRange, readSite, readSites, remoteUrl, SiteConfig, slugify, storedForm, toSiteSettings, uniqueSiteId } from '../../../src/vscode/explorer/model/site-config';

const base: SiteConfig = { id: 'shop', name: 'Shop', host: 'ftp.example.com', tls: 'explicit', dataMode: 'auto' };

describe('explorer: site settings', () => {
  it('derives ids usable as URI authorities from names', () => {
    assert.equal(slugify('My Shop (live)!'), 'my-shop-live');
    assert.equal(slugify('Café Zürich'), 'cafe-zurich');
    assert.equal(slugify('中文站点'), 'site');
    assert.equal(slugify('x'.repeat(60)).length, 40);
    assert.equal(uniqueSiteId('Shop', ['shop', 'shop-2']), 'shop-3');
    assert.equal(uniqueSiteId('Other', ['shop']), 'other');
  });

  it('parses port ranges and ports', () => {
    assert.deepEqual(parsePortRange('50000-50100'), [50000, 50100]);
    assert.deepEqual(parsePortRange(' 1 - 1 '), [1, 1]);
    assert.equal(parsePortRange('50100-50000'), undefined);
    assert.equal(parsePortRange('0-10'), undefined);
    assert.equal(parsePortRange('1-70000'), undefined);
    assert.equal(parsePortRange('50000'), undefined);
    assert.equal(isPort('21'), true);
    assert.equal(isPort('0'), false);
    assert.equal(isPort('65536'), false);
    assert.equal(isPort('2x'), false);
  });

  it('reads a hand-written entry with defaults', () => {
    assert.deepEqual(readSite({ id: 'a', host: ' h ', port: 2121, tls: 'bogus', dataMode: 'active', encoding: 'cp936', listTimeOffsetMinutes: 480, maxConnections: 3.7 }), {
      id: 'a',
      name: 'h',
      host: 'h',
      port: 2121,
      user: undefined,
      tls: 'none',
      certificate: undefined,
      dataMode: 'active',
      activeAddress: undefined,
      activePortRange: undefined,
      remotePath: undefined,
      encoding: 'gbk',
      listTimeOffsetMinutes: 480,
      maxConnections: 3,
      exclude: undefined,
    });
    // Exclude patterns (sftp.json's ignore): strings kept, anything else dropped.
    assert.deepEqual((readSite({ id: 'a', host: 'h', exclude: ['node_modules', 3, '*.log'] }) as SiteConfig).exclude, ['node_modules', '*.log']);
    // auto is the default (left out), unknown names and offsets beyond ±14 h are dropped.
    assert.equal((readSite({ id: 'a', host: 'h', encoding: 'auto' }) as SiteConfig).encoding, undefined);
    assert.equal((readSite({ id: 'a', host: 'h', encoding: 'klingon' }) as SiteConfig).encoding, undefined);
    assert.equal((readSite({ id: 'a', host: 'h', listTimeOffsetMinutes: 900 }) as SiteConfig).listTimeOffsetMinutes, undefined);
  });

  it('reads certificate policies: verify, insecure, a pinned fingerprint', () => {
    const pin = 'AB:'.repeat(31) + 'AB';
    assert.equal((readSite({ ...base, certificate: 'insecure' }) as SiteConfig).certificate, 'insecure');
    assert.deepEqual((readSite({ ...base, certificate: { fingerprint256: pin } }) as SiteConfig).certificate, { fingerprint256: pin });
    assert.equal((readSite({ ...base, certificate: 'nonsense' }) as SiteConfig).certificate, undefined);
  });

  it('explains entries it cannot use and skips duplicate ids', () => {
    assert.match(readSite(null) as string, /not an object/);
    assert.match(readSite({ id: 'Bad Id', host: 'h' }) as string, /invalid id/);
    assert.match(readSite({ id: 'ok' }) as string, /no host/);
    const { sites, problems } = readSites([{ id: 'a', host: 'h1' }, { id: 'a', host: 'h2' }, 5]);
    assert.deepEqual(sites.map((s) => s.host), ['h1']);
    assert.deepEqual(problems, ['ferry.sites[1]: duplicate id a', 'ferry.sites[2]: not an object']);
    assert.deepEqual(readSites(undefined), { sites: [], problems: [] });
  });

  it('stores only what is set, and never a password', () => {
    const stored = storedForm({ ...base, user: undefined, remotePath: '' });
    assert.deepEqual(stored, { id: 'shop', name: 'Shop', host: 'ftp.example.com', tls: 'explicit', dataMode: 'auto' });
    assert.equal(Object.keys(readSite({ ...base, password: 'x' }) as SiteConfig).includes('password'), false, 'readSite drops a password written into settings');
  });

  it('offers in the settings schema exactly the encodings the client knows', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    const explorer = manifest.contributes.configuration.find((c: { id: string }) => c.id === 'ferry-explorer');
    const encoding = explorer.properties['ferry.sites'].items.properties.encoding;
    assert.deepEqual(encoding.enum, NAME_ENCODINGS.map((e) => e.name));
    assert.equal(encoding.default, 'auto');
  });

  it('builds the client core settings', () => {
    const log = () => undefined;
    const settings = toSiteSettings({ ...base, port: 990, tls: 'implicit', user: 'u', activePortRange: '50000-50010', certificate: 'insecure' }, 'pw', log);
    assert.deepEqual({ ...settings, log: undefined }, {
      host: 'ftp.example.com',
      port: 990,
      user: 'u',
      password: 'pw',
      tls: 'implicit',
      certificate: 'insecure',
      dataMode: 'auto',
      activeAddress: undefined,
      activePortRange: [50000, 50010],
      encoding: undefined,
      listTimeOffsetMinutes: undefined,
      maxConnections: undefined,
      log: undefined,
    });
    assert.equal(settings.log, log);
  });

  it('writes URLs the CLI, curl and lftp read, without the password', () => {
    assert.equal(remoteUrl({ ...base, user: 'a b' }, '/var/www/x y.html'), 'ftpes://a%20b@ftp.example.com/%2Fvar/www/x%20y.html');
    assert.equal(remoteUrl({ ...base, tls: 'none', port: 2121 }, 'rel/file'), 'ftp://ftp.example.com:2121/rel/file');
    assert.equal(remoteUrl({ ...base, tls: 'implicit', host: '::1' }, '/'), 'ftps://[::1]/%2F');
  });
});
