import { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** Applies LSP text edits to a text, as the editor would. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///test/mini_ftpd.conf', 'mini-ftpd-conf', 1, text), edits);
}

/** The text a 0-based range covers on one line. */
export function textAt(text: string, range: { start: { line: number; character: number }; end: { character: number } }): string {
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}
