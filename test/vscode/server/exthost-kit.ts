/**
 * Helpers for the Serve and config-language suites that run inside the extension host
 * (test/vscode/suite/server*.exthost.ts, config-language.exthost.ts). Every wait is bounded.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { eventually, portRefuses } from '../../helpers/polling';


export { eventually, portRefuses };

export const EXTENSION_ID = 'ferry-dev.ferry';

/** The window's one workspace folder (the harness opens an empty, private folder). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the workbench has a workspace folder');
  return folder;
}

/** One notification the extension showed. */
export interface ShownMessage {
  level: 'info' | 'warning' | 'error';
  text: string;
  items: string[];
}

/**
 * Replaces the window's show*Message functions for the duration of a test: every message is
 * recorded, and `answer` decides which button (if any) the "user" clicks. Toasts are not
 * rendered in the test workbench, so this is how a suite sees and answers them.
 */
export class MessageRecorder {
  readonly shown: ShownMessage[] = [];
  private readonly answers: { match: RegExp; item: string }[] = [];
  private readonly originals = {
    info: vscode.window.showInformationMessage,
    warning: vscode.window.showWarningMessage,
    error: vscode.window.showErrorMessage,
  };

  constructor() {
    const record = (level: ShownMessage['level']) => (text: string, ...rest: unknown[]) => {
      const items = rest.filter((r): r is string => typeof r === 'string');
      this.shown.push({ level, text, items });
      const answer = this.answers.find((a) => a.match.test(text) && items.includes(a.item));
      return Promise.resolve(answer?.item);
    };
    const window = vscode.window as unknown as Record<string, unknown>;
    window.showInformationMessage = record('info');
    window.showWarningMessage = record('warning');
    window.showErrorMessage = record('error');
  }

  /** From now on, a message matching `match` is answered with its button `item`. */
  answer(match: RegExp, item: string): void {
    this.answers.push({ match, item });
  }

  /** The messages matching `match`. */
  matching(match: RegExp): ShownMessage[] {
    return this.shown.filter((m) => match.test(m.text));
  }

  /** Waits until `count` messages match, and returns the last. */
  waitFor(match: RegExp, count = 1, timeoutMs?: number): Promise<ShownMessage> {
    return eventually(`message ${match} (#${count}; shown: ${JSON.stringify(this.shown.map((m) => m.text))})`, () => this.matching(match)[count - 1], timeoutMs);
  }

  restore(): void {
    const window = vscode.window as unknown as Record<string, unknown>;
    window.showInformationMessage = this.originals.info;
    window.showWarningMessage = this.originals.warning;
    window.showErrorMessage = this.originals.error;
  }
}

/** Sets (or with undefined clears) a `ferry.server.*` setting for the workspace. */
export async function setServerSetting(name: string, value: unknown): Promise<void> {
  const uri = workspaceFolder().uri;
  await vscode.workspace.getConfiguration('ferry.server', uri).update(name, value, vscode.ConfigurationTarget.Workspace);
  // The write reaches settings.json before the configuration model sees it: wait (bounded) until it does,
  // or the next command would still read the old value.
  for (let i = 0; i < 100; i++) {
    const seen = vscode.workspace.getConfiguration('ferry.server', uri).inspect(name);
    if ((seen?.workspaceFolderValue ?? seen?.workspaceValue) === value) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`setting ferry.server.${name} = ${JSON.stringify(value)} did not take effect within 5 s`);
}

/** Runs curl with a hard time limit; resolves with its exit code and output. */
export function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '15', ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
