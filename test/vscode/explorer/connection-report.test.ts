import * as assert from 'node:assert/strict';
import { Capabilities } from '../../../src/core/client';
import { describeConnection } from '../../../src/vscode/explorer/model/connection-report';

/** The English text with its placeholders filled, as vscode.l10n.t does without a bundle. */
const t = (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

const caps = (extra: Partial<Capabilities> = {}): Capabilities => ({
  mlsd: true,
  utf8: true,
  epsv: true,
  restStream: true,
  size: true,
  mdtm: true,
  mfmt: false,
  pret: false,
  authTls: true,
  sscn: false,
  cpsv: false,
  hash: ['SHA-256', 'MD5'],
  legacyHashes: [],
  ...extra,
});

describe('explorer: test connection report', () => {
  it('says in plain words what worked on a modern server', () => {
    assert.deepEqual(describeConnection({ tls: 'explicit', secure: true, capabilities: caps(), dataStrategy: 'EPSV', home: '/home/a', entries: 3 }, t), [
      'Encryption: TLS (explicit); the password and the files are encrypted.',
      'Data connections: passive mode works (EPSV).',
      'Listings: MLSD, with exact sizes, times and permissions.',
      'File names: UTF-8.',
      'Resume: supported (REST STREAM).',
      'Checksums: SHA-256, MD5.',
      'Login folder: /home/a (3 entries).',
    ]);
  });

  it('warns about plain text, active mode and old servers', () => {
    const lines = describeConnection({ tls: 'none', secure: false, capabilities: caps({ mlsd: false, utf8: false, restStream: false, hash: [] }), dataStrategy: 'PORT', home: '/', entries: 0 }, t);
    assert.deepEqual(lines, [
      'Encryption: none; the password and the files travel in plain text.',
      'Data connections: active mode works (PORT).',
      'Listings: LIST only; times may be approximate.',
      'File names: the server does not announce UTF-8; choose its encoding in the site if names look wrong.',
      'Resume: no REST STREAM; uploads resume by appending.',
      'Login folder: / (0 entries).',
    ]);
  });

  it('passes on the encoding hint and says when LIST times are the server\'s local time', () => {
    const capabilities = caps({ mlsd: false, encodingHint: "names look like GBK, not UTF-8 — set the site's encoding to gbk", listAheadOfMdtmMs: 8 * 3_600_000 });
    const lines = describeConnection({ tls: 'none', secure: false, capabilities, dataStrategy: 'EPSV', home: '/', entries: 2 }, t);
    assert.ok(lines.includes("File names: names look like GBK, not UTF-8 — set the site's encoding to gbk."), lines.join('\n'));
    assert.ok(lines.includes("Times: LIST shows the server's local time (UTC+8:00); Ferry corrects them to UTC."), lines.join('\n'));
  });
});
