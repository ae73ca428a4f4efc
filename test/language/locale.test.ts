import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver';
import { TUNABLE_DOCS_ZH_CN } from '../../src/core/server/tunable-docs-zh-cn';
import { codeActionsFor } from '../../src/language/code-actions';
import { completeAt } from '../../src/language/completion';
import { computeDiagnostics } from '../../src/language/diagnostics';
import { hoverAt } from '../../src/language/hover';
import { languageTexts } from '../../src/language/texts';

const CJK = /[\u4e00-\u9fff]/;
const ZH = languageTexts('zh-cn');
const URI = 'file:///test/mini_ftpd.conf';

/** One line for each problem shape the core parser reports. */
const EVERY_PROBLEM = [
  'just words',
  'user = alice',
  'user = a b:scrypt$16384$8$1$YWJj$ZGVm:elr',
  'user = bob:plain:elr',
  'user = carol:scrypt$16384$8$1$YWJj$ZGVm:',
  'user = dave:scrypt$16384$8$1$YWJj$ZGVm:elrZ',
  'user = erin:scrypt$16384$8$1$YWJj$ZGVm:elr',
  'user = erin:scrypt$16384$8$1$YWJj$ZGVm:elr',
  'listen_prot = 21',
  'anonymous_enable = maybe',
  'local_umask = 9',
  'listen_port = many',
  'listen_port = 70000',
  'listen_port = 2121',
  'listen_port = 2122',
  'anon_perms = elrQ',
  'pasv_min_port = 6000',
  'pasv_max_port = 5000',
].join('\n');

describe('config language: answers in the editor\'s language', () => {
  it('picks Simplified Chinese for zh-cn (any case, zh-hans) and English for everything else', () => {
    for (const locale of ['zh-cn', 'zh-CN', 'zh-Hans', 'zh']) assert.equal(languageTexts(locale), ZH, locale);
    for (const locale of ['en', 'en-US', 'zh-tw', 'de', undefined]) assert.notEqual(languageTexts(locale), ZH, String(locale));
  });

  it('documents keys in hovers and completions in Chinese', () => {
    const hover = (hoverAt('idle_data_timeout = 20', { line: 0, character: 3 }, ZH)!.contents as MarkupContent).value;
    assert.ok(hover.includes(TUNABLE_DOCS_ZH_CN.idle_data_timeout), hover);
    assert.match(hover, /默认 300/);
    assert.match((hoverAt('user = a:b:elr', { line: 0, character: 1 }, ZH)!.contents as MarkupContent).value, /每个用户一行/);
    const items = completeAt('listen_po', { line: 0, character: 9 }, ZH);
    assert.match(items.find((i) => i.label === 'listen_port')!.detail!, /默认 2121/);
    assert.equal(completeAt('listen_port = ', { line: 0, character: 14 }, ZH)[0].detail, '默认');
  });

  it('translates every problem the parser reports, and the quick fixes', () => {
    const english = computeDiagnostics(EVERY_PROBLEM);
    const chinese = computeDiagnostics(EVERY_PROBLEM, ZH);
    assert.equal(english.length, 15, english.map((d) => d.message).join('\n'));
    // The other pasv_* problem cannot come with the first one in one file.
    english.push(...computeDiagnostics('pasv_max_port = 5000'));
    chinese.push(...computeDiagnostics('pasv_max_port = 5000', ZH));
    const untranslated = chinese.filter((d, i) => d.message === english[i].message || !CJK.test(d.message)).map((d) => d.message);
    assert.deepEqual(untranslated, []);
    const unknown = chinese.find((d) => d.code === 'unknown-key')!;
    assert.equal(unknown.message, '未知的键 "listen_prot" — 是否指 "listen_port"？');
    const titles = codeActionsFor(EVERY_PROBLEM, URI, { start: { line: 0, character: 0 }, end: { line: 17, character: 0 } }, chinese, ZH).map((a) => a.title);
    assert.ok(titles.includes('改为 "listen_port"'), titles.join(', '));
    assert.ok(titles.includes('将明文密码替换为其 scrypt 哈希'), titles.join(', '));
  });

  describe('the language server process', function () {
    this.timeout(20_000);
    let child: ChildProcess;
    let connection: MessageConnection;

    /** Starts dist-like out/src/language/server.js over stdio and initializes it with `locale`. */
    async function start(locale: string): Promise<void> {
      child = spawn(process.execPath, [path.resolve(__dirname, '..', '..', 'src', 'language', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
      connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
      connection.listen();
      await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, locale });
      await connection.sendNotification('initialized', {});
    }

    afterEach(() => {
      connection?.dispose();
      child?.kill();
    });

    for (const [locale, expected] of [['zh-cn', '未知的键 "listen_prot" — 是否指 "listen_port"？'], ['en', 'unknown key "listen_prot" — did you mean "listen_port"?']]) {
      it(`publishes diagnostics and hovers in the locale given at initialize (${locale})`, async () => {
        await start(locale);
        const published = new Promise<PublishDiagnosticsParams>((resolve) => connection.onNotification('textDocument/publishDiagnostics', resolve));
        await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'mini-ftpd-conf', version: 1, text: 'listen_prot = 21\nlisten_port = 2121' } });
        assert.deepEqual((await published).diagnostics.map((d) => d.message), [expected]);
        const hover = await connection.sendRequest<{ contents: MarkupContent }>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 1, character: 2 } });
        assert.equal(CJK.test(hover.contents.value), locale === 'zh-cn', hover.contents.value);
      });
    }
  });
});
