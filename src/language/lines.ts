import { ConfigLine, splitConfigLines } from '../core/server/config';

/** The text of one 0-based line of a document (without its line break). */
export function lineText(text: string, line: number): string {
  return text.split(/\r?\n/)[line] ?? '';
}

/**
 * The `key = value` structure of one line, with its columns, as the core parser sees it;
 * undefined for blank lines, comments and lines without `=`.
 */
export function parseLine(raw: string): ConfigLine | undefined {
  return splitConfigLines(raw, [])[0];
}
