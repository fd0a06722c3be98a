import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { decimalFromNumber, decimalFromString, toDecimal } from './parse.ts';

const units = (value: Decimal): bigint => value;

describe('decimalFromString', () => {
  it.each([
    ['0', 0n],
    ['1', 10n ** 18n],
    ['-12.5', -125n * 10n ** 17n],
    ['+3.', 3n * 10n ** 18n],
    ['.5', 5n * 10n ** 17n],
    ['0.000000000000000001', 1n],
    ['1e-7', 10n ** 11n],
    ['1.5E+3', 1500n * 10n ** 18n],
    ['-2.5e-18', -2n],
    ['3.5e-18', 4n],
    ['123456789012345678901234567890.123456789012345678', 123456789012345678901234567890123456789012345678n],
  ])('%s', (text, expected) => {
    expect(units(decimalFromString(text))).toBe(expected);
  });

  it('rounds digits beyond 18 decimals by the requested mode', () => {
    expect(units(decimalFromString('0.0000000000000000015'))).toBe(2n);
    expect(units(decimalFromString('0.0000000000000000015', 'down'))).toBe(1n);
    expect(units(decimalFromString('-0.0000000000000000011', 'floor'))).toBe(-2n);
  });

  it.each(['', '-', '.', 'abc', '1,5', ' 1', '1 ', '0x10', '1e', '1.2.3', '--1'])('refuses %j', (text) => {
    expect(() => decimalFromString(text)).toThrow(DecimalError);
  });

  it('reports NaN and Infinity as not finite and huge exponents as out of range', () => {
    expect(() => decimalFromString('NaN')).toThrow(expect.objectContaining({ code: 'not-finite' }));
    expect(() => decimalFromString('-Infinity')).toThrow(expect.objectContaining({ code: 'not-finite' }));
    expect(() => decimalFromString('1e1001')).toThrow(expect.objectContaining({ code: 'exponent-out-of-range' }));
  });
});

describe('decimalFromNumber', () => {
  it('takes the value a number was written as, not its binary expansion', () => {
    expect(units(decimalFromNumber(0.1))).toBe(10n ** 17n);
    expect(units(decimalFromNumber(0.1 + 0.2))).toBe(300000000000000040n);
    expect(units(decimalFromNumber(1e-7))).toBe(10n ** 11n);
    expect(units(decimalFromNumber(1.5e21))).toBe(15n * 10n ** 38n);
    expect(units(decimalFromNumber(-0))).toBe(0n);
    expect(units(decimalFromNumber(5e-324))).toBe(0n);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %s', (value) => {
    expect(() => decimalFromNumber(value)).toThrow(expect.objectContaining({ code: 'not-finite' }));
  });

  it('recovers the exact decimal behind any number of up to 15 significant digits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 18 }),
        (n, e) => {
          // n / 10^e is the double nearest to the decimal n·10^-e; 15 digits survive that rounding.
          const value = Number(n) / 10 ** e;
          expect(units(decimalFromNumber(value))).toBe(n * 10n ** BigInt(18 - e));
        },
      ),
    );
  });
});

describe('decimalFromNumber without text', () => {
  // The fast path must give exactly what the text of the number spells, which is how the function is defined.
  const viaText = (value: number) => decimalFromString(String(value));

  it('agrees with the text of any finite number: tiny, huge, negative, subnormal, integral', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(decimalFromNumber(value)).toBe(viaText(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the text of decimals near the fast path limits (up to 18 places, 2^50 to 2^54 digits)', () => {
    const digits = fc.oneof(
      fc.bigInt({ min: 1n, max: 10n ** 17n }),
      fc.bigInt({ min: 2n ** 50n, max: 2n ** 54n }),
      fc.bigInt({ min: 1n, max: 999n }),
    );
    fc.assert(
      fc.property(digits, fc.integer({ min: 0, max: 22 }), fc.boolean(), (n, places, negative) => {
        const value = (negative ? -1 : 1) * (Number(n) / 10 ** places);
        expect(decimalFromNumber(value)).toBe(viaText(value));
        const scaledUp = (negative ? -1 : 1) * Number(n) * 10 ** (places % 8);
        expect(decimalFromNumber(scaledUp)).toBe(viaText(scaledUp));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    0.1 + 0.2,
    1 / 3,
    2 / 3,
    0.000001,
    1e-7,
    1.5e-18,
    2.5e-18,
    1e-19,
    5e-324,
    2.2250738585072014e-308,
    2 ** 50 + 0.5,
    2 ** 51 + 0.5,
    2 ** 52 - 1,
    2 ** 52,
    2 ** 52 + 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 53 + 1,
    1e15,
    1e21,
    1.7976931348623157e308,
    0.9999999999999999,
    9.999999999999998,
    99999.99999999999,
    27123.45,
    0.36834512,
    -0,
    -1234.5678,
  ])('agrees with the text of %s', (value) => {
    expect(decimalFromNumber(value)).toBe(viaText(value));
    expect(decimalFromNumber(-value)).toBe(viaText(-value));
  });
});

describe('toDecimal', () => {
  it('accepts text, numbers and decimals', () => {
    expect(toDecimal('2.5')).toBe(toDecimal(2.5));
    expect(toDecimal(decimalFromUnits(7n))).toBe(7n);
  });
});
