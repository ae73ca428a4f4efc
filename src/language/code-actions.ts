import { CodeAction, CodeActionKind, Diagnostic, Range, TextEdit } from 'vscode-languageserver';
import { hashPassword } from '../core/server/password';
import { UnknownKeyData } from './diagnostics';
import { lineText } from './lines';
import { EN, LanguageTexts } from './texts';
import { findPlainPassword } from './user-line';

/** What a "hash this password" action carries until it is resolved. */
export interface HashPasswordData {
  uri: string;
  line: number;
}

/**
 * Code actions for a range: "did you mean" fixes for unknown keys, and a password-hashing fix
 * for every `user =` line in the range whose password is plain text. The hashing fix has no
 * edit yet: scrypt is deliberately slow, so it runs only when the user picks the action.
 */
export function codeActionsFor(text: string, uri: string, range: Range, diagnostics: Diagnostic[], texts: LanguageTexts = EN): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.code !== 'unknown-key') continue;
    const { suggestions } = diagnostic.data as UnknownKeyData;
    suggestions.forEach((key, index) =>
      actions.push({
        title: texts.changeTo(key),
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: { changes: { [uri]: [TextEdit.replace(diagnostic.range, key)] } },
      }),
    );
  }
  for (let line = range.start.line; line <= range.end.line; line++) {
    if (!findPlainPassword(lineText(text, line))) continue;
    const data: HashPasswordData = { uri, line };
    actions.push({
      title: texts.hashPassword,
      kind: CodeActionKind.QuickFix,
      diagnostics: diagnostics.filter((d) => d.range.start.line === line),
      isPreferred: true,
      data,
    });
  }
  return actions;
}

/** Fills in the edit of a password-hashing action from the document's current text. */
export async function resolveHashPassword(text: string, action: CodeAction): Promise<CodeAction> {
  const { uri, line } = action.data as HashPasswordData;
  const plain = findPlainPassword(lineText(text, line));
  // The line changed since the action was offered: resolve to no edit rather than hash the wrong text.
  if (!plain) return action;
  const range: Range = { start: { line, character: plain.start }, end: { line, character: plain.end } };
  return { ...action, edit: { changes: { [uri]: [TextEdit.replace(range, await hashPassword(plain.password))] } } };
}
