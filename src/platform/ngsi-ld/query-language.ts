/**
 * The NGSI-LD query language of `q` (ETSI GS CIM 009, 4.9): `;` AND, `|` OR (AND binds tighter),
 * parentheses, `==` `!=` `>` `>=` `<` `<=`, `~=` / `!~=` regular expressions, ranges `a..b` and
 * lists `a,b,c` (with `==` and `!=`), quoted strings, numbers, booleans, date-times, attribute
 * paths `a.b` (sub-attribute) and `a[b]` (member of a compound value), and a bare attribute
 * (it exists). Parsed to a tree here; compiled to SQL by the registry, never evaluated in memory.
 */
import { badRequest } from './errors.js';

export type Scalar = number | string | boolean;
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export interface AttrPath {
  /** The attribute, then the sub-attributes (`a.b`), then the compound members (`a[b]`). */
  name: string;
  sub: string[];
  members: string[];
}

export type QNode =
  | { kind: 'and' | 'or'; items: QNode[] }
  | { kind: 'exists'; path: AttrPath }
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: Scalar }
  | { kind: 'range'; path: AttrPath; negate: boolean; from: Scalar; to: Scalar }
  | { kind: 'list'; path: AttrPath; negate: boolean; values: Scalar[] }
  | { kind: 'regex'; path: AttrPath; negate: boolean; pattern: string };

/** A term of a query (anything but AND / OR). */
export type QTerm = Exclude<QNode, { kind: 'and' | 'or' }>;

/** Longer than this, a query is refused (it is a URL parameter; nobody writes more by hand). */
export const MAX_Q_LENGTH = 2000;
const MAX_DEPTH = 20;
const MAX_TERMS = 100;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

class Parser {
  private pos = 0;
  private terms = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw badRequest(`q: ${what} at position ${this.pos}`);
  }

  parse(): QNode {
    const node = this.or(0);
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}"`);
    return node;
  }

  private or(depth: number): QNode {
    const items = [this.and(depth)];
    while (this.text[this.pos] === '|') {
      this.pos++;
      items.push(this.and(depth));
    }
    return items.length === 1 ? (items[0] as QNode) : { kind: 'or', items };
  }

  private and(depth: number): QNode {
    const items = [this.factor(depth)];
    while (this.text[this.pos] === ';') {
      this.pos++;
      items.push(this.factor(depth));
    }
    return items.length === 1 ? (items[0] as QNode) : { kind: 'and', items };
  }

  private factor(depth: number): QNode {
    if (this.text[this.pos] === '(') {
      if (depth >= MAX_DEPTH) this.fail('too deeply nested');
      this.pos++;
      const node = this.or(depth + 1);
      if (this.text[this.pos] !== ')') this.fail('missing ")"');
      this.pos++;
      return node;
    }
    if (++this.terms > MAX_TERMS) this.fail('too many terms');
    return this.term();
  }

  private name(): string {
    const m = NAME.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected an attribute name');
    this.pos += m[0].length;
    return m[0];
  }

  private path(): AttrPath {
    const name = this.name();
    const sub: string[] = [];
    const members: string[] = [];
    while (this.text[this.pos] === '.') {
      this.pos++;
      sub.push(this.name());
    }
    while (this.text[this.pos] === '[') {
      this.pos++;
      members.push(this.name());
      if (this.text[this.pos] !== ']') this.fail('missing "]"');
      this.pos++;
    }
    return { name, sub, members };
  }

  private operator(): string | undefined {
    for (const op of ['==', '!=', '>=', '<=', '!~=', '~=', '>', '<']) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private term(): QNode {
    const path = this.path();
    const at = this.text[this.pos];
    if (at === undefined || at === ';' || at === '|' || at === ')') return { kind: 'exists', path };
    const op = this.operator();
    if (!op) this.fail('expected an operator');
    if (op === '~=' || op === '!~=') return { kind: 'regex', path, negate: op === '!~=', pattern: this.regex() };
    const first = this.value();
    if (this.text.startsWith('..', this.pos)) {
      if (op !== '==' && op !== '!=') this.fail('a range needs == or !=');
      this.pos += 2;
      return { kind: 'range', path, negate: op === '!=', from: first, to: this.value() };
    }
    if (this.text[this.pos] === ',') {
      if (op !== '==' && op !== '!=') this.fail('a list needs == or !=');
      const values = [first];
      while (this.text[this.pos] === ',') {
        this.pos++;
        values.push(this.value());
      }
      return { kind: 'list', path, negate: op === '!=', values };
    }
    return { kind: 'compare', path, op: op as CompareOp, value: first };
  }

  private quoted(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      this.pos++;
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.text[this.pos];
        if (next === undefined) this.fail('unterminated string');
        out += next;
        this.pos++;
      } else out += c;
    }
  }

  private value(): Scalar {
    if (this.text[this.pos] === '"') return this.quoted();
    const m = /^[^;|(),"]+?(?=\.\.|[;|),]|$)/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a value');
    const raw = m[0];
    this.pos += raw.length;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (NUMBER.test(raw)) return Number(raw);
    // Date-times and URIs (relationship objects) are unquoted strings.
    if (DATE_TIME.test(raw) || /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(raw)) return raw;
    this.fail(`"${raw}" is not a number, a quoted string, a date-time, a URI or a boolean`);
  }

  /** A pattern: quoted, or unquoted up to the next `;`, `|` or unbalanced `)`. */
  private regex(): string {
    const pattern = this.text[this.pos] === '"' ? this.quoted() : this.unquotedPattern();
    if (pattern.length === 0 || pattern.length > 256) this.fail('a pattern needs 1 to 256 characters');
    try {
      new RegExp(pattern);
    } catch {
      this.fail('invalid regular expression');
    }
    return pattern;
  }

  private unquotedPattern(): string {
    let depth = 0;
    const start = this.pos;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (c === '\\') {
        this.pos++;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if ((c === ';' || c === '|') && depth === 0) break;
    }
    return this.text.slice(start, this.pos);
  }
}

/** Parses `q`; throws a BadRequestData NgsiError saying where it went wrong. */
export function parseQuery(text: string): QNode {
  if (text.length === 0) throw badRequest('q: empty query');
  if (text.length > MAX_Q_LENGTH) throw badRequest(`q: longer than ${MAX_Q_LENGTH} characters`);
  return new Parser(text).parse();
}

/** Every attribute a query names (for `watchedAttributes` defaults and checks). */
export function attributesOf(node: QNode): string[] {
  if (node.kind === 'and' || node.kind === 'or') return [...new Set(node.items.flatMap(attributesOf))];
  return [(node as QTerm).path.name];
}
