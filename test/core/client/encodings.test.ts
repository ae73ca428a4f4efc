import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { FtpClient, NameEncoding, NameEncodingError, SiteSettings } from '../../../src/core/client';
import { copyFile, TransferQueue } from '../../../src/core/fxp';
import { tempDir, TEST_PASSWORD } from '../../helpers/ferry-server';
import { ensurePeers, externalPeers, ferryPeer, Peer, siteFor } from '../../helpers/peers';
import { sha256 } from '../../helpers/processes';

/** A path below a peer's data dir whose components are raw bytes (Node takes Buffer paths as bytes). */
function bytePath(peer: Peer, ...parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(peer.dataDir), ...parts.flatMap((p) => [Buffer.from('/'), p])]);
}

/** Creates a file or directory with a byte name in the peer's data dir, owned like the dir (the peers run as "ftppeer"). */
function makeOnPeer(peer: Peer, parts: Buffer[], content?: Buffer): Buffer {
  const target = bytePath(peer, ...parts);
  if (content) writeFileSync(target, content);
  else mkdirSync(target);
  const owner = statSync(peer.dataDir);
  chownSync(target, owner.uid, owner.gid);
  return target;
}

/** The raw names in a directory on disk, as hex (what the server stored). */
function namesOnDisk(dir: Buffer): string[] {
  return readdirSync(dir, { encoding: 'buffer' })
    .map((n) => n.toString('hex'))
    .sort();
}

const hexOf = (text: string, encoding: string) => iconv.encode(text, encoding).toString('hex');

/** Names of the tests per encoding: stored as these bytes on the server's disk. */
const SAMPLES: Record<'gbk' | 'shift_jis', { files: string[]; upload: string; renamed: string }> = {
  gbk: { files: ['中文文件.txt', '报告 2024.doc'], upload: '上传的文件.bin', renamed: '改名后.txt' },
  // Not "ソ" (83 5C) or "表" (95 5C): their second byte is "\", and pure-ftpd refuses such names (553 Prohibited file name).
  shift_jis: { files: ['日本語のファイル.txt', 'ファイル 2024.doc'], upload: 'アップロード.bin', renamed: '名前変更.txt' },
};

describe('client: legacy name encodings against vsftpd and pure-ftpd (names stored as raw bytes)', function () {
  this.timeout(120_000);
  let local: string;
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    local = tempDir('ferry-enc-');
  });
  after(() => rmSync(local, { recursive: true, force: true }));

  const site = (peer: Peer, encoding: NameEncoding, extra: Partial<SiteSettings> = {}) => siteFor(peer, 'passive', false, { encoding, ...extra });

  const cases = ['vsftpd', 'pure-ftpd'].flatMap((peerName) => [
    { peerName, encoding: 'gbk' as const, tls: false },
    { peerName, encoding: 'gbk' as const, tls: true },
    { peerName, encoding: 'shift_jis' as const, tls: false },
  ]);
  for (const { peerName, encoding, tls } of cases) {
    it(`${peerName} ${encoding} ${tls ? 'TLS' : 'plain'}: list, get, put, rename, chmod, stat, delete keep the exact bytes`, async () => {
      const peer = externalPeers().find((p) => p.name === peerName)!;
      const names = SAMPLES[encoding];
      const dir = `enc-${encoding}-${randomBytes(3).toString('hex')}`;
      const dirBytes = makeOnPeer(peer, [Buffer.from(dir)]);
      const contents = names.files.map((n) => Buffer.from(`content of ${n} ${randomBytes(8).toString('hex')}`));
      names.files.forEach((n, i) => makeOnPeer(peer, [Buffer.from(dir), iconv.encode(n, encoding)], contents[i]));
      const client = new FtpClient(siteFor(peer, 'passive', tls, { encoding }));
      try {
        const listed = await client.list(dir);
        assert.deepEqual(listed.map((e) => e.name).sort(), [...names.files].sort(), 'names as listed');

        const down = path.join(local, `${dir}-down`);
        await client.downloadFile(`${dir}/${names.files[0]}`, down);
        assert.equal(sha256(readFileSync(down)), sha256(contents[0]), 'downloaded by its Unicode name');
        assert.equal((await client.stat(`${dir}/${names.files[1]}`))?.size, contents[1].length, 'stat by name');

        const payload = randomBytes(50_000);
        writeFileSync(path.join(local, `${dir}-up`), payload);
        await client.uploadFile(path.join(local, `${dir}-up`), `${dir}/${names.upload}`);
        assert.equal(sha256(readFileSync(bytePath(peer, Buffer.from(dir), iconv.encode(names.upload, encoding)))), sha256(payload), `uploaded under the ${encoding} bytes`);

        await client.rename(`${dir}/${names.files[0]}`, `${dir}/${names.renamed}`);
        await client.chmod(`${dir}/${names.renamed}`, 0o600);
        assert.equal(statSync(bytePath(peer, Buffer.from(dir), iconv.encode(names.renamed, encoding))).mode & 0o777, 0o600, 'mode on disk');
        await client.remove(`${dir}/${names.files[1]}`);
        assert.deepEqual(namesOnDisk(dirBytes), [hexOf(names.renamed, encoding), hexOf(names.upload, encoding)].sort(), 'names on disk after rename and delete');
        assert.deepEqual((await client.list(dir)).map((e) => e.name).sort(), [names.renamed, names.upload].sort());
      } finally {
        client.close();
        rmSync(dirBytes, { recursive: true, force: true });
      }
    });
  }

  it('vsftpd gbk: a folder tree with mixed names (ASCII, GBK, an undecodable byte) downloads, uploads back byte for byte, and is removed', async () => {
    const peer = externalPeers().find((p) => p.name === 'vsftpd')!;
    const root = `tree-${randomBytes(3).toString('hex')}`;
    const sub = iconv.encode('子目录', 'gbk');
    const odd = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x62, 0x69, 0x6e]); // "bad\xFF.bin": 0xFF starts no GBK character
    const files: [Buffer[], Buffer][] = [
      [[Buffer.from('plain.txt')], randomBytes(1000)],
      [[iconv.encode('数据.bin', 'gbk')], randomBytes(20_000)],
      [[sub, iconv.encode('深层 文件.txt', 'gbk')], randomBytes(3000)],
      [[sub, odd], randomBytes(10)],
    ];
    const rootBytes = makeOnPeer(peer, [Buffer.from(root)]);
    makeOnPeer(peer, [Buffer.from(root), sub]);
    for (const [parts, content] of files) makeOnPeer(peer, [Buffer.from(root), ...parts], content);
    const client = new FtpClient(site(peer, 'gbk'));
    const localTree = path.join(local, root);
    try {
      await client.downloadFolder(root, localTree);
      assert.equal(sha256(readFileSync(path.join(localTree, '子目录', '深层 文件.txt'))), sha256(files[2][1]));
      assert.equal(sha256(readFileSync(path.join(localTree, '子目录', 'bad\uEFFF.bin'))), sha256(files[3][1]), 'the undecodable byte is an escape character');

      await client.uploadFolder(localTree, `${root}-copy`);
      for (const [parts, content] of files) {
        const copy = bytePath(peer, Buffer.from(`${root}-copy`), ...parts);
        assert.equal(sha256(readFileSync(copy)), sha256(content), `copy of ${Buffer.concat(parts).toString('hex')} has the same name bytes`);
      }
      await client.remove(root, { recursive: true });
      await client.remove(`${root}-copy`, { recursive: true });
      assert.equal(existsSync(rootBytes), false, 'tree removed');
      assert.equal(existsSync(path.join(peer.dataDir, `${root}-copy`)), false, 'copy removed');
    } finally {
      client.close();
      rmSync(rootBytes, { recursive: true, force: true });
      rmSync(path.join(peer.dataDir, `${root}-copy`), { recursive: true, force: true });
    }
  });

  for (const encoding of ['utf8', 'auto'] as const) {
    it(`pure-ftpd ${encoding}: a GBK name shows with escape characters, downloads and deletes by that name${encoding === 'auto' ? ', and hints at GBK' : ''}`, async () => {
      const peer = externalPeers().find((p) => p.name === 'pure-ftpd')!;
      const dir = `undecodable-${randomBytes(3).toString('hex')}`;
      const raw = iconv.encode('中文.txt', 'gbk'); // D6 D0 CE C4: not UTF-8
      const content = randomBytes(4000);
      const dirBytes = makeOnPeer(peer, [Buffer.from(dir)]);
      makeOnPeer(peer, [Buffer.from(dir), raw], content);
      makeOnPeer(peer, [Buffer.from(dir), Buffer.from('ok.txt')], Buffer.from('ok'));
      const lines: string[] = [];
      const client = new FtpClient(site(peer, encoding, { log: (l) => lines.push(l) }));
      try {
        const escaped = [...raw].map((b) => (b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xef00 + b))).join('');
        assert.equal(escaped, '\uEFD6\uEFD0\uEFCE\uEFC4.txt');
        assert.deepEqual((await client.list(dir)).map((e) => e.name).sort(), ['ok.txt', escaped]);
        const down = path.join(local, `${dir}.down`);
        await client.downloadFile(`${dir}/${escaped}`, down);
        assert.equal(sha256(readFileSync(down)), sha256(content));
        const hint = client.pool.capabilities?.encodingHint;
        if (encoding === 'auto') {
          assert.match(hint ?? '', /names look like GBK.*set the site's encoding to gbk/);
          assert.equal(lines.filter((l) => l.includes('names look like GBK')).length, 1, 'hint logged once');
        }
        await client.remove(`${dir}/${escaped}`);
        assert.deepEqual(namesOnDisk(dirBytes), [Buffer.from('ok.txt').toString('hex')]);
      } finally {
        client.close();
        rmSync(dirBytes, { recursive: true, force: true });
      }
    });
  }

  it('a name the encoding cannot hold fails with a clear error, sends nothing, and the connection stays usable', async () => {
    const peer = externalPeers().find((p) => p.name === 'vsftpd')!;
    const client = new FtpClient(site(peer, 'shift_jis', { maxConnections: 1 }));
    const name = `no-${randomBytes(3).toString('hex')}-한국.txt`;
    try {
      await assert.rejects(client.upload(Buffer.from('x'), name), (err: unknown) => {
        assert.ok(err instanceof NameEncodingError, String(err));
        assert.match(err.describe(), /^upload \S+:no-\w+-한국\.txt failed: "한" \(U\+D55C\) cannot be written in shift_jis; nothing was sent/);
        return true;
      });
      assert.equal(
        readdirSync(peer.dataDir).some((n) => n.startsWith(name.slice(0, 9))),
        false,
        'nothing created',
      );
      assert.ok(Array.isArray(await client.list('')), 'the next operation works');
    } finally {
      client.close();
    }
  });
});

describe('client: a password the encoding cannot hold', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
  });

  it('fails before PASS is sent, without showing the password\'s characters', async () => {
    const peer = externalPeers().find((p) => p.name === 'vsftpd')!;
    const lines: string[] = [];
    const client = new FtpClient(siteFor(peer, 'passive', false, { encoding: 'latin1', password: 'geheim密', log: (l) => lines.push(l) }));
    try {
      await assert.rejects(client.list(''), (err: unknown) => {
        assert.ok(err instanceof NameEncodingError, String(err));
        assert.match(err.describe(), /^connect to \S+ failed: the password has a character that latin1 cannot represent; nothing was sent/);
        assert.doesNotMatch(err.describe(), /密|geheim/);
        return true;
      });
      assert.ok(!lines.some((l) => /^\S+ > PASS/.test(l) || l.includes('geheim')), 'PASS never sent nor logged');
    } finally {
      client.close();
    }
  });
});

describe('FXP and the queue between encodings: a GBK name on vsftpd arrives as the same text on Ferry (UTF-8)', function () {
  this.timeout(120_000);
  let ferry: Awaited<ReturnType<typeof ferryPeer>>;
  let vsftpd: Peer;
  before(async function () {
    this.timeout(900_000);
    await ensurePeers();
    vsftpd = externalPeers().find((p) => p.name === 'vsftpd')!;
    ferry = await ferryPeer();
  });
  after(() => ferry?.server.stop());

  it('copyFile: FXP from gbk to utf8 writes the UTF-8 bytes of the same name', async () => {
    const dir = `fxp-enc-${randomBytes(3).toString('hex')}`;
    const content = randomBytes(200_000);
    const dirBytes = makeOnPeer(vsftpd, [Buffer.from(dir)]);
    makeOnPeer(vsftpd, [Buffer.from(dir), iconv.encode('源文件 中文.bin', 'gbk')], content);
    const source = new FtpClient(siteFor(vsftpd, 'passive', false, { encoding: 'gbk' }));
    const target = new FtpClient(siteFor(ferry.peer, 'passive', false, { encoding: 'utf8' }));
    try {
      const [entry] = await source.list(dir);
      assert.equal(entry.name, '源文件 中文.bin');
      const result = await copyFile({ client: source, path: `${dir}/${entry.name}` }, { client: target, path: entry.name }, { allowRelay: false });
      assert.equal(result.method, 'fxp');
      assert.ok(readdirSync(ferry.server.root, { encoding: 'buffer' }).some((n) => n.equals(Buffer.from('源文件 中文.bin', 'utf8'))), 'UTF-8 name bytes on disk');
      assert.equal(sha256(readFileSync(path.join(ferry.server.root, '源文件 中文.bin'))), sha256(content));
    } finally {
      source.close();
      target.close();
      rmSync(dirBytes, { recursive: true, force: true });
    }
  });

  it('queue: a job whose GBK source name has an undecodable byte survives the queue file and runs', async () => {
    const dir = `queue-enc-${randomBytes(3).toString('hex')}`;
    const raw = Buffer.concat([iconv.encode('队列', 'gbk'), Buffer.from([0xff]), Buffer.from('.bin')]);
    const text = '队列\uEFFF.bin';
    const content = randomBytes(30_000);
    const dirBytes = makeOnPeer(vsftpd, [Buffer.from(dir)]);
    makeOnPeer(vsftpd, [Buffer.from(dir), raw], content);
    const queueDir = tempDir('ferry-enc-queue-');
    const file = path.join(queueDir, 'queue.json');
    const ref = (peer: Peer, encoding: NameEncoding) => ({ host: '127.0.0.1', port: peer.port, user: 'tester', tls: 'none' as const, dataMode: 'passive' as const, encoding });
    try {
      const first = await TransferQueue.open({ file });
      await first.add({ source: { site: ref(vsftpd, 'gbk'), path: `${dir}/${text}` }, target: { site: ref(ferry.peer, 'utf8'), path: '队列.bin' }, allowRelay: false });
      await first.flush();
      first.close();

      const queue = await TransferQueue.open({ file, passwordFor: () => TEST_PASSWORD, concurrency: 1 });
      try {
        const [job] = queue.list();
        assert.equal(job.source.path, `${dir}/${text}`, 'escape character kept by the queue file');
        assert.equal(job.source.site.encoding, 'gbk');
        await queue.run();
        assert.equal(queue.list()[0].state, 'done', queue.list()[0].error);
      } finally {
        queue.close();
      }
      assert.equal(sha256(readFileSync(path.join(ferry.server.root, '队列.bin'))), sha256(content), 'arrived under its UTF-8 name');
    } finally {
      rmSync(dirBytes, { recursive: true, force: true });
      rmSync(queueDir, { recursive: true, force: true });
    }
  });
});
