import * as vscode from 'vscode';
import { isContainer, Node } from './nodes';

/** The context key the Sites view's keybindings test: what the selection holds. */
export const SELECTION_KEY = 'ferry.explorer.selection';

/**
 * What a selection holds: "file", "folder", "site" or "message" when all items are of that kind, "entries" for files
 * and folders together, "mixed" when sites are among them, "none" when empty.
 */
export function selectionKind(nodes: readonly Node[]): string {
  const kinds = new Set(nodes.map((n) => (n.kind === 'site' ? 'site' : n.kind === 'message' ? 'message' : isContainer(n) ? 'folder' : 'file')));
  if (kinds.size <= 1) return [...kinds][0] ?? 'none';
  return [...kinds].every((k) => k === 'file' || k === 'folder') ? 'entries' : 'mixed';
}

/**
 * Keeps SELECTION_KEY in step with the Sites view's selection. Keybindings cannot see `viewItem` (menus only), and
 * a command run by a key gets no argument but acts on the selection, so the key's `when` asks what is selected.
 */
export function trackSelectionKind(view: vscode.TreeView<Node>): vscode.Disposable {
  const update = () => void vscode.commands.executeCommand('setContext', SELECTION_KEY, selectionKind(view.selection));
  update();
  return view.onDidChangeSelection(update);
}
