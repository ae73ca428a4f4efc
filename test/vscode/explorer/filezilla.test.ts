import * as assert from 'node:assert/strict';
import { parseFileZillaSites, parseRemoteDir } from '../../../src/vscode/explorer/model/filezilla';
import { parseXml } from '../../../src/vscode/explorer/model/xml';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A site manager file as FileZilla 3.6x writes it: folders, several protocols, base64 passwords, entities. */
const SITEMANAGER = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<!-- written by FileZilla -->
<FileZilla3 version="3.66.4" platform="linux">
  <Servers>
    <Server>
      <Host>ftp.example.com</Host>
      <Port>21</Port>
      <Protocol>0</Protocol>
      <Type>0</Type>
      <User>alice</User>
      <Pass encoding="base64">${b64('s3cret &amp; more')}</Pass>
      <Logontype>1</Logontype>
      <PasvMode>MODE_DEFAULT</PasvMode>
      <EncodingType>Auto</EncodingType>
      <Name>Tom &amp; Jerry&apos;s</Name>
      <RemoteDir>1 0 4 home 5 alice 8 www data</RemoteDir>
    </Server>
    <Folder expanded="1">Work
      <Server>
        <Host>10.0.0.5</Host>
        <Port>990</Port>
        <Protocol>3</Protocol>
        <User>bob</User>
        <Pass encoding="base64">${b64('pässwort')}</Pass>
        <Logontype>1</Logontype>
        <PasvMode>MODE_ACTIVE</PasvMode>
        <EncodingType>Custom</EncodingType>
        <CustomEncoding>ISO-8859-1</CustomEncoding>
        <MaximumMultipleConnections>4</MaximumMultipleConnections>
        <Name>Legacy</Name>
      </Server>
      <Folder>Nested
        <Server><Host>plain.example.org</Host><Protocol>6</Protocol><Logontype>0</Logontype><User>anonymous</User><PasvMode>MODE_PASSIVE</PasvMode><Name>Mirror</Name></Server>
      </Folder>
    </Folder>
    <Server><Host>sftp.example.com</Host><Port>22</Port><Protocol>1</Protocol><Name>SSH box</Name></Server>
    <Server><Host>locked.example.com</Host><Protocol>4</Protocol><User>carol</User><Pass encoding="crypt" pubkey="abc">xyz</Pass><Logontype>1</Logontype><Name>Locked</Name></Server>
  </Servers>
</FileZilla3>`;

describe('explorer: FileZilla sitemanager.xml import', () => {
  const result = parseFileZillaSites(SITEMANAGER);

  it('imports the FTP, FTPS and FTPES sites with folder names as prefixes', () => {
    assert.deepEqual(
      result.sites.map((s) => s.site.name),
      ["Tom & Jerry's", 'Work/Legacy', 'Work/Nested/Mirror', 'Locked'],
    );
  });

  it('maps protocol, port, user, password, data mode, folder and encoding', () => {
    const [first, legacy, mirror, locked] = result.sites;
    assert.deepEqual(first, {
      site: { name: "Tom & Jerry's", host: 'ftp.example.com', port: 21, user: 'alice', tls: 'explicit', dataMode: 'auto', remotePath: '/home/alice/www data', encoding: undefined, maxConnections: undefined },
      password: 's3cret &amp; more',
    });
    assert.equal(legacy.site.tls, 'implicit');
    assert.equal(legacy.site.port, 990);
    assert.equal(legacy.site.dataMode, 'active');
    assert.equal(legacy.site.encoding, 'latin1');
    for (const [custom, expected] of [['GBK', 'gbk'], ['Big5', 'big5'], ['Shift_JIS', 'shift_jis'], ['latin-1', 'latin1'], ['x-unknown', undefined]]) {
      const [, site] = parseFileZillaSites(SITEMANAGER.replace('<CustomEncoding>ISO-8859-1</CustomEncoding>', `<CustomEncoding>${custom}</CustomEncoding>`)).sites;
      assert.equal(site.site.encoding, expected, custom);
    }
    assert.equal(legacy.site.maxConnections, 4);
    assert.equal(legacy.password, 'pässwort');
    assert.equal(mirror.site.tls, 'none');
    assert.equal(mirror.site.user, undefined, 'anonymous logon type');
    assert.equal(mirror.password, undefined);
    assert.equal(mirror.site.dataMode, 'passive');
    assert.equal(locked.site.tls, 'explicit');
    assert.equal(locked.password, undefined, 'a master-password-protected password cannot be read');
  });

  it('reports what it skipped and why', () => {
    assert.deepEqual(result.skipped, [{ name: 'SSH box', reason: 'not an FTP site (SFTP or another protocol)' }]);
  });

  it('decodes FileZilla remote directories', () => {
    assert.equal(parseRemoteDir('1 0 4 home 5 alice'), '/home/alice');
    assert.equal(parseRemoteDir('1 0'), '/');
    assert.equal(parseRemoteDir('1 0 3 a b'), '/a b');
    assert.equal(parseRemoteDir(''), undefined);
    assert.equal(parseRemoteDir('x'), undefined);
    assert.equal(parseRemoteDir('1 0 z'), undefined);
  });

  it('refuses files that are not a site manager or not well-formed', () => {
    assert.throws(() => parseFileZillaSites('<FileZilla3><Servers></FileZilla3>'), /unexpected <\/FileZilla3>/);
    assert.throws(() => parseFileZillaSites('<other/>'), /not a FileZilla site manager/);
    assert.throws(() => parseXml('<a><b></b>'), /<a> is not closed/);
  });

  it('parses attributes, entities and CDATA', () => {
    const doc = parseXml(`<r a='1' b="&lt;x&gt;"><![CDATA[<raw>]]>&#65;&#x42;</r>`);
    const r = doc.children[0] as { attributes: Record<string, string>; children: string[] };
    assert.deepEqual(r.attributes, { a: '1', b: '<x>' });
    assert.deepEqual(r.children, ['<raw>', 'AB']);
  });
});
