/**
 * The `ferry` command the extension puts on the integrated terminal's PATH: a POSIX sh script and a
 * Windows batch file that run the bundled CLI with the editor's own Node. No vscode import: unit-tested.
 */

/** What a shim runs. */
export interface ShimTarget {
  /** The extension host's executable: Node under code-server and VS Code's remote servers, Electron on the desktop. */
  node: string;
  /** dist/cli.js of the installed extension. */
  cli: string;
  /** The FXP panel's queue file: `ferry queue` uses it unless FERRY_QUEUE is already set. */
  queue: string;
}

/** Single-quoted for sh: nothing inside expands; a quote is closed, escaped and reopened. */
function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Double-quoted for cmd.exe: `%` would expand a variable inside a batch file, `%%` is a literal one. */
function cmdQuote(text: string): string {
  return `"${text.replace(/%/g, '%%')}"`;
}

/**
 * The sh script. The editor's executable may be Electron: ELECTRON_RUN_AS_NODE makes it run as plain Node
 * (as VS Code's own `code` command does); plain Node ignores it. It is set for the CLI process only.
 */
export function posixShim({ node, cli, queue }: ShimTarget): string {
  return [
    '#!/bin/sh',
    '# Written by the Ferry extension at each start: runs its CLI with the editor\'s Node.',
    `[ -n "\${FERRY_QUEUE:-}" ] || FERRY_QUEUE=${shQuote(queue)}`,
    'export FERRY_QUEUE',
    `ELECTRON_RUN_AS_NODE=1 exec ${shQuote(node)} ${shQuote(cli)} "$@"`,
    '',
  ].join('\n');
}

/** The batch file (cmd.exe finds `ferry.cmd` for `ferry`; PowerShell too). */
export function windowsShim({ node, cli, queue }: ShimTarget): string {
  return [
    '@echo off',
    'rem Written by the Ferry extension at each start: runs its CLI with the editor\'s Node.',
    'setlocal',
    `if not defined FERRY_QUEUE set ${cmdQuote(`FERRY_QUEUE=${queue}`)}`,
    'set ELECTRON_RUN_AS_NODE=1',
    `${cmdQuote(node)} ${cmdQuote(cli)} %*`,
    '',
  ].join('\r\n');
}
