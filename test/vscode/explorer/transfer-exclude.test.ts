import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSftpJson } from '../../../src/vscode/explorer/model/sftp-json';
import { runTransferJob } from '../../../src/vscode/explorer/model/transfer-job';
import { filesBelow } from '../../helpers/files';
import { startTestServer, tempDir, TestServer } from '../../helpers/ferry-server';
import { explorerModel, loopbackSite } from './remote-fixture';


describe('explorer: a folder transfer leaves out sftp.json\'s ignore list', function () {
  this.timeout(30_000);
  let server: TestServer;
  let local: string;
  beforeEach(async () => {
    server = await startTestServer();
    local = tempDir('ferry-explorer-exclude-');
  });
  afterEach(async () => {
    await server.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('uploads a folder without what the imported site excludes; a file picked by itself still goes', async () => {
    const [imported] = parseSftpJson('{ "protocol": "ftp", "host": "h", // JSONC\n "ignore": [".vscode", "/.git", "**/*.map",], }', 'p').sites;
    const exclude = imported.site.exclude!;
    for (const rel of ['site/index.html', 'site/app.js', 'site/app.js.map', 'site/.vscode/sftp.json', 'site/.git/HEAD', 'site/lib/x.js.map', 'lone.js.map']) {
      mkdirSync(path.dirname(path.join(local, rel)), { recursive: true });
      writeFileSync(path.join(local, rel), rel);
    }
    const { clients } = explorerModel({ ferry: loopbackSite(server.port) });
    try {
      const { client } = await clients.connected('ferry');
      const items = [
        { local: path.join(local, 'site'), remote: '/www', folder: true },
        { local: path.join(local, 'lone.js.map'), remote: '/lone.js.map', folder: false },
      ];
      const done = await runTransferJob(client, { direction: 'upload', siteId: 'ferry', items }, { exclude });
      assert.deepEqual(filesBelow(server.root), ['lone.js.map', 'www/app.js', 'www/index.html']);
      assert.equal(done.files, 3);
    } finally {
      clients.dispose();
    }
  });
});
