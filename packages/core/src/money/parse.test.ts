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

describe('toDecimal', () => {
  it('accepts text, numbers and decimals', () => {
    expect(toDecimal('2.5')).toBe(toDecimal(2.5));
    expect(toDecimal(decimalFromUnits(7n))).toBe(7n);
  });
});
