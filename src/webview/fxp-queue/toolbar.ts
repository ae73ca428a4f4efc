import { fill, PanelStrings } from '../../vscode/fxp/model/panel-strings';
import { MAX_LIMIT } from '../../vscode/fxp/model/queue-messages';
import type { PanelRequest, QueueLimits } from '../../vscode/fxp/model/queue-protocol';
import { QueueTotals, statesText, totalsText } from '../../vscode/fxp/model/queue-view-model';
import { element, setAttribute, setText } from './dom';

/** Sends a request; `label` names it in an error message. */
export type Requester = (request: PanelRequest, label: string) => void;

/** The panel's toolbar: run/pause all, the two concurrency limits, clear finished, and the totals. */
export class Toolbar {
  readonly el: HTMLElement;
  private readonly runAll: HTMLElement;
  private readonly pauseAll: HTMLElement;
  private readonly clearFinished: HTMLElement;
  private readonly concurrency: HTMLInputElement;
  private readonly perSite: HTMLInputElement;
  private readonly totals: HTMLElement;
  private readonly status: HTMLElement;
  private limits: QueueLimits = { concurrency: 1, perSite: 1 };

  constructor(
    private readonly doc: Document,
    private readonly strings: PanelStrings,
    private readonly request: Requester,
  ) {
    this.runAll = this.button('run-all', strings.runAll, () => request({ action: 'resumeAll' }, strings.runAll));
    this.pauseAll = this.button('debug-pause', strings.pauseAll, () => request({ action: 'pauseAll' }, strings.pauseAll));
    this.clearFinished = this.button('clear-all', strings.clearFinished, () => request({ action: 'clearFinished' }, strings.clearFinished));
    this.clearFinished.setAttribute('secondary', '');
    this.concurrency = this.limitField('concurrency', strings.concurrency);
    this.perSite = this.limitField('perSite', strings.perSite);
    this.totals = element(doc, 'span', 'totals');
    // Announced on change: counts by state only, so a screen reader is not told every rate tick.
    this.status = element(doc, 'span', 'sr-only', { role: 'status', 'aria-live': 'polite' });
    const fields = [element(doc, 'label', 'limit', {}, [strings.concurrency, this.concurrency]), element(doc, 'label', 'limit', {}, [strings.perSite, this.perSite])];
    this.el = element(doc, 'div', 'toolbar', { role: 'toolbar', 'aria-label': strings.toolbarLabel }, [this.runAll, this.pauseAll, ...fields, this.clearFinished, this.totals, this.status]);
  }

  private button(icon: string, label: string, onClick: () => void): HTMLElement {
    const button = element(this.doc, 'vscode-button', 'toolbar-button', { icon, title: label, 'aria-label': label }, [label]);
    button.addEventListener('click', () => {
      if (!button.hasAttribute('disabled')) onClick();
    });
    return button;
  }

  private limitField(name: keyof QueueLimits, label: string): HTMLInputElement {
    const field = element(this.doc, 'vscode-textfield', 'limit-field', { type: 'number', min: '1', max: String(MAX_LIMIT), 'aria-label': label, title: label, 'data-limit': name }) as HTMLInputElement;
    field.addEventListener('change', () => this.limitsEdited());
    return field;
  }

  /** Sends the limits when both fields hold whole numbers in range; marks a field that does not. */
  private limitsEdited(): void {
    const read = (field: HTMLInputElement): number | undefined => {
      const value = Number(field.value);
      const valid = Number.isInteger(value) && value >= 1 && value <= MAX_LIMIT;
      setAttribute(field, 'invalid', valid ? undefined : '');
      setAttribute(field, 'title', valid ? field.getAttribute('aria-label')! : fill(this.strings.limitsInvalid, MAX_LIMIT));
      return valid ? value : undefined;
    };
    const concurrency = read(this.concurrency);
    const perSite = read(this.perSite);
    if (concurrency === undefined || perSite === undefined) return;
    if (concurrency === this.limits.concurrency && perSite === this.limits.perSite) return;
    this.request({ action: 'setLimits', limits: { concurrency, perSite } }, this.strings.concurrency);
  }

  /** Shows the queue's limits, pause state and totals; a field being edited keeps what the user typed. */
  update(limits: QueueLimits, pausedAll: boolean, totals: QueueTotals): void {
    this.limits = limits;
    for (const [field, value] of [
      [this.concurrency, limits.concurrency],
      [this.perSite, limits.perSite],
    ] as const) {
      if (this.doc.activeElement !== field && field.value !== String(value)) field.value = String(value);
    }
    const s = totals.byState;
    setAttribute(this.runAll, 'disabled', pausedAll || s.paused > 0 ? undefined : '');
    setAttribute(this.pauseAll, 'disabled', !pausedAll || s.running + s.queued > 0 ? undefined : '');
    setAttribute(this.clearFinished, 'disabled', s.done + s.cancelled > 0 ? undefined : '');
    setText(this.totals, totalsText(totals, this.strings));
    setText(this.status, statesText(totals, this.strings));
  }
}
