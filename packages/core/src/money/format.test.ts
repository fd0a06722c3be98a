import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { decimalToExactNumber, decimalToNumber, formatDecimal } from './format.ts';
import { decimalFromNumber, decimalFromString } from './parse.ts';

const anyDecimal = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(decimalFromUnits);

describe('formatDecimal', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000000000000000001'],
    [-1n, '-0.000000000000000001'],
    [10n ** 18n, '1'],
    [-125n * 10n ** 17n, '-12.5'],
    [10n ** 11n, '0.0000001'],
    [15n * 10n ** 38n, '1500000000000000000000'],
  ])('%s units → %s', (value, text) => {
    expect(formatDecimal(decimalFromUnits(value))).toBe(text);
  });

  it('is the inverse of decimalFromString (parse ∘ format = identity)', () => {
    fc.assert(
      fc.property(anyDecimal, (value) => {
        expect(decimalFromString(formatDecimal(value))).toBe(value);
      }),
    );
  });

  it('gives canonical text: format ∘ parse is the identity on canonical strings', () => {
    fc.assert(
      fc.property(anyDecimal, (value) => {
        const text = formatDecimal(value);
        expect(formatDecimal(decimalFromString(text))).toBe(text);
        expect(text).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
      }),
    );
  });
});

describe('decimalToNumber', () => {
  it('returns the nearest double, so it round-trips every finite number through decimalFromNumber', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }), (value) => {
        // Below 0.1 a 17-digit double needs more than 18 decimals, which this scale rounds away.
        fc.pre(value === 0 || Math.abs(value) >= 0.1);
        expect(decimalToNumber(decimalFromNumber(value))).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});

describe('decimalToExactNumber', () => {
  it('passes values whose shortest number text is themselves', () => {
    expect(decimalToExactNumber(decimalFromString('1234567.12345678'), 'qty')).toBe(1234567.12345678);
  });

  it('refuses values a number would change', () => {
    expect(() => decimalToExactNumber(decimalFromString('12345678.123456789'), 'qty')).toThrow(DecimalError);
  });
});
