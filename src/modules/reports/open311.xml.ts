/**
 * The small XML writer Open311 GeoReport v2 needs: schemaless elements without attributes or
 * namespaces, lists named by their items (`<services><service>…`), UTF-8 with its declaration.
 */

export type XmlValue = string | number | boolean | null | undefined | readonly XmlValue[] | { readonly [name: string]: XmlValue };

// XML 1.0 allows tab, line feed, carriage return and U+0020 up, except lone surrogates, U+FFFE and U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const SPECIAL = /[&<>"'\r]/g;
// A carriage return as a reference: a parser would otherwise turn CR LF into LF.
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
// Anything to escape or replace (astral characters too, as surrogate pairs: rare, and checked properly then).
const NEEDS_WORK = /[&<>"'\r]|[^\t\n\u0020-\uD7FF\uE000-\uFFFD]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const names = new Set<string>();

/** Text as element content: markup escaped, characters XML cannot carry replaced by U+FFFD. */
export function escapeXml(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(NOT_XML, '\uFFFD').replace(SPECIAL, (c) => ENTITY[c] ?? c);
}

function element(name: string, value: XmlValue, items: Readonly<Record<string, string>>): string {
  if (!names.has(name)) {
    if (!NAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
    names.add(name);
  }
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = items[name];
    if (!item) throw new Error(`no item element for the list <${name}>`);
    return `<${name}>${value.map((v) => element(item, v, items)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    let children = '';
    const fields = value as Record<string, XmlValue>;
    for (const key in fields) {
      // undefined: no such element; null: an empty one.
      if (fields[key] !== undefined) children += element(key, fields[key], items);
    }
    return `<${name}>${children}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * A document with root element `root`: objects become child elements in their key order, a list
 * becomes one element per item named by `items[listName]`, null an empty element.
 *
 * @example
 *   toXml('services', [{ service_code: 'pothole' }], { services: 'service' })
 *   // <?xml version="1.0" encoding="UTF-8"?>\n<services><service><service_code>pothole</service_code></service></services>\n
 */
export function toXml(root: string, value: XmlValue, items: Readonly<Record<string, string>>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, value, items)}\n`;
}
