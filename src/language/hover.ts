import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import { isTunableKey } from '../core/server/tunables';
import { lineText, parseLine } from './lines';
import { EN, LanguageTexts } from './texts';
import { tunableMarkdown, userMarkdown, USER_KEY } from './tunable-docs';

/** Documentation of the key under the cursor (on its key or its value), or null elsewhere. */
export function hoverAt(text: string, position: Position, texts: LanguageTexts = EN): Hover | null {
  const raw = lineText(text, position.line);
  const parsed = parseLine(raw);
  if (!parsed || position.character < parsed.keyColumn || position.character > raw.trimEnd().length) return null;
  const markdown = parsed.key === USER_KEY ? userMarkdown(texts) : isTunableKey(parsed.key) ? tunableMarkdown(parsed.key, texts) : undefined;
  if (!markdown) return null;
  const line = position.line;
  return {
    contents: { kind: MarkupKind.Markdown, value: markdown },
    range: { start: { line, character: parsed.keyColumn }, end: { line, character: parsed.keyColumn + parsed.key.length } },
  };
}
