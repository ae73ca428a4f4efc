import { parse, ParseError, printParseErrorCode } from 'jsonc-parser';

/** A JSONC text that does not parse: where (in the text as the user wrote it) and what. */
export class JsoncError extends Error {
  constructor(
    /** 1-based line and column of the first problem, counted in the original text. */
    readonly line: number,
    readonly column: number,
    /** 0-based offset of the first problem in the original text. */
    readonly offset: number,
    what: string,
  ) {
    super(`line ${line}, column ${column}: ${what}`);
    this.name = 'JsoncError';
  }
}

/** 1-based line and column of `offset` in `text` (\n, \r\n and \r all end a line). */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Parses JSON with comments and trailing commas (the JSONC that VS Code and its extensions accept
 * in `.vscode/*.json`) with jsonc-parser, VS Code's own scanner. The first error throws a
 * JsoncError whose position is in the original text.
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const value: unknown = parse(text.slice(bom), errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    // The BOM is dropped before parsing (jsonc-parser calls it a bad symbol): add it back to the offset.
    const offset = errors[0].offset + bom;
    const { line, column } = position(text, offset);
    throw new JsoncError(line, column, offset, printParseErrorCode(errors[0].error));
  }
  return value;
}
