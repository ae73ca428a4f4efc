/**
 * The FXP Queue panel's words. The webview cannot call vscode.l10n, so the extension translates
 * this table once (queue-strings.ts) and hands it to the page; the page fills the `{0}` holes.
 */
export const PANEL_STRING_KEYS = [
  // Row actions.
  'pause',
  'resume',
  'cancel',
  'retry',
  'remove',
  'moveUp',
  'moveDown',
  'reveal',
  'expand',
  'collapse',
  // Toolbar.
  'toolbarLabel',
  'runAll',
  'pauseAll',
  'clearFinished',
  'concurrency',
  'perSite',
  'limitsInvalid',
  'pausedAllNote',
  // Job states.
  'queued',
  'running',
  'paused',
  'done',
  'failed',
  'cancelled',
  // Method badges.
  'badgeFxp',
  'badgeFxpSscn',
  'badgeFxpCpsv',
  'badgeFxpClear',
  'badgeRelay',
  'badgeSkipped',
  'badgeFxpTitle',
  'badgeFxpClearTitle',
  'badgeRelayTitle',
  'badgeSkippedTitle',
  // Row details ({0}, {1}: filled in by the page).
  'bytesOf',
  'eta',
  'attempts',
  'waitingUntil',
  'sizeUnknown',
  'groupFiles',
  'groupFailed',
  // Totals and messages.
  'totalsJobs',
  'totalsStates',
  'listLabel',
  'empty',
  'saveProblem',
  'requestFailed',
  'dismiss',
] as const;

export type PanelStringKey = (typeof PANEL_STRING_KEYS)[number];

/** Every panel word, translated. */
export type PanelStrings = Record<PanelStringKey, string>;

/** Replaces `{0}`, `{1}`… in a translated template, as vscode.l10n.t does with its arguments. */
export function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (hole: string, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? hole : String(value);
  });
}
