import * as vscode from 'vscode';

/** The user pressed the Back button. */
export const BACK = Symbol('back');
export type StepAnswer<T> = T | typeof BACK | undefined;

/** Where a page is in a flow, for the title's step counter ("3/4") and the Back button. */
export interface StepPosition {
  title: string;
  step: number;
  total: number;
  /** There is a page before this one (the first page of a flow, or of an edit, has no Back). */
  back: boolean;
}

/** A pick item carrying the value it stands for. */
export type Choice<T> = vscode.QuickPickItem & { value: T };

/** Puts the flow's title, step counter and Back button on a quick input. */
export function place(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, position: StepPosition): void {
  input.title = position.title;
  input.step = position.step;
  input.totalSteps = position.total;
  input.ignoreFocusOut = true;
  input.buttons = position.back ? [vscode.QuickInputButtons.Back] : [];
}

/**
 * Shows one quick input and settles with its answer, BACK, or undefined when dismissed (Escape).
 * `closed` is aborted when the input goes away, so work started for it (a probe) stops.
 */
export function settle<T>(input: vscode.QuickInput, wire: (done: (answer: StepAnswer<T>) => void, closed: AbortSignal) => void): Promise<StepAnswer<T>> {
  const closed = new AbortController();
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: StepAnswer<T>) => {
      if (settled) return;
      settled = true;
      closed.abort();
      resolve(answer);
      input.hide();
    };
    wire(done, closed.signal);
    input.onDidHide(() => {
      done(undefined);
      input.dispose();
    });
    input.show();
  });
}

/** A text step; `validate` returns a message for a bad value. */
export function askText(
  position: StepPosition,
  options: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (value: string) => string | undefined },
): Promise<StepAnswer<string>> {
  const box = vscode.window.createInputBox();
  place(box, position);
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder;
  box.password = options.password ?? false;
  return settle<string>(box, (done) => {
    box.onDidTriggerButton(() => done(BACK));
    box.onDidChangeValue((value) => (box.validationMessage = options.validate?.(value)));
    box.onDidAccept(() => {
      box.validationMessage = options.validate?.(box.value);
      if (!box.validationMessage) done(box.value);
    });
  });
}

/**
 * A choice step; the item whose value is `active` starts highlighted. `load` replaces the items
 * once it resolves (the pick shows busy meanwhile); its signal aborts when the step is left.
 */
export function askChoice<T>(
  position: StepPosition,
  options: { placeholder: string; items: Choice<T>[]; active?: T; load?: (signal: AbortSignal) => Promise<Choice<T>[]> },
): Promise<StepAnswer<T>> {
  const pick = vscode.window.createQuickPick<Choice<T>>();
  place(pick, position);
  pick.placeholder = options.placeholder;
  const show = (items: Choice<T>[]) => {
    const active = pick.activeItems[0]?.value ?? options.active;
    pick.items = items;
    // By content: a reloaded item carries an equal value, not the same object.
    const item = items.find((i) => JSON.stringify(i.value) === JSON.stringify(active));
    if (item) pick.activeItems = [item];
  };
  show(options.items);
  return settle<T>(pick, (done, closed) => {
    pick.onDidTriggerButton(() => done(BACK));
    pick.onDidAccept(() => pick.selectedItems[0] && done(pick.selectedItems[0].value));
    if (!options.load) return;
    pick.busy = true;
    void options.load(closed).then(
      (items) => !closed.aborted && show(items),
      () => undefined,
    ).finally(() => (pick.busy = false));
  });
}
