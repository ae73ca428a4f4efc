import * as vscode from 'vscode';
import { ItemFailure, RecursiveHooks, RecursiveOutcome, walkTree, WalkedEntry } from './model/recursive';
import { RemoteFs } from './model/remote-fs';
import { baseName } from './model/site-uri';
import { Target } from './targets';

/** The words of one kind of recursive operation in its notification and summary. */
export interface RecursiveWords {
  /** Notification title, e.g. "Deleting on the server". */
  title: string;
  /** Summary of a finished or stopped run: "{done} of {total} items …". */
  summary(done: number, total: number): string;
}

/** How many lines of failures the warning itself shows; all of them go to the log. */
const SHOWN_FAILURES = 3;

/**
 * Runs a recursive operation in a notification with a count and a Cancel button (the operation
 * stops after the current item), then says what happened: a status-bar line when all went well,
 * a message when it was stopped, a warning with the failed items (all of them in the log).
 */
export async function withRecursiveProgress(words: RecursiveWords, log: vscode.LogOutputChannel, run: (hooks: RecursiveHooks) => Promise<RecursiveOutcome>): Promise<RecursiveOutcome> {
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: words.title, cancellable: true }, (progress, token) => {
    let percent = 0;
    return run({
      cancelled: () => token.isCancellationRequested,
      onItem: (done, total, path) => {
        if (total === 0) return progress.report({ message: vscode.l10n.t('listing {0}… ({1} found)', path, done) });
        const now = Math.floor((100 * done) / total);
        progress.report({ message: vscode.l10n.t('{0} of {1} · {2}', done + 1, total, baseName(path)), increment: now - percent });
        percent = now;
      },
    });
  });
  report(words, outcome, log);
  return outcome;
}

function report(words: RecursiveWords, outcome: RecursiveOutcome, log: vscode.LogOutputChannel): void {
  const counted = words.summary(outcome.done, outcome.total);
  const summary = outcome.cancelled ? vscode.l10n.t('Stopped: {0}', counted) : counted;
  for (const f of outcome.failures) log.warn(`[explorer] ${words.title}: ${f.path}: ${f.message}`);
  if (outcome.failures.length > 0) {
    const lines = outcome.failures.slice(0, SHOWN_FAILURES).map((f) => `${f.path}: ${f.message}`);
    if (outcome.failures.length > SHOWN_FAILURES) lines.push(vscode.l10n.t('… and {0} more', outcome.failures.length - SHOWN_FAILURES));
    const showLog = vscode.l10n.t('Show Log');
    const text = vscode.l10n.t('{0} {1} failed: {2}', summary, outcome.failures.length, lines.join('; '));
    void vscode.window.showWarningMessage(text, showLog).then((picked) => picked === showLog && log.show());
  } else if (outcome.cancelled) {
    void vscode.window.showInformationMessage(summary);
  } else {
    vscode.window.setStatusBarMessage(summary, 5000);
  }
}

/** An entry found below the targets, with its site. */
export type SiteEntry = WalkedEntry & { siteId: string };

/**
 * Lists the targets and everything below the folders among them, from fresh listings (a cached
 * one may miss what others added), then runs `work` on what was found. Failed listings join
 * the failures; a cancel during the listing changes nothing.
 */
export async function overTargets(fs: RemoteFs, targets: Target[], hooks: RecursiveHooks, work: (entries: SiteEntry[]) => Promise<RecursiveOutcome>): Promise<RecursiveOutcome> {
  const entries: SiteEntry[] = [];
  const failures: ItemFailure[] = [];
  for (const target of targets) {
    const { siteId, path } = target.location;
    if (target.folder) fs.invalidate(target.location);
    const walked = await walkTree([{ path, type: target.folder ? 'directory' : 'file' }], async (dir) => fs.list({ siteId, path: dir }), hooks);
    if (walked.cancelled) return { total: 0, done: 0, failures, cancelled: true };
    entries.push(...walked.entries.map((e) => ({ ...e, siteId })));
    failures.push(...walked.failures);
  }
  const outcome = await work(entries);
  return { ...outcome, failures: [...failures, ...outcome.failures] };
}
