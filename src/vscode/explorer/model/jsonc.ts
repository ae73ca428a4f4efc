/**
 * Parses JSON with comments and trailing commas (the JSONC that VS Code and its extensions
 * accept in `.vscode/*.json`). Strings are copied untouched, so "//" or ",]" inside a value survive.
 */
export function parseJsonc(text: string): unknown {
  return JSON.parse(rewriteOutsideStrings(rewriteOutsideStrings(text.replace(/^\uFEFF/, ''), skipComment), skipTrailingComma));
}

/** Index just past the string literal starting at `start` (a quote). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** At `i` outside a string: the replacement text and where to continue, or undefined to keep the character. */
type Rewrite = (text: string, i: number) => { output: string; next: number } | undefined;

/** Copies string literals as they are and lets `rewrite` decide about everything else, one position at a time. */
function rewriteOutsideStrings(text: string, rewrite: Rewrite): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const replaced = rewrite(text, i);
    if (replaced) {
      out += replaced.output;
      i = replaced.next;
    } else out += text[i++];
  }
  return out;
}

/** A // line comment becomes its newline; a block comment becomes one space. */
const skipComment: Rewrite = (text, i) => {
  if (text.startsWith('//', i)) {
    const newline = text.indexOf('\n', i);
    return { output: '\n', next: newline < 0 ? text.length : newline + 1 };
  }
  if (text.startsWith('/*', i)) {
    const end = text.indexOf('*/', i + 2);
    return { output: ' ', next: end < 0 ? text.length : end + 2 };
  }
  return undefined;
};

/** A comma followed only by white space before } or ] is dropped. */
const skipTrailingComma: Rewrite = (text, i) => (text[i] === ',' && /^\s*[}\]]/.test(text.slice(i + 1)) ? { output: '', next: i + 1 } : undefined);
