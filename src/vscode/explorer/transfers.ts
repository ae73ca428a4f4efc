import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, ConnectionError } from '../../core/client';
import { pickConflictRule } from '../conflict-rule-picker';
import { ConflictAnswer, ConflictAnswers, SavedAnswers } from './model/conflict-answers';
import { toFsProblem } from './model/fs-problem';
import { InterruptedList, InterruptedTransfer, StateStore } from './model/interrupted';
import type { Logger } from './model/log';
import { formatBytes } from '../../core/format-bytes';
import { waitForReconnect } from './model/reconnect';
import { SiteClients } from './model/site-clients';
import { baseName, parentPath } from './model/site-uri';
import { runTransferJob, TransferJob } from './model/transfer-job';
import { transferExcludes } from './transfer-exclude';

export type { InterruptedTransfer } from './model/interrupted';

const RECONNECT = { attempts: 10, delayMs: 3000 };

/** The question for one existing target, with "for all the rest" answers for a folder transfer. */
async function askAboutTarget(job: TransferJob, targetPath: string): Promise<ConflictAnswer | undefined> {
  const [name, folder] = job.direction === 'download' ? [path.basename(targetPath), path.dirname(targetPath)] : [baseName(targetPath), parentPath(targetPath)];
  const picked = await pickConflictRule(
    vscode.l10n.t('"{0}" already exists in {1}', name, folder),
    vscode.l10n.t('What should the transfer do with it? Escape stops the transfer.'),
    vscode.l10n.t('Apply to the rest of this transfer'),
    (label) => vscode.l10n.t('{0}, for all the rest', label),
  );
  return picked && { rule: picked.rule, all: picked.second };
}

/** Conflict answers for a job: asked in the UI, starting from `saved` (a resume) or a fixed rule (scripts). */
export function conflictAnswers(job: TransferJob, saved?: SavedAnswers): ConflictAnswers {
  return new ConflictAnswers((target) => askAboutTarget(job, target), saved);
}

/**
 * Runs transfer jobs under a progress notification with bytes, rate and a working Cancel.
 * A job that fails or is cancelled is kept (persisted) as interrupted and offered as Resume;
 * when the connection dropped and `ferry.transfers.autoResume` is on, it resumes by itself once
 * the site answers again.
 */
export class Transfers implements vscode.Disposable {
  /** The interrupted transfers, kept across reloads. */
  readonly interrupted: InterruptedList;
  private readonly stopping = new AbortController();

  constructor(
    private readonly clients: SiteClients,
    private readonly log: Logger,
    /** Called after every run (also failed ones: partial results show). */
    private readonly onFinished: (job: TransferJob) => void,
    state: StateStore,
  ) {
    this.interrupted = new InterruptedList(state);
  }

  /** Transfers not finished, oldest first. */
  pending(): readonly InterruptedTransfer[] {
    return this.interrupted.all();
  }

  /** Runs a job (resuming partial files when `resume`); resolves true when every item arrived or was skipped by a conflict answer. */
  run(job: TransferJob, title: string, resume = false, answers = conflictAnswers(job)): Thenable<boolean> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const started = Date.now();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let percent = 0;
      try {
        const { client } = await this.clients.connected(job.siteId);
        this.log.info(`${resume ? 'resume' : 'start'}: ${title}`);
        const settings = vscode.workspace.getConfiguration('ferry.transfers');
        const done = await runTransferJob(client, job, {
          resume,
          signal: abort.signal,
          verifyHash: settings.get<boolean>('verifyHash', false),
          preserveTime: settings.get<boolean>('preserveTimes', true),
          exclude: transferExcludes(job.siteId),
          conflict: (target) => answers.rule(target),
          onProgress: (s) => {
            const next = s.fraction === undefined ? percent : Math.min(100, s.fraction * 100);
            progress.report({ message: vscode.l10n.t('{0} of {1} · {2}/s', formatBytes(s.bytes), formatBytes(s.totalBytes), formatBytes(s.rate)), increment: next - percent });
            percent = next;
          },
        });
        this.clients.observe(job.siteId);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        this.log.info(`done: ${title} (${done.files} files, ${done.bytes} bytes, ${seconds} s)`);
        // A final word for every transfer, however fast: the progress notification closes with it.
        vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Ferry: {0} done · {1} in {2} s', title, formatBytes(done.bytes), seconds), 10_000);
        return true;
      } catch (err) {
        this.clients.observe(job.siteId, err);
        await this.interrupt(job, title, err, abort.signal.aborted || err instanceof CancelledError, answers.saved());
        return false;
      } finally {
        cancel.dispose();
        this.onFinished(job);
      }
    });
  }

  private async interrupt(job: TransferJob, title: string, err: unknown, cancelled: boolean, answers: SavedAnswers): Promise<void> {
    const reason = cancelled ? vscode.l10n.t('cancelled') : toFsProblem(err).message;
    const entry = await this.interrupted.add({ job, title, reason, at: Date.now(), answers });
    this.log.warn(`interrupted: ${title}: ${reason}`);
    const auto = vscode.workspace.getConfiguration('ferry.transfers').get<boolean>('autoResume', true);
    if (!cancelled && auto && err instanceof ConnectionError) void this.resumeOnReconnect(entry);
    else void this.offer(entry);
  }

  /** Shows the interruption with a Resume button. */
  private async offer(entry: InterruptedTransfer): Promise<void> {
    const resume = vscode.l10n.t('Resume');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} was interrupted: {1}', entry.title, entry.reason), resume);
    if (choice === resume) await this.resume(entry);
  }

  private async resumeOnReconnect(entry: InterruptedTransfer): Promise<void> {
    this.log.info(`waiting for ${entry.job.siteId} to answer again to resume: ${entry.title}`);
    const status = vscode.window.setStatusBarMessage(vscode.l10n.t('$(sync~spin) Ferry: reconnecting to resume {0}…', entry.title));
    const probe = async () => (await this.clients.connected(entry.job.siteId)).client.connect();
    const back = await waitForReconnect(probe, { ...RECONNECT, signal: this.stopping.signal });
    status.dispose();
    if (back) await this.resume(entry);
    else if (!this.stopping.signal.aborted) await this.offer(entry);
  }

  /** Runs an interrupted transfer again, continuing partial files and keeping its conflict answers. */
  async resume(entry: InterruptedTransfer): Promise<boolean> {
    if (!(await this.interrupted.remove(entry.id))) return false;
    return this.run(entry.job, entry.title, true, conflictAnswers(entry.job, entry.answers));
  }

  dispose(): void {
    this.stopping.abort();
  }
}
