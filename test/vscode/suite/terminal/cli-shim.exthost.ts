/**
 * The `ferry` command in VS Code's integrated terminal: a real terminal gets the shim folder on its PATH
 * from the extension's environment variable collection, the shim prints the CLI's usage, and
 * `ferry queue list` there shows a job queued in the FXP panel's own queue file.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TransferQueue } from '../../../../src/core/fxp';
import { eventually, EXTENSION_ID, MessageRecorder } from '../../server/exthost-kit';

/** Runs `script` in a new integrated terminal (sh -c) and returns what it wrote to `out`. */
async function inTerminal(script: string): Promise<string> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-terminal-')), 'out');
  const terminal = vscode.window.createTerminal({ name: 'ferry shim test', shellPath: '/bin/sh', shellArgs: ['-c', `{ ${script} ; } > '${out}.part' 2>&1; mv '${out}.part' '${out}'`] });
  try {
    return await eventually('the terminal ran the script', () => (existsSync(out) ? readFileSync(out, 'utf8') : undefined), 30_000);
  } finally {
    terminal.dispose();
  }
}

/** Runs a command line with `PATH` and returns exit code and output (bounded). */
function sh(command: string, PATH: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH };
  delete env.FERRY_QUEUE;
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('terminal: the ferry command on the integrated terminal\'s PATH', function () {
  this.timeout(90_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  it('puts a folder holding the ferry shims first on a new terminal\'s PATH; the shim runs the CLI', async () => {
    const PATH = await inTerminal('printf %s "$PATH"');
    const first = PATH.split(path.delimiter)[0];
    assert.ok(existsSync(path.join(first, 'ferry')), `${first} (first on the terminal's PATH ${PATH}) holds ferry`);
    assert.ok(existsSync(path.join(first, 'ferry.cmd')), 'and ferry.cmd for Windows');
    assert.equal(statSync(path.join(first, 'ferry')).mode & 0o111, 0o111, 'executable');
    const usage = await sh('ferry', PATH);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stdout, /^usage: ferry <command>/);
    assert.match(usage.stdout, /ferry queue list\|add/);
  });

  it('lets `ferry queue list` in the terminal show a job queued in the FXP panel\'s queue file', async () => {
    const ui = new MessageRecorder();
    let panelFile: string;
    try {
      panelFile = (await vscode.commands.executeCommand<string>('ferry.fxp.copyQueuePath'))!;
    } finally {
      ui.restore();
    }
    assert.ok(panelFile && path.isAbsolute(panelFile), `the panel's queue file: ${panelFile}`);
    // Queued as a second process does (the panel's queue process shares the file): paused, so nobody runs it.
    const queue = await TransferQueue.open({ file: panelFile, passwordFor: () => undefined });
    const site = { host: '127.0.0.1', port: 1, user: 'shim-test' };
    const job = await queue.add({ source: { site, path: '/shim-test-source.bin' }, target: { site, path: '/shim-test-target.bin' } });
    queue.pause(job.id);
    await queue.flush();
    try {
      const listed = await inTerminal('ferry queue list');
      const line = listed.split('\n').find((l) => l.startsWith(job.id.slice(0, 8)));
      assert.ok(line, `the terminal lists job ${job.id.slice(0, 8)}:\n${listed}`);
      assert.match(line, /^\w+ +paused .*shim-test-source\.bin -> 127\.0\.0\.1:1\/+shim-test-target\.bin$/);
    } finally {
      queue.remove(job.id);
      await queue.flush();
      queue.close();
    }
  });
});
