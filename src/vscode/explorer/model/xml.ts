/** An element of a parsed XML document: its name, attributes and children (elements and text). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces the five predefined entities and numeric character references. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/**
 * A small non-validating XML parser for configuration files such as FileZilla's: elements,
 * attributes, text, CDATA; declarations, comments and doctypes are skipped. Throws on
 * mismatched tags so a broken file is reported rather than half-read.
 */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[?!][\s\S]*?>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const [, cdata, closing, opening, attrs, selfClosing, chars] = m;
    const top = stack[stack.length - 1];
    if (cdata !== undefined) top.children.push(cdata);
    else if (chars !== undefined) top.children.push(decodeEntities(chars));
    else if (closing !== undefined) {
      if (top.name !== closing) throw new Error(`unexpected </${closing}> (open element: <${top.name}>)`);
      stack.pop();
    } else if (opening !== undefined) {
      const element: XmlElement = { name: opening, attributes: {}, children: [] };
      for (const a of (attrs ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) element.attributes[a[1]] = decodeEntities(a[2] ?? a[3]);
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  return root;
}

/** The child elements of `element`, optionally only those named `name`. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

/** The text directly inside `element` (not of its child elements), trimmed. */
export function ownText(element: XmlElement): string {
  return element.children
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
}

/** The text of the first child named `name`, or undefined. */
export function childText(element: XmlElement, name: string): string | undefined {
  const child = childElements(element, name)[0];
  return child ? ownText(child) : undefined;
}
