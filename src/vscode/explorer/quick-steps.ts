import * as vscode from 'vscode';

/** The user pressed the Back button. */
export const BACK = Symbol('back');
export type StepAnswer<T> = T | typeof BACK | undefined;

/** Where a step is in a flow, for the title ("Add site (3/11)") and the Back button. */
export interface StepPosition {
  title: string;
  step: number;
  total: number;
}

function place(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, position: StepPosition): void {
  input.title = position.title;
  input.step = position.step;
  input.totalSteps = position.total;
  input.ignoreFocusOut = true;
  input.buttons = position.step > 1 ? [vscode.QuickInputButtons.Back] : [];
}

/** Shows one quick input and settles with its answer, BACK, or undefined when dismissed. */
function settle<T>(input: vscode.QuickInput, wire: (done: (answer: StepAnswer<T>) => void) => void): Promise<StepAnswer<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: StepAnswer<T>) => {
      if (settled) return;
      settled = true;
      resolve(answer);
      input.hide();
    };
    wire(done);
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

/** A choice step; the item whose value is `active` starts highlighted. */
export function askChoice<T>(position: StepPosition, options: { placeholder: string; items: (vscode.QuickPickItem & { value: T })[]; active?: T }): Promise<StepAnswer<T>> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
  place(pick, position);
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  const active = options.items.find((item) => item.value === options.active);
  if (active) pick.activeItems = [active];
  return settle<T>(pick, (done) => {
    pick.onDidTriggerButton(() => done(BACK));
    pick.onDidAccept(() => pick.selectedItems[0] && done(pick.selectedItems[0].value));
  });
}

/**
 * Runs steps in order with Back support. A step returns true to go on, false to be skipped
 * (not applicable; skipped again when going back), BACK or undefined (cancel the flow).
 */
export async function runSteps(steps: ((position: Omit<StepPosition, 'title'>) => Promise<boolean | typeof BACK | undefined>)[]): Promise<boolean> {
  const visited: number[] = [];
  for (let i = 0; i < steps.length; ) {
    const result = await steps[i]({ step: visited.length + 1, total: steps.length });
    if (result === undefined) return false;
    if (result === BACK) {
      i = visited.pop() ?? 0;
      continue;
    }
    if (result) visited.push(i);
    i++;
  }
  return true;
}
