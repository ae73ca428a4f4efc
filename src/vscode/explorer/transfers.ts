import * as vscode from 'vscode';
import { CancelledError, ConnectionError } from '../../core/client';
import { toFsProblem } from './model/fs-problem';
import type { Logger } from './model/log';
import { formatBytes } from './model/progress';
import { waitForReconnect } from './model/reconnect';
import { SiteClients } from './model/site-clients';
import { runTransferJob, TransferJob } from './model/transfer-job';

/** A transfer that did not finish and can be run again with resume. */
export interface InterruptedTransfer {
  job: TransferJob;
  title: string;
  reason: string;
}

const RECONNECT = { attempts: 10, delayMs: 3000 };

/**
 * Runs transfer jobs under a progress notification with bytes, rate and a working Cancel.
 * A job that fails or is cancelled is kept as interrupted and offered as Resume; when the
 * connection dropped and `ferry.transfers.autoResume` is on, it resumes by itself once the
 * site answers again.
 */
export class Transfers implements vscode.Disposable {
  private readonly interrupted: InterruptedTransfer[] = [];
  private readonly stopping = new AbortController();

  constructor(
    private readonly clients: SiteClients,
    private readonly log: Logger,
    /** Called after every run (also failed ones: partial results show). */
    private readonly onFinished: (job: TransferJob) => void,
  ) {}

  /** Transfers not finished, oldest first. */
  pending(): readonly InterruptedTransfer[] {
    return this.interrupted;
  }

  /** Runs a job (resuming partial files when `resume`); resolves true when every item arrived. */
  run(job: TransferJob, title: string, resume = false): Thenable<boolean> {
    const settings = vscode.workspace.getConfiguration('ferry.transfers');
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const started = Date.now();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let percent = 0;
      try {
        const { client } = await this.clients.connected(job.siteId);
        this.log.info(`${resume ? 'resume' : 'start'}: ${title}`);
        const done = await runTransferJob(client, job, {
          resume,
          signal: abort.signal,
          verifyHash: settings.get<boolean>('verifyHash', false),
          preserveTime: settings.get<boolean>('preserveTimes', true),
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
        this.interrupt(job, title, err, abort.signal.aborted || err instanceof CancelledError);
        return false;
      } finally {
        cancel.dispose();
        this.onFinished(job);
      }
    });
  }

  private interrupt(job: TransferJob, title: string, err: unknown, cancelled: boolean): void {
    const reason = cancelled ? vscode.l10n.t('cancelled') : toFsProblem(err).message;
    const entry = { job, title, reason };
    this.interrupted.push(entry);
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

  /** Runs an interrupted transfer again, continuing partial files. */
  async resume(entry: InterruptedTransfer): Promise<boolean> {
    const index = this.interrupted.indexOf(entry);
    if (index < 0) return false;
    this.interrupted.splice(index, 1);
    return this.run(entry.job, entry.title, true);
  }

  dispose(): void {
    this.stopping.abort();
  }
}
