import * as assert from 'node:assert/strict';
import { describeActivity, describeTransferEnd, formatRate } from '../../../src/vscode/server/format';

describe('Serve command: transfer and session texts', () => {
  const startedAt = new Date(1_000_000);

  it('formats sizes and average rates', () => {
    assert.equal(formatRate(2 * 1024 * 1024, startedAt, startedAt.getTime() + 2000), '1.0 MiB/s');
  });

  it('writes one log line per finished transfer, with the error when it failed', () => {
    const t = { sessionId: 1, user: 'alice', command: 'RETR', path: '/a.bin', direction: 'download' as const, startedAt, bytes: 4096, ok: true };
    assert.equal(describeTransferEnd(t, startedAt.getTime() + 1000), 'alice RETR /a.bin 4.0 KiB at 4.0 KiB/s ok');
    assert.equal(describeTransferEnd({ ...t, ok: false, error: 'aborted' }, startedAt.getTime() + 1000), 'alice RETR /a.bin 4.0 KiB at 4.0 KiB/s failed: aborted');
  });

  it('shows a session\'s running transfer with its rate, else its last command', () => {
    const session = { id: 1, remoteAddress: '127.0.0.1', connectedAt: startedAt, secure: false, lastCommand: 'LIST' };
    assert.equal(describeActivity(session), 'LIST');
    const transfer = { sessionId: 1, user: 'a', command: 'STOR', path: '/up', direction: 'upload' as const, startedAt, bytes: 3 * 1024 * 1024 };
    assert.equal(describeActivity({ ...session, transfer }, startedAt.getTime() + 3000), 'STOR /up · 3.0 MiB at 1.0 MiB/s');
    assert.equal(describeActivity({ ...session, lastCommand: undefined }), '');
  });
});
