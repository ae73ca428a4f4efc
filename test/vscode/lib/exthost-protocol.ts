/**
 * How the mocha run inside the extension host reports back to the process that started the workbench: one JSON
 * object per line, appended to the file named by FERRY_E2E_RESULTS as each test ends, so the runner can print
 * results live and still has every finished test if the host dies half-way. Plain Node: loaded by the in-host
 * index, the code-server runner and the @vscode/test-electron launcher alike.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Environment the in-host index reads (set on code-server's or VS Code's process; the extension host inherits it). */
export const ENV_RESULTS = 'FERRY_E2E_RESULTS';
/** JSON array of absolute paths of the compiled *.exthost.js files to load; all of them when unset. */
export const ENV_FILES = 'FERRY_E2E_FILES';
/** Optional mocha --grep over full test titles. */
export const ENV_GREP = 'FERRY_E2E_GREP';
/** Workspace folder the window was opened on (tests may write files there). */
export const ENV_WORKSPACE = 'FERRY_E2E_WORKSPACE';

export type ExtHostEvent =
  | { type: 'start'; files: string[]; total: number; node: string; pid: number }
  | { type: 'test'; title: string }
  | { type: 'pass'; title: string; file?: string; ms: number }
  | { type: 'fail'; title: string; file?: string; ms?: number; error: string }
  | { type: 'pending'; title: string; file?: string }
  | { type: 'end'; passed: number; failed: number; pending: number };

/** Reads the events written so far; a torn last line (still being written) is left for the next read. */
export class ExtHostResultsReader {
  private consumed = 0;
  readonly events: ExtHostEvent[] = [];

  constructor(private readonly file: string) {}

  /** New events since the last call. */
  poll(): ExtHostEvent[] {
    if (!existsSync(this.file)) return [];
    const text = readFileSync(this.file, 'utf8');
    const fresh: ExtHostEvent[] = [];
    let newline: number;
    while ((newline = text.indexOf('\n', this.consumed)) >= 0) {
      const line = text.slice(this.consumed, newline).trim();
      this.consumed = newline + 1;
      if (!line) continue;
      try {
        fresh.push(JSON.parse(line) as ExtHostEvent);
      } catch {
        fresh.push({ type: 'fail', title: 'results file', error: `unreadable line: ${line.slice(0, 200)}` });
      }
    }
    this.events.push(...fresh);
    return fresh;
  }

  get ended(): boolean {
    return this.events.some((e) => e.type === 'end');
  }

  /** Title of the test that started last and has no result yet (what was running when the host died or hung). */
  get running(): string | undefined {
    let current: string | undefined;
    for (const e of this.events) {
      if (e.type === 'test') current = e.title;
      else if ((e.type === 'pass' || e.type === 'fail') && e.title === current) current = undefined;
    }
    return current;
  }
}

/** One printed line per finished test, in the same shape as the UI tests' lines. */
export function formatEvent(e: ExtHostEvent): string | undefined {
  switch (e.type) {
    case 'pass':
      return `  pass  [exthost] ${e.title} (${e.ms} ms)`;
    case 'fail':
      return `  FAIL  [exthost] ${e.title}${e.ms !== undefined ? ` (${e.ms} ms)` : ''}\n${indent(e.error, '        ')}`;
    case 'pending':
      return `  skip  [exthost] ${e.title}`;
    default:
      return undefined;
  }
}

export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
