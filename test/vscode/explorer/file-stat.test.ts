import * as assert from 'node:assert/strict';
import { FileKind, fileKindOf, isReadonlyMode, READONLY_PERMISSION, toFileStat } from '../../../src/vscode/explorer/model/file-stat';

const at = new Date('2024-05-06T07:08:09Z');

describe('explorer: listing entries as FileStat', () => {
  it('maps files with times, size and mode', () => {
    assert.deepEqual(toFileStat({ name: 'a.txt', path: '/a.txt', type: 'file', size: 12, modifiedAt: at, mode: 0o644 }), {
      type: FileKind.File,
      ctime: at.getTime(),
      mtime: at.getTime(),
      size: 12,
    });
  });

  it('marks files without the owner write bit read-only', () => {
    const stat = toFileStat({ name: 'r', path: '/r', type: 'file', size: 1, mode: 0o444 });
    assert.equal(stat.permissions, READONLY_PERMISSION);
    assert.equal(isReadonlyMode(0o644), false);
    assert.equal(isReadonlyMode(0o555), true);
    assert.equal(isReadonlyMode(undefined), false, 'no mode in the listing: writable until the server says no');
  });

  it('never marks directories read-only and gives them size 0', () => {
    const stat = toFileStat({ name: 'd', path: '/d', type: 'directory', size: 4096, mode: 0o555 });
    assert.deepEqual(stat, { type: FileKind.Directory, ctime: 0, mtime: 0, size: 0 });
  });

  it('gives symbolic links the kind of their target', () => {
    const link = { type: 'symlink' as const };
    assert.equal(fileKindOf(link, true), FileKind.SymbolicLink | FileKind.Directory);
    assert.equal(fileKindOf(link, false), FileKind.SymbolicLink | FileKind.File);
    assert.equal(fileKindOf(link), FileKind.SymbolicLink | FileKind.File);
    assert.equal(fileKindOf({ type: 'unknown' }), FileKind.Unknown);
  });

  it("uses vscode.FileType's values", () => {
    assert.deepEqual(FileKind, { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 });
  });
});
