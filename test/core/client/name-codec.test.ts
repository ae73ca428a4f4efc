import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as iconv from 'iconv-lite';
import { NAME_ENCODINGS, NameCodec, NameEncodingError, parseNameEncoding } from '../../../src/core/client';
import { guessNameEncoding } from '../../../src/core/client/name-codec';
import { escapedBytes } from '../../../src/core/client/name-encodings';

const hex = (b: Buffer) => b.toString('hex');
const DOUBLE_BYTE = ['gbk', 'gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr'] as const;

describe('name codec: names round-trip exactly in every encoding', function () {
  this.timeout(120_000);

  for (const { name } of NAME_ENCODINGS) {
    it(`${name}: every byte 0x00-0xFF after an ASCII prefix, alone and before each ASCII byte`, () => {
      const codec = new NameCodec(name);
      const seen = new Map<string, string>();
      for (let b = 0; b <= 0xff; b++) {
        for (const tail of [[], [0x41], [0x7e], [0x30]]) {
          const bytes = Buffer.from([...Buffer.from('name'), b, ...tail]);
          const text = codec.decode(bytes);
          assert.equal(hex(codec.encode(text)), hex(bytes), `0x${b.toString(16)} ${JSON.stringify(text)}`);
          assert.equal(seen.get(text), undefined, `two byte strings decode to ${JSON.stringify(text)}`);
          seen.set(text, hex(bytes));
        }
      }
    });
  }

  for (const name of DOUBLE_BYTE) {
    it(`${name}: every two-byte sequence after an ASCII prefix`, () => {
      const codec = new NameCodec(name);
      for (let lead = 0x80; lead <= 0xff; lead++) {
        for (let trail = 0; trail <= 0xff; trail++) {
          const bytes = Buffer.from([0x61, lead, trail, 0x2e]);
          const back = codec.encode(codec.decode(bytes));
          if (!back.equals(bytes)) assert.fail(`${hex(bytes)} came back as ${hex(back)}`);
        }
      }
    });
  }

  it('random byte strings round-trip in every encoding (2000 each)', () => {
    for (const { name } of NAME_ENCODINGS) {
      const codec = new NameCodec(name);
      for (let i = 0; i < 2000; i++) {
        const bytes = randomBytes(1 + (i % 24));
        const back = codec.encode(codec.decode(bytes));
        if (!back.equals(bytes)) assert.fail(`${name}: ${hex(bytes)} came back as ${hex(back)}`);
      }
    }
  });

  it('GBK "中文" decodes to the characters and encodes back to D6D0 CEC4', () => {
    const codec = new NameCodec('gbk');
    assert.equal(codec.decode(Buffer.from('d6d0cec42e747874', 'hex')), '中文.txt');
    assert.equal(hex(codec.encode('中文.txt')), 'd6d0cec42e747874');
    assert.deepEqual(codec.decodeReport(Buffer.from('d6d0cec4', 'hex')).undecodable, []);
  });

  it('Shift_JIS names decode, and text from the other encodings is readable in each', () => {
    const sjis = new NameCodec('shift_jis');
    assert.equal(sjis.decode(iconv.encode('日本語のファイル.txt', 'shift_jis')), '日本語のファイル.txt');
    assert.equal(new NameCodec('big5').decode(iconv.encode('繁體中文', 'big5')), '繁體中文');
    assert.equal(new NameCodec('euc-kr').decode(iconv.encode('한국어', 'euc-kr')), '한국어');
    assert.equal(new NameCodec('windows-1251').decode(iconv.encode('Привет', 'windows-1251')), 'Привет');
  });

  it('utf8: name\\x80 and name\\xC1 stay distinct and visible, and go back to their bytes', () => {
    const codec = new NameCodec('utf8');
    const a = codec.decode(Buffer.from('name\x80', 'latin1'));
    const b = codec.decode(Buffer.from('name\xC1', 'latin1'));
    assert.equal(a, 'name\uEF80');
    assert.equal(b, 'name\uEFC1');
    assert.equal(hex(codec.encode(a)), hex(Buffer.from('name\x80', 'latin1')));
    assert.equal(hex(codec.encode(b)), hex(Buffer.from('name\xC1', 'latin1')));
    assert.equal(codec.decodeReport(Buffer.from('ok\nname\xC1\n', 'latin1')).undecodable.length, 1);
    assert.equal(codec.decode(Buffer.concat([Buffer.from('name\xC1', 'latin1'), Buffer.from('中.txt')])), 'name\uEFC1中.txt', 'the valid rest still decodes');
  });

  it('a private-use character of the escape range in a UTF-8 name round-trips (escaped byte by byte)', () => {
    const codec = new NameCodec('utf8');
    const bytes = Buffer.from('a\uEF90b', 'utf8');
    const text = codec.decode(bytes);
    assert.equal(text, 'a\uEFEE\uEFBE\uEF90b');
    assert.equal(hex(codec.encode(text)), hex(bytes));
    // Other private-use characters are ordinary text.
    assert.equal(codec.decode(Buffer.from('\uE000', 'utf8')), '\uE000');
  });

  it('a character the encoding cannot hold is an error naming it and the encoding (never "?")', () => {
    const codec = new NameCodec('shift_jis', 'tester@host:21');
    assert.throws(
      () => codec.encode('日本 한국.txt'),
      (err: unknown) => err instanceof NameEncodingError && err.character === '한' && /"한" \(U\+D55C\) cannot be written in shift_jis/.test(err.message),
    );
    assert.throws(() => new NameCodec('latin1').encode('😀'), /U\+1F600\) cannot be written in latin1/);
    assert.equal(hex(new NameCodec('gb18030').encode('😀')), hex(iconv.encode('😀', 'gb18030')));
  });

  it('guesses the encoding of undecodable names: GBK first, Shift_JIS when kana show, Windows-1252 when no double-byte reading fits', () => {
    const lines = (text: string, enc: string) => text.split('\n').map((l) => iconv.encode(l + '\n', enc));
    assert.equal(guessNameEncoding(lines('中文文件.txt\n报告.doc', 'gbk')), 'gbk');
    assert.equal(guessNameEncoding(lines('日本語のファイル.txt', 'shift_jis')), 'shift_jis');
    assert.equal(guessNameEncoding([Buffer.from('\x81\x30\x81\x30', 'latin1')]), 'gb18030');
    assert.equal(guessNameEncoding(lines('café.txt', 'windows-1252')), 'windows-1252');
    // GBK takes almost any byte pair: a Latin name whose accented letters pair up reads as GBK (hence a hint, not a switch).
    assert.equal(guessNameEncoding(lines('Größe.txt', 'windows-1252')), 'gbk');
    assert.equal(guessNameEncoding([]), undefined);
  });

  it('reads encoding names and common aliases, case-insensitively', () => {
    assert.equal(parseNameEncoding('GBK'), 'gbk');
    assert.equal(parseNameEncoding('UTF-8'), 'utf8');
    assert.equal(parseNameEncoding('cp932'), 'shift_jis');
    assert.equal(parseNameEncoding('iso-8859-1'), 'latin1');
    assert.equal(parseNameEncoding('ebcdic'), undefined);
  });
});

describe('name codec: the explorer finds the escaped bytes of a name', () => {
  it('escapedBytes gives exactly the bytes that did not decode, nothing for a clean name', () => {
    const utf8 = new NameCodec('utf8');
    assert.deepEqual(escapedBytes(utf8.decode(Buffer.from([0x61, 0xd6, 0xd0, 0x62]))), [0xd6, 0xd0]);
    assert.deepEqual(escapedBytes(utf8.decode(Buffer.from('中文.txt'))), []);
    assert.deepEqual(escapedBytes(new NameCodec('gbk').decode(iconv.encode('中文.txt', 'gbk'))), []);
  });
});
