import * as vscode from 'vscode';
import type { PanelStrings } from './model/panel-strings';

/**
 * The FXP Queue panel's words in the user's language. Each is a literal vscode.l10n.t call so the
 * bundle tools find it; `{0}` holes stay in the text (no arguments here) and the page fills them.
 */
export function panelStrings(): PanelStrings {
  return {
    pause: vscode.l10n.t('Pause'),
    resume: vscode.l10n.t('Resume'),
    cancel: vscode.l10n.t('Cancel'),
    retry: vscode.l10n.t('Retry'),
    remove: vscode.l10n.t('Remove'),
    moveUp: vscode.l10n.t('Move Up'),
    moveDown: vscode.l10n.t('Move Down'),
    reveal: vscode.l10n.t('Reveal in Sites'),
    expand: vscode.l10n.t('Expand'),
    collapse: vscode.l10n.t('Collapse'),
    toolbarLabel: vscode.l10n.t('FXP queue actions'),
    runAll: vscode.l10n.t('Run All'),
    pauseAll: vscode.l10n.t('Pause All'),
    clearFinished: vscode.l10n.t('Clear Finished'),
    concurrency: vscode.l10n.t('Jobs at once'),
    perSite: vscode.l10n.t('Per site'),
    limitsInvalid: vscode.l10n.t('Enter a whole number from 1 to {0}.'),
    pausedAllNote: vscode.l10n.t('Paused: no new copy starts until Run All.'),
    queued: vscode.l10n.t('Queued'),
    running: vscode.l10n.t('Running'),
    paused: vscode.l10n.t('Paused'),
    done: vscode.l10n.t('Done'),
    failed: vscode.l10n.t('Failed'),
    cancelled: vscode.l10n.t('Cancelled'),
    badgeFxp: vscode.l10n.t('FXP'),
    badgeFxpSscn: vscode.l10n.t('FXP · TLS (SSCN)'),
    badgeFxpCpsv: vscode.l10n.t('FXP · TLS (CPSV)'),
    badgeFxpClear: vscode.l10n.t('FXP · clear data'),
    badgeRelay: vscode.l10n.t('relay'),
    badgeSkipped: vscode.l10n.t('skipped'),
    badgeFxpTitle: vscode.l10n.t('Copied server to server: no file bytes passed through this machine.'),
    badgeFxpClearTitle: vscode.l10n.t('Copied server to server with an unencrypted data connection between the two servers.'),
    badgeRelayTitle: vscode.l10n.t('Relayed: the file bytes passed through this machine (FXP was refused or not possible).'),
    badgeSkippedTitle: vscode.l10n.t('Not copied: the target already had this file.'),
    bytesOf: vscode.l10n.t('{0} of {1}'),
    eta: vscode.l10n.t('{0} left'),
    attempts: vscode.l10n.t('{0} failed attempts'),
    waitingUntil: vscode.l10n.t('next attempt at {0}'),
    sizeUnknown: vscode.l10n.t('size unknown'),
    groupFiles: vscode.l10n.t('{0} of {1} files'),
    groupFailed: vscode.l10n.t('{0} failed'),
    totalsJobs: vscode.l10n.t('{0} jobs · {1} · {2}'),
    totalsStates: vscode.l10n.t('{0} running, {1} waiting, {2} done, {3} failed'),
    listLabel: vscode.l10n.t('FXP jobs'),
    empty: vscode.l10n.t("Drag files from one site onto another site's folder to copy them server to server."),
    saveProblem: vscode.l10n.t('The queue file could not be saved: {0}'),
    requestFailed: vscode.l10n.t('{0} failed: {1}'),
    dismiss: vscode.l10n.t('Dismiss'),
  };
}
