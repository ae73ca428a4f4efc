import * as vscode from 'vscode';
import type { InterruptedList } from './model/interrupted';
import { locationOf, SCHEME } from './model/site-uri';

/**
 * Marks remote files an interrupted upload may have left incomplete (the file itself, or
 * everything under an uploaded folder) with a badge and a tooltip in the Sites view, until the
 * upload is resumed. Downloads need no mark: they are "<name>.part" until complete.
 */
export class PartialDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly list: InterruptedList) {
    this.subscription = list.onDidChange(() => this.changed.fire(undefined));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== SCHEME) return undefined;
    const location = locationOf(uri);
    const upload = this.list.uploadTouching(location.siteId, location.path);
    if (!upload) return undefined;
    return new vscode.FileDecoration(
      'P',
      vscode.l10n.t('Possibly incomplete: {0} was interrupted ({1}). Run "Resume Interrupted Transfers" to finish it.', upload.title, upload.reason),
      new vscode.ThemeColor('list.warningForeground'),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Registers the marks of `list`'s interrupted uploads; the result disposes both the provider and its registration. */
export function registerPartialDecorations(list: InterruptedList): vscode.Disposable {
  const provider = new PartialDecorations(list);
  return vscode.Disposable.from(provider, vscode.window.registerFileDecorationProvider(provider));
}
