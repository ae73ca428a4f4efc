/**
 * Small DOM helpers of the FXP Queue page. They take the document to build in (never the global
 * one) so the renderer also runs in a test's or benchmark's own window (happy-dom).
 */

/** Builds an element with a class, attributes and children. */
export function element(doc: Document, tag: string, className?: string, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElement {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

/** Sets text only when it differs: a patch of 100 rows then touches only the cells that changed. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets or (with undefined) removes an attribute, only when it changes. */
export function setAttribute(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Shows or hides an element with the `hidden` attribute. */
export function setHidden(el: Element, hidden: boolean): void {
  setAttribute(el, 'hidden', hidden ? '' : undefined);
}
