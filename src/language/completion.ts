import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, Position, Range } from 'vscode-languageserver';
import { formatTunableValue, isTunableKey, TunableKey, TUNABLES } from '../core/server/tunables';
import { lineText, parseLine } from './lines';
import { EN, LanguageTexts } from './texts';
import { tunableMarkdown, tunableSummary, userMarkdown, USER_KEY } from './tunable-docs';

/** Completion items at a position: keys at the start of a line, values after `=`. */
export function completeAt(text: string, position: Position, texts: LanguageTexts = EN): CompletionItem[] {
  const raw = lineText(text, position.line);
  const before = raw.slice(0, position.character);
  if (before.trimStart().startsWith('#')) return [];
  const eq = raw.indexOf('=');
  return eq < 0 || position.character <= eq ? keyItems(text, raw, position, texts) : valueItems(raw, position, texts);
}

/** Escapes text for a snippet placeholder. */
function snippetText(value: string): string {
  return value.replace(/[$}\\]/g, (c) => '\\' + c);
}

function keyItems(text: string, raw: string, position: Position, texts: LanguageTexts): CompletionItem[] {
  const start = raw.length - raw.trimStart().length;
  const eq = raw.indexOf('=');
  // With "= value" already on the line only the key is replaced; otherwise a whole line is inserted.
  const keyEnd = eq < 0 ? raw.trimEnd().length : start + raw.slice(start, eq).trimEnd().length;
  const range: Range = { start: { line: position.line, character: Math.min(start, position.character) }, end: { line: position.line, character: Math.max(keyEnd, position.character) } };
  const whole = eq < 0;
  const alreadySet = setElsewhere(text, position.line);
  const keys = (Object.keys(TUNABLES) as TunableKey[]).filter((key) => !alreadySet.has(key));
  const items = keys.map((key, index): CompletionItem => ({
    label: key,
    kind: CompletionItemKind.Property,
    detail: tunableSummary(key, texts),
    documentation: { kind: MarkupKind.Markdown, value: tunableMarkdown(key, texts) },
    sortText: String(index).padStart(3, '0'),
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: whole ? `${key} = ${valuePlaceholder(key)}` : key },
  }));
  items.push({
    label: USER_KEY,
    kind: CompletionItemKind.Property,
    detail: 'name:scrypt-hash:perms[:root]',
    documentation: { kind: MarkupKind.Markdown, value: userMarkdown(texts) },
    sortText: String(keys.length).padStart(3, '0'),
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: whole ? `${USER_KEY} = \${1:name}:\${2:password}:\${3:elr}` : USER_KEY },
  });
  return items;
}

/** The snippet for a key's value: a YES/NO choice for booleans, the default elsewhere. */
function valuePlaceholder(key: TunableKey): string {
  if (TUNABLES[key].type === 'bool') return TUNABLES[key].default ? '${1|YES,NO|}' : '${1|NO,YES|}';
  return `\${1:${snippetText(formatTunableValue(key, TUNABLES[key].default))}}`;
}

/** Tunable keys set on lines other than `exceptLine` (a key may only be set once). */
function setElsewhere(text: string, exceptLine: number): Set<string> {
  const keys = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const parsed = index === exceptLine ? undefined : parseLine(raw);
    if (parsed && isTunableKey(parsed.key)) keys.add(parsed.key);
  });
  return keys;
}

function valueItems(raw: string, position: Position, texts: LanguageTexts): CompletionItem[] {
  const parsed = parseLine(raw);
  if (!parsed || !isTunableKey(parsed.key)) return [];
  const key = parsed.key;
  // The range must contain the cursor, and must not start with the blank after "=" (it would filter everything out).
  const start = parsed.value === '' ? position.character : Math.min(parsed.valueColumn, position.character);
  const range: Range = { start: { line: position.line, character: start }, end: { line: position.line, character: Math.max(raw.trimEnd().length, position.character) } };
  const spec = TUNABLES[key];
  const values = spec.type === 'bool' ? [true, false] : [spec.default];
  return values
    .map((value) => formatTunableValue(key, value))
    .filter((shown) => shown !== '')
    .map((shown) => {
      const isDefault = shown === formatTunableValue(key, spec.default);
      return {
        label: shown,
        kind: CompletionItemKind.Value,
        detail: isDefault ? texts.defaultWord : undefined,
        preselect: isDefault,
        documentation: { kind: MarkupKind.Markdown, value: tunableMarkdown(key, texts) },
        textEdit: { range, newText: shown },
      };
    });
}
