import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, decimalFromUnits } from './decimal.ts';
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

describe('decimalToNumber without text', () => {
  // The conversion must be exactly what parsing the decimal's text gives (JS parses to the nearest double).
  const viaText = (value: Decimal) => Number(formatDecimal(value));
  const units = (min: bigint, max: bigint) => fc.bigInt({ min, max }).map(decimalFromUnits);

  it('agrees with the text for any decimal, from one unit to beyond the largest double', () => {
    const magnitudes = fc.oneof(
      units(-(10n ** 40n), 10n ** 40n),
      units(-(2n ** 120n), 2n ** 120n),
      units(2n ** 114n, 2n ** 116n),
      units(-(10n ** 330n), 10n ** 330n),
      units(-(10n ** 8n), 10n ** 8n),
    );
    fc.assert(
      fc.property(magnitudes, (value) => {
        expect(decimalToNumber(value)).toBe(viaText(value));
      }),
      { numRuns: 20_000 },
    );
  });

  // Whole numbers of 10^-8 (prices, lots, fees) and of 10^-10 (a lot × a two-decimal price, and the cash left).
  for (const places of [8n, 10n]) {
    it(`agrees with the text for values with few decimals (whole numbers of 10^-${places}), large and small`, () => {
      const steps = fc.oneof(
        fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }),
        fc.bigInt({ min: 10n ** 14n, max: 10n ** 15n + 10n }),
        fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
      );
      fc.assert(
        fc.property(steps, (count) => {
          const value = decimalFromUnits(count * 10n ** (18n - places));
          expect(decimalToNumber(value)).toBe(viaText(value));
        }),
        { numRuns: 20_000 },
      );
    });
  }

  it('keeps the sign of zero and reaches Infinity where the text does', () => {
    expect(Object.is(decimalToNumber(decimalFromUnits(0n)), 0)).toBe(true);
    const huge = decimalFromUnits(2n ** 1024n * 10n ** 18n);
    expect(decimalToNumber(huge)).toBe(Number.POSITIVE_INFINITY);
    expect(decimalToNumber(decimalFromUnits(-huge))).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('decimalToExactNumber', () => {
  /** The definition: the nearest number, if its text reads back as the same decimal. */
  const viaText = (value: Decimal): number | undefined => {
    const asNumber = Number(formatDecimal(value));
    return decimalFromString(String(asNumber)) === value ? asNumber : undefined;
  };
  const attempt = (value: Decimal): number | undefined => {
    try {
      return decimalToExactNumber(value, 'value');
    } catch (error) {
      expect(error).toBeInstanceOf(DecimalError);
      return undefined;
    }
  };

  it('returns a number exactly when the text of the nearest number reads back as the decimal', () => {
    const values = fc.oneof(
      fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }).map((steps) => decimalFromUnits(steps * 10n ** 10n)),
      fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }).map((steps) => decimalFromUnits(steps * 10n ** 8n)),
      fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(decimalFromUnits),
      fc.bigInt({ min: 1n, max: 10n ** 17n }).map((digits) => decimalFromUnits(digits * 10n ** 3n)),
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(attempt(value)).toBe(viaText(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it('passes values whose shortest number text is themselves', () => {
    expect(decimalToExactNumber(decimalFromString('1234567.12345678'), 'qty')).toBe(1234567.12345678);
  });

  it('refuses values a number would change', () => {
    expect(() => decimalToExactNumber(decimalFromString('12345678.123456789'), 'qty')).toThrow(DecimalError);
  });
});
