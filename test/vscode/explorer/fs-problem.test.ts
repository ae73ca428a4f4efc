import * as assert from 'node:assert/strict';
import { CancelledError, ConnectionError, RemoteReplyError } from '../../../src/core/client';
import { classifyReply, FsProblem, needsExistenceCheck, toFsProblem } from '../../../src/vscode/explorer/model/fs-problem';

const context = { operation: 'read', host: 'u@h:21', path: '/x' };

describe('explorer: FTP errors as file system errors', () => {
  it('classifies replies by their text first', () => {
    assert.equal(classifyReply(550, 'Permission denied.'), 'NoPermissions');
    assert.equal(classifyReply(550, '/x: No such file or directory.'), 'FileNotFound');
    assert.equal(classifyReply(550, 'File exists.'), 'FileExists');
    assert.equal(classifyReply(550, 'Directory already exists'), 'FileExists');
    assert.equal(classifyReply(550, '/x: Not a directory.'), 'FileNotADirectory');
    assert.equal(classifyReply(550, '/x: Not a regular file.'), 'FileIsADirectory');
    assert.equal(classifyReply(553, 'Could not create file.'), 'NoPermissions');
    assert.equal(classifyReply(530, 'Login incorrect.'), 'NoPermissions');
    assert.equal(classifyReply(451, 'Local error'), 'Unavailable');
    assert.equal(classifyReply(425, "Can't open data connection"), 'Unavailable');
  });

  it('settles a wordless 550 by whether the path exists', () => {
    assert.equal(classifyReply(550, 'Failed to open file.', true), 'NoPermissions');
    assert.equal(classifyReply(550, 'Failed to open file.', false), 'FileNotFound');
    assert.equal(classifyReply(550, 'Failed to open file.'), 'FileNotFound');
    assert.equal(needsExistenceCheck(new RemoteReplyError(550, 'Failed to open file.', context)), true);
    assert.equal(needsExistenceCheck(new RemoteReplyError(550, 'Permission denied.', context)), false);
    assert.equal(needsExistenceCheck(new ConnectionError('reset', context)), false);
  });

  it("keeps the server's words and the core's description in the message", () => {
    const problem = toFsProblem(new RemoteReplyError(550, 'Permission denied.', context));
    assert.equal(problem.kind, 'NoPermissions');
    assert.match(problem.message, /^read u@h:21:\/x failed: 550 Permission denied\./);
  });

  it('reports connection trouble, cancels and anything else as Unavailable', () => {
    const lost = toFsProblem(new ConnectionError('ECONNRESET', context));
    assert.equal(lost.kind, 'Unavailable');
    assert.match(lost.message, /ECONNRESET/);
    assert.equal(toFsProblem(new CancelledError(context)).kind, 'Unavailable');
    assert.deepEqual([toFsProblem(new Error('boom')).kind, toFsProblem(new Error('boom')).message], ['Unavailable', 'boom']);
    const own = new FsProblem('FileExists', 'x');
    assert.equal(toFsProblem(own), own);
  });
});
