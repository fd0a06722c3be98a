import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from './strict-json.ts';

describe('parseStrictJson', () => {
  it('accepts any JSON object JSON.stringify makes (without the forbidden keys), giving JSON.parse’s value', () => {
    fc.assert(
      fc.property(
        fc
          .dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 }))
          // The forbidden keys are refused at any depth, so no object may hold one anywhere.
          .filter((value) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(value))),
        (value) => {
          const text = JSON.stringify(value);
          expect(parseStrictJson(text, 32)).toEqual({ ok: true, value: JSON.parse(text) });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['{"a":1,"a":2}', /"a" twice/],
    ['{"x":{"a":1,"\\u0061":2}}', /"a" twice/],
    ['{"__proto__":{}}', /not allowed/],
    ['{"a":[{"constructor":1}]}', /not allowed/],
    ['[1]', /an array/],
    ['"s"', /a string/],
    ['null', /null/],
    ['{"a":', /not valid JSON/],
    [`${'['.repeat(40)}${']'.repeat(40)}`, /an array/],
    [`{"a":${'['.repeat(40)}${']'.repeat(40)}}`, /deeper than 32/],
  ])('refuses %s', (text, problem) => {
    const result = parseStrictJson(text, 32);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('does not mistake key-like text inside strings for keys', () => {
    expect(parseStrictJson('{"a":"\\"a\\":1","b":"{\\"a\\":2}"}', 32).ok).toBe(true);
    expect(parseStrictJson('{"a":["a","a"]}', 32).ok).toBe(true);
  });
});
