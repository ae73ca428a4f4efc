import { ChildProcess, fork } from 'node:child_process';

/** The last this many characters of a child's stderr are kept, for the log when it dies. */
const STDERR_TAIL = 4000;

/** A Node child of the extension host with an IPC channel, and the tail of what it wrote to stderr. */
export interface NodeChild {
  child: ChildProcess;
  stderr(): string;
}

/**
 * Forks a bundled script (dist/*.js) as a plain Node process talking over IPC with "advanced"
 * serialization (Dates, Maps and large objects survive). Under a desktop VS Code, execPath is the
 * editor's Electron binary: ELECTRON_RUN_AS_NODE makes it run as Node. stdout is dropped and stderr
 * kept for crash reports; the child watches its channel and exits when the extension host goes away.
 */
export function forkNode(script: string, options: { cwd: string }): NodeChild {
  const child = fork(script, [], { cwd: options.cwd, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  return { child, stderr: () => stderr };
}
