import { describe, expect, it } from 'vitest';
import { NgsiError } from './errors.js';
import { parseQuery, type QNode } from './query-language.js';

const path = (name: string, sub: string[] = [], members: string[] = []) => ({ name, sub, members });

describe('the NGSI-LD query language', () => {
  it('parses comparisons, AND binding tighter than OR, and parentheses', () => {
    expect(parseQuery('a==1;b>2|c<="x;y"')).toEqual({
      kind: 'or',
      items: [
        {
          kind: 'and',
          items: [
            { kind: 'compare', path: path('a'), op: '==', value: 1 },
            { kind: 'compare', path: path('b'), op: '>', value: 2 },
          ],
        },
        { kind: 'compare', path: path('c'), op: '<=', value: 'x;y' },
      ],
    });
    expect(parseQuery('(a|b);c').kind).toBe('and');
  });

  it('parses ranges, lists, regular expressions, paths, existence, dates and URIs', () => {
    expect(parseQuery('a==1.5..3')).toEqual({ kind: 'range', path: path('a'), negate: false, from: 1.5, to: 3 });
    expect(parseQuery('a!="x","y"')).toEqual({ kind: 'list', path: path('a'), negate: true, values: ['x', 'y'] });
    expect(parseQuery('a~=^L-0(1|2)')).toEqual({ kind: 'regex', path: path('a'), negate: false, pattern: '^L-0(1|2)' });
    expect(parseQuery('a.b[c][d]')).toEqual({ kind: 'exists', path: path('a', ['b'], ['c', 'd']) });
    expect(parseQuery('t>=2026-11-29T10:00:00Z')).toMatchObject({ value: '2026-11-29T10:00:00Z' });
    expect(parseQuery('r==urn:ngsi-ld:X:1')).toMatchObject({ value: 'urn:ngsi-ld:X:1' });
    expect(parseQuery('b==true')).toMatchObject({ value: true });
    expect(parseQuery('s=="say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
  });

  it('refuses malformed queries with BadRequestData', () => {
    for (const bad of [
      '',
      'a==',
      '==1',
      'a===1',
      'a==1;',
      '(a==1',
      'a==1)',
      'a>1,2',
      'a>1..2',
      'a==abc',
      'a~=(',
      'a=="x',
      'a[b',
      `${'('.repeat(30)}a${')'.repeat(30)}`,
      'a'.repeat(3000),
    ]) {
      expect(() => parseQuery(bad), bad).toThrow(NgsiError);
    }
  });

  it('never throws anything but BadRequestData, and round-trips what it generates (property test, seeded)', () => {
    // fast-check is not installed here: a seeded generator does the same job reproducibly.
    let seed = 20261129;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const names = ['powerState', 'a', 'b_2', 'illuminanceLevel'];
    const values = ['1', '-2.5', '"on"', '"a;b|c"', 'true', '2026-01-01T00:00:00Z', 'urn:ngsi-ld:X:1'];
    const gen = (depth: number): string => {
      if (depth > 0 && rnd(3) === 0) return `(${gen(depth - 1)}${rnd(2) ? ';' : '|'}${gen(depth - 1)})`;
      const name = names[rnd(names.length)] as string;
      switch (rnd(5)) {
        case 0:
          return name;
        case 1:
          return `${name}${['==', '!=', '>', '>=', '<', '<='][rnd(6)]}${values[rnd(values.length)]}`;
        case 2:
          return `${name}==${rnd(10)}..${10 + rnd(10)}`;
        case 3:
          return `${name}!=${values[rnd(values.length)]},${values[rnd(values.length)]}`;
        default:
          return `${name}~="^x(y|z)"`;
      }
    };
    const count = (n: QNode): number => (n.kind === 'and' || n.kind === 'or' ? n.items.reduce((s, i) => s + count(i), 0) : 1);
    for (let i = 0; i < 2000; i++) {
      const terms = 1 + rnd(4);
      const parts = Array.from({ length: terms }, () => gen(3));
      const text = parts.join(rnd(2) ? ';' : '|');
      const tree = parseQuery(text);
      expect(count(tree)).toBeGreaterThanOrEqual(terms);
      // Any mutation of a valid query parses or fails with BadRequestData, nothing else.
      const at = rnd(text.length + 1);
      const mutated = text.slice(0, at) + '();|=!~."[],\\x'[rnd(15)] + text.slice(at + rnd(3));
      try {
        parseQuery(mutated);
      } catch (error) {
        expect(error, mutated).toBeInstanceOf(NgsiError);
        expect((error as NgsiError).type).toBe('BadRequestData');
      }
    }
  });
});
