/**
 * The explorer's commands in the extension host, in their scriptable form (arguments instead of questions):
 * sites and SecretStorage, test connection, imports, download/upload, chmod, new/rename, and a download that
 * resumes by itself when the server comes back after a dropped connection.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../../helpers/ferry-server';
import { activate, addSite, eventually, remote, removeSite } from './fixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);
const storedSites = () => vscode.workspace.getConfiguration('ferry').get<Record<string, unknown>[]>('sites', []);

describe('explorer: commands in the extension host', function () {
  this.timeout(90_000);
  let server: TestServer;
  let siteId: string;
  let local: string;

  before(async () => {
    await activate();
    server = await startTestServer({ tunables: { ssl_enable: true, local_umask: 0o022 } });
    siteId = await addSite({ name: 'Commands site', host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive' });
    local = mkdtempSync(path.join(os.tmpdir(), 'ferry-exthost-local-'));
  });
  after(async () => {
    for (const site of storedSites()) await removeSite(String(site.id));
    await server?.stop();
  });

  it('saves a site in the settings without its password and connects with the one in SecretStorage', async () => {
    const stored = storedSites().find((s) => s.id === siteId);
    assert.deepEqual(stored, { id: siteId, name: 'Commands site', host: '127.0.0.1', port: server.port, user: TEST_USER, tls: 'none', dataMode: 'passive' });
    assert.doesNotMatch(JSON.stringify(vscode.workspace.getConfiguration('ferry').inspect('sites')), new RegExp(TEST_PASSWORD));
    // No password prompt: a missing secret would open an input box and this would time out.
    writeFileSync(path.join(server.root, 'listed-with-stored-secret.txt'), 'x');
    const names = (await vscode.workspace.fs.readDirectory(remote(siteId, '/'))).map(([name]) => name);
    assert.ok(names.includes('listed-with-stored-secret.txt'), names.join(', '));
  });

  it('tests a connection and says what worked', async () => {
    const lines = await run<string[]>('ferry.testConnection', siteId);
    assert.ok(lines, 'the test connection succeeded');
    assert.match(lines[0], /^Encryption: none/);
    assert.match(lines[1], /^Data connections: passive mode works \((EPSV|PASV)\)/);
    assert.ok(lines.includes('Listings: MLSD, with exact sizes, times and permissions.'), lines.join('\n'));
    const cert = new X509Certificate(readFileSync(path.join(server.stateDir, 'server-cert.pem')));
    const tlsId = await addSite({ name: 'Commands TLS', host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, tls: 'explicit', certificate: { fingerprint256: cert.fingerprint256 } });
    const tlsLines = await run<string[]>('ferry.testConnection', tlsId);
    assert.match(tlsLines?.[0] ?? '', /^Encryption: TLS \(explicit\)/);
    const wrong = await addSite({ name: 'Commands wrong', host: '127.0.0.1', port: server.port, user: TEST_USER, password: 'wrong', tls: 'none' });
    assert.equal(await run('ferry.testConnection', wrong), undefined, 'a refused login is reported as a failure');
  });

  it('duplicates and removes sites, passwords included', async () => {
    const copy = await run<string>('ferry.duplicateSite', siteId);
    assert.ok(copy && copy !== siteId);
    assert.equal(storedSites().find((s) => s.id === copy)?.name, 'Commands site (copy)');
    assert.ok(Array.isArray(await vscode.workspace.fs.readDirectory(remote(copy, '/'))), 'the copy has the password too');
    assert.equal(await run('ferry.removeSite', copy), true);
    assert.equal(storedSites().some((s) => s.id === copy), false);
  });

  it('imports FileZilla and sftp.json sites, moving their passwords into SecretStorage', async () => {
    const xml = path.join(local, 'sitemanager.xml');
    writeFileSync(
      xml,
      `<?xml version="1.0" encoding="UTF-8"?><FileZilla3><Servers><Folder>Imported<Server><Host>127.0.0.1</Host><Port>${server.port}</Port><Protocol>6</Protocol>` +
        `<User>${TEST_USER}</User><Pass encoding="base64">${Buffer.from(TEST_PASSWORD).toString('base64')}</Pass><Logontype>1</Logontype><PasvMode>MODE_PASSIVE</PasvMode>` +
        `<Name>From FileZilla</Name></Server></Folder><Server><Host>x</Host><Protocol>1</Protocol><Name>ssh</Name></Server></Servers></FileZilla3>`,
    );
    const [fz] = await run<string[]>('ferry.importFileZilla', vscode.Uri.file(xml));
    assert.equal(storedSites().find((s) => s.id === fz)?.name, 'Imported/From FileZilla');
    const json = path.join(local, 'project', '.vscode', 'sftp.json');
    mkdirSync(path.dirname(json), { recursive: true });
    writeFileSync(json, `// comment\n{"name": "From sftp.json", "protocol": "ftp", "host": "127.0.0.1", "port": ${server.port}, "username": "${TEST_USER}", "password": "${TEST_PASSWORD}",}`);
    const [sj] = await run<string[]>('ferry.importSftpJson', vscode.Uri.file(json));
    assert.equal(storedSites().find((s) => s.id === sj)?.name, 'From sftp.json');
    writeFileSync(path.join(server.root, 'imported.txt'), 'ok');
    await run('ferry.refresh');
    for (const id of [fz, sj]) assert.equal(Buffer.from(await vscode.workspace.fs.readFile(remote(id, '/imported.txt'))).toString(), 'ok');
    assert.doesNotMatch(JSON.stringify(storedSites()), new RegExp(TEST_PASSWORD));
  });

  it('downloads and uploads files and folders', async () => {
    mkdirSync(path.join(server.root, 'dl', 'nested'), { recursive: true });
    writeFileSync(path.join(server.root, 'dl', 'a.txt'), 'A');
    writeFileSync(path.join(server.root, 'dl', 'nested', 'b.txt'), 'B');
    await run('ferry.refresh');
    const to = path.join(local, 'downloads');
    mkdirSync(to, { recursive: true });
    assert.equal(await run('ferry.download', remote(siteId, '/dl'), undefined, vscode.Uri.file(to)), true);
    assert.equal(readFileSync(path.join(to, 'dl', 'nested', 'b.txt'), 'utf8'), 'B');
    const file = path.join(local, 'up.txt');
    writeFileSync(file, 'uploaded');
    const folder = path.join(local, 'upfolder');
    mkdirSync(path.join(folder, 'deep'), { recursive: true });
    writeFileSync(path.join(folder, 'deep', 'c.txt'), 'C');
    assert.equal(await run('ferry.uploadFiles', remote(siteId, '/dl'), undefined, [vscode.Uri.file(file)]), true);
    assert.equal(await run('ferry.uploadFolder', remote(siteId, '/dl'), undefined, [vscode.Uri.file(folder)]), true);
    assert.equal(readFileSync(path.join(server.root, 'dl', 'up.txt'), 'utf8'), 'uploaded');
    assert.equal(readFileSync(path.join(server.root, 'dl', 'upfolder', 'deep', 'c.txt'), 'utf8'), 'C');
    const listed = (await vscode.workspace.fs.readDirectory(remote(siteId, '/dl'))).map(([name]) => name).sort();
    assert.deepEqual(listed, ['a.txt', 'nested', 'up.txt', 'upfolder'], 'the listing cache was refreshed after the upload');
  });

  it('changes modes, creates, renames and copies paths', async () => {
    writeFileSync(path.join(server.root, 'mode.txt'), 'm');
    await run('ferry.refresh', remote(siteId, '/mode.txt'));
    assert.equal(await run('ferry.chmod', remote(siteId, '/mode.txt'), undefined, '640'), 0o640);
    assert.equal(statSync(path.join(server.root, 'mode.txt')).mode & 0o777, 0o640);
    const made = await run<vscode.Uri>('ferry.newFolder', remote(siteId, '/'), undefined, 'made');
    assert.equal(made?.path, '/made');
    assert.ok(statSync(path.join(server.root, 'made')).isDirectory());
    const renamed = await run<vscode.Uri>('ferry.rename', remote(siteId, '/mode.txt'), undefined, 'renamed.txt');
    assert.equal(renamed?.path, '/renamed.txt');
    assert.ok(existsSync(path.join(server.root, 'renamed.txt')));
    assert.equal(await run('ferry.copyRemotePath', remote(siteId, '/renamed.txt')), '/renamed.txt');
    assert.equal(await vscode.env.clipboard.readText(), '/renamed.txt');
    assert.equal(await run('ferry.copyRemoteUrl', remote(siteId, '/renamed.txt')), `ftp://${TEST_USER}@127.0.0.1:${server.port}/%2Frenamed.txt`);
  });

  it('resumes a download by itself when the server comes back after a dropped connection', async () => {
    const content = randomBytes(800_000);
    const slow = await startTestServer({ tunables: { max_download_rate: 200_000 } });
    const port = slow.port;
    writeFileSync(path.join(slow.root, 'big.bin'), content);
    const slowId = await addSite({ name: 'Drops', host: '127.0.0.1', port, user: TEST_USER, password: TEST_PASSWORD, tls: 'none', dataMode: 'passive', maxConnections: 1 });
    const to = path.join(local, 'resume');
    mkdirSync(to, { recursive: true });
    const target = path.join(to, 'big.bin');
    const part = `${target}.part`;
    const first = run<boolean>('ferry.download', remote(slowId, '/big.bin'), undefined, vscode.Uri.file(to));
    let again: TestServer | undefined;
    try {
      await eventually('the first bytes', () => (existsSync(part) && statSync(part).size > 100_000 ? true : undefined));
      await slow.server.close();
      assert.equal(await first, false, 'the cut download reports failure');
      assert.ok(!existsSync(target), 'a partial download never has the final name');
      const partial = statSync(part).size;
      assert.ok(partial > 0 && partial < content.length, `partial file kept (${partial} bytes)`);
      // The same folder served again on the same port: the explorer reconnects and continues.
      again = await startTestServer({ root: slow.root, tunables: { listen_port: port } });
      const resumed: number[] = [];
      again.server.on('transfer-end', (t) => t.command.startsWith('RETR') && resumed.push(t.bytes));
      await eventually('the resumed download', () => (existsSync(target) && statSync(target).size === content.length && resumed.length > 0 ? true : undefined), 45_000);
      assert.ok(readFileSync(target).equals(content), 'the file is whole');
      assert.equal(resumed[0], content.length - partial, 'only the missing part was sent');
    } finally {
      await slow.server.close().catch(() => undefined);
      await again?.stop();
      rmSync(slow.root, { recursive: true, force: true });
      rmSync(slow.stateDir, { recursive: true, force: true });
    }
  });
});
