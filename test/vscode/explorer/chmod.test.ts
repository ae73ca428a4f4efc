import * as assert from 'node:assert/strict';
import { formatMode, MODE_BITS, modeFromBits, octalMode, parseMode } from '../../../src/vscode/explorer/model/chmod';

describe('explorer: chmod toggles and octal modes', () => {
  it('has the nine rwx bits in ls order', () => {
    assert.deepEqual(
      MODE_BITS.map((b) => [b.who, b.what, b.bit.toString(8)]),
      [
        ['owner', 'read', '400'],
        ['owner', 'write', '200'],
        ['owner', 'execute', '100'],
        ['group', 'read', '40'],
        ['group', 'write', '20'],
        ['group', 'execute', '10'],
        ['others', 'read', '4'],
        ['others', 'write', '2'],
        ['others', 'execute', '1'],
      ],
    );
  });

  it('formats modes like ls -l and SITE CHMOD', () => {
    assert.equal(formatMode(0o755), 'rwxr-xr-x');
    assert.equal(formatMode(0o640), 'rw-r-----');
    assert.equal(formatMode(0), '---------');
    assert.equal(octalMode(0o644), '644');
    assert.equal(octalMode(0o7), '007');
    assert.equal(octalMode(0o4755), '4755');
  });

  it('parses octal and symbolic input', () => {
    assert.equal(parseMode('644'), 0o644);
    assert.equal(parseMode(' 0755 '), 0o755);
    assert.equal(parseMode('4755'), 0o4755);
    assert.equal(parseMode('rw-r--r--'), 0o644);
    assert.equal(parseMode('rwxrwxrwx'), 0o777);
    assert.equal(parseMode('888'), undefined);
    assert.equal(parseMode('64'), undefined);
    assert.equal(parseMode('07555'), undefined);
    assert.equal(parseMode('rw-r--r-'), undefined);
    assert.equal(parseMode('write'), undefined);
  });

  it('builds a mode from toggles, keeping special bits', () => {
    assert.equal(modeFromBits([0o400, 0o200, 0o40]), 0o640);
    assert.equal(modeFromBits([], 0o755), 0);
    assert.equal(modeFromBits([0o400], 0o4755), 0o4400);
  });
});
