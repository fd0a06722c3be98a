/**
 * Two-word amounts (wide-units.ts) against bigint arithmetic on the Decimals they stand for: every operation gives
 * the exact answer, and gives up (units NaN) only when the answer truly does not fit, on random values crowded at
 * the edges: zero, ±(2^53 − 1) units, fine parts next to the carry (0 and 10^8 − 1), negative values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToNumber } from './format.ts';
import { addDecimal, compareDecimal, decimalFromUnits, mulDecimal, subDecimal } from './index.ts';
import { decimalFromNumber } from './parse.ts';
import { unitsToDecimal } from './safe-units.ts';
import {
  addWide,
  compareWide,
  floorDivWide,
  isWideExact,
  mulUnitsWide,
  mulWideByWhole,
  scaledDivWide,
  subWide,
  WIDE_NOT_EXACT,
  type WideUnits,
  wideFromDecimal,
  wideFromNumber,
  wideFromUnits,
  wideToDecimal,
  wideToNumber,
  wideToUnits,
} from './wide-units.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIGINT = BigInt(MAX_SAFE);
const FINE_PER_UNIT = 100_000_000n;
const FINE_MAX = 99_999_999;

/** Non-negative unit counts from zero to 2^53 − 1, crowded at both ends and at typical money sizes. */
const counts = fc.oneof(
  fc.constantFrom(0, 1, MAX_SAFE, MAX_SAFE - 1, 10 ** 14),
  fc.integer({ min: 0, max: 10 ** 6 }),
  fc.integer({ min: 0, max: 10 ** 15 }),
  fc.integer({ min: 0, max: MAX_SAFE }),
  fc.integer({ min: 0, max: 2 ** 20 }).map((below) => MAX_SAFE - below),
);
const signedCounts = fc
  .tuple(counts, fc.boolean())
  .map(([count, negative]) => (negative && count > 0 ? -count : count));
const fineParts = fc.oneof(fc.constantFrom(0, 1, FINE_MAX), fc.integer({ min: 0, max: FINE_MAX }));
const wides = fc.record({ units: signedCounts, fine: fineParts });
const nonNegativeWides = fc.record({ units: counts, fine: fineParts });
/** Counts on a lot-like grid (whole 10^-8 … 10^-2), so that products often have at most 18 places. */
const gridCounts = fc
  .tuple(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 2, max: 8 }))
  .map(([steps, zeros]) => Math.min(MAX_SAFE, steps * 10 ** zeros));

function decimalOf(value: WideUnits): bigint {
  return BigInt(value.units) * FINE_PER_UNIT + BigInt(value.fine);
}

/** Whether a Decimal's whole 10^-10 units (floored) are safe: it then fits in two words. */
function fitsInTwoWords(value: bigint): boolean {
  const units = value >= 0n ? value / FINE_PER_UNIT : -((-value + FINE_PER_UNIT - 1n) / FINE_PER_UNIT);
  return units <= MAX_SAFE_BIGINT && units >= -MAX_SAFE_BIGINT;
}

/** The midpoint between a positive number and the next one up, as an exact fraction of bigints. */
function halfwayAbove(value: number): { numerator: bigint; denominator: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number(bits >> 52n) - 1075;
  const significand = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  // value = significand × 2^exponent; the midpoint above it is (2 × significand + 1) × 2^(exponent − 1).
  const numerator = 2n * significand + 1n;
  return exponent - 1 >= 0
    ? { numerator: numerator << BigInt(exponent - 1), denominator: 1n }
    : { numerator, denominator: 1n << BigInt(1 - exponent) };
}

function floorDiv(a: bigint, d: bigint): bigint {
  return a / d;
}

function ceilDiv(a: bigint, d: bigint): bigint {
  return (a + d - 1n) / d;
}

describe('two-word amounts', () => {
  it('round-trip through Decimals, and refuse Decimals past the range', () => {
    fc.assert(
      fc.property(wides, (value) => {
        const decimal = wideToDecimal(value);
        expect(decimal).toBe(decimalOf(value));
        expect(wideFromDecimal(decimal)).toEqual(value);
      }),
      { numRuns: 2000 },
    );
    const pastRange = decimalFromUnits((MAX_SAFE_BIGINT + 1n) * FINE_PER_UNIT);
    expect(isWideExact(wideFromDecimal(pastRange))).toBe(false);
    expect(wideFromDecimal(decimalFromUnits(-1n))).toEqual({ units: -1, fine: FINE_MAX });
    expect(isWideExact(wideFromUnits(MAX_SAFE + 1))).toBe(false);
    expect(wideToUnits({ units: 5, fine: 1 })).toBeNaN();
    expect(wideToUnits({ units: -5, fine: 0 })).toBe(-5);
  });

  it('add and subtract exactly, carrying across the word boundary, and give up only past the range', () => {
    let exact = 0;
    fc.assert(
      fc.property(wides, wides, (a, b) => {
        const cases: [WideUnits, bigint][] = [
          [addWide(a, b), addDecimal(wideToDecimal(a), wideToDecimal(b))],
          [subWide(a, b), subDecimal(wideToDecimal(a), wideToDecimal(b))],
        ];
        for (const [wide, decimal] of cases) {
          if (isWideExact(wide)) {
            exact++;
            expect(wideToDecimal(wide)).toBe(decimal);
            expect(wide.fine >= 0 && wide.fine <= FINE_MAX).toBe(true);
          } else expect(fitsInTwoWords(decimal)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
    expect(exact).toBeGreaterThan(2000);
    expect(addWide({ units: 0, fine: FINE_MAX }, { units: 0, fine: 1 })).toEqual({ units: 1, fine: 0 });
    expect(subWide({ units: 1, fine: 0 }, { units: 0, fine: 1 })).toEqual({ units: 0, fine: FINE_MAX });
    expect(isWideExact(addWide({ units: MAX_SAFE, fine: FINE_MAX }, { units: 0, fine: 1 }))).toBe(false);
    expect(isWideExact(addWide(WIDE_NOT_EXACT, wideFromUnits(1)))).toBe(false);
    // The whole-unit sum passes the range before the carry brings it back.
    expect(addWide({ units: -MAX_SAFE, fine: 50_000_000 }, { units: -1, fine: 60_000_000 })).toEqual({
      units: -MAX_SAFE,
      fine: 10_000_000,
    });
    expect(subWide({ units: MAX_SAFE, fine: 0 }, { units: -1, fine: 1 })).toEqual({ units: MAX_SAFE, fine: FINE_MAX });
  });

  it('compare as their Decimals do', () => {
    fc.assert(
      fc.property(wides, wides, (a, b) => {
        expect(compareWide(a, b)).toBe(compareDecimal(wideToDecimal(a), wideToDecimal(b)));
      }),
      { numRuns: 2000 },
    );
    expect(compareWide(WIDE_NOT_EXACT, wideFromUnits(0))).toBeNaN();
  });

  it('convert to the number decimalToNumber gives', () => {
    fc.assert(
      fc.property(wides, (value) => {
        expect(Object.is(wideToNumber(value), decimalToNumber(wideToDecimal(value)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('convert values a few fine units from halfway between two numbers as decimalToNumber does', () => {
    // The hard cases of correct rounding: for a number d, the two-word values nearest to the midpoint between d
    // and the next number up, on either side of it.
    const numbers = fc.oneof(
      fc.double({ min: 1, max: 9e5, noNaN: true }),
      fc.double({ min: 1e-9, max: 4, noNaN: true }),
      fc.double({ min: 1000, max: 2000, noNaN: true }),
    );
    fc.assert(
      fc.property(numbers, fc.integer({ min: -3, max: 3 }), fc.boolean(), (number, offset, negative) => {
        const midpoint = halfwayAbove(number);
        const decimal = (midpoint.numerator * 10n ** 18n) / midpoint.denominator + BigInt(offset);
        const value = wideFromDecimal(decimalFromUnits(negative ? -decimal : decimal));
        expect(Object.is(wideToNumber(value), decimalToNumber(wideToDecimal(value)))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('read a number as the Decimal decimalFromNumber reads, giving up only where that one is rounded or past the range', () => {
    let exact = 0;
    // The numbers orders carry: the ledger's cash (the nearest number to a two-word amount), any doubles, and
    // values with few places or an exponent in their shortest text.
    const numbers = fc.oneof(
      nonNegativeWides.map(wideToNumber),
      fc.double({ min: 0, max: 1e7, noNaN: true }),
      fc.double({ min: 0, max: 1e22, noNaN: true }),
      fc.integer({ min: 0, max: 10 ** 12 }).map((count) => count / 10 ** 8),
      fc.constantFrom(0, 1e-7, 5e-324, 0.1, 123.456, 2 ** 53, 1e21, 900_719.925_474_099_1),
    );
    fc.assert(
      fc.property(numbers, (value) => {
        const wide = wideFromNumber(value);
        const decimal = decimalFromNumber(value);
        if (!isWideExact(wide)) {
          const rounded = decimalFromNumber(value, 'floor') !== decimalFromNumber(value, 'ceiling');
          expect(rounded || /e/.test(String(value)) || !fitsInTwoWords(decimal)).toBe(true);
          return;
        }
        exact++;
        expect(decimalOf(wide)).toBe(decimal);
        expect(wide).toEqual(wideFromDecimal(decimal));
      }),
      { numRuns: 5000 },
    );
    expect(exact).toBeGreaterThan(2000);
    // Negative values are read only when the units hold them.
    expect(wideFromNumber(-0.5)).toEqual(wideFromDecimal(decimalFromNumber(-0.5)));
    for (const refused of [-1.000_000_000_001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isWideExact(wideFromNumber(refused))).toBe(false);
    }
  });

  it('multiply unit counts exactly, giving up only for more than 18 places or past the range', () => {
    let exact = 0;
    fc.assert(
      fc.property(fc.oneof(counts, gridCounts), fc.oneof(counts, gridCounts), (a, b) => {
        const product = mulUnitsWide(a, b);
        const exactProduct = BigInt(a) * BigInt(b); // in 10^-20
        const fits = exactProduct % 100n === 0n && exactProduct / 10n ** 10n <= MAX_SAFE_BIGINT;
        expect(isWideExact(product)).toBe(fits);
        if (!fits) return;
        exact++;
        expect(wideToDecimal(product)).toBe(mulDecimal(unitsToDecimal(a), unitsToDecimal(b)));
      }),
      { numRuns: 4000 },
    );
    expect(exact).toBeGreaterThan(500);
    expect(mulUnitsWide(0, MAX_SAFE)).toEqual({ units: 0, fine: 0 });
    expect(isWideExact(mulUnitsWide(-1, 5))).toBe(false);
  });

  it('multiply by a whole number exactly, giving up only past the range', () => {
    let exact = 0;
    fc.assert(
      fc.property(nonNegativeWides, counts, (value, whole) => {
        const product = mulWideByWhole(value, whole);
        const expected = decimalOf(value) * BigInt(whole);
        if (!isWideExact(product)) {
          expect(fitsInTwoWords(expected)).toBe(false);
          return;
        }
        exact++;
        expect(decimalOf(product)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(exact).toBeGreaterThan(300);
  });

  it('divide scaled values exactly, rounding down or up (the fee and the crossing point)', () => {
    let exact = 0;
    fc.assert(
      fc.property(
        nonNegativeWides,
        fc.constantFrom(0, 1, 75, 2, 123456789),
        fc.oneof(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 1, max: MAX_SAFE })),
        (value, numerator, divisor) => {
          const floor = scaledDivWide(value, numerator, divisor, false);
          const ceiling = scaledDivWide(value, numerator, divisor, true);
          if (Number.isNaN(floor)) {
            expect(ceiling).toBeNaN();
            return;
          }
          exact++;
          // value × numerator / divisor, value in 10^-18 and the quotient in whole units of 10^-10.
          const scaledNumerator = decimalOf(value) * BigInt(numerator);
          const scaledDivisor = BigInt(divisor) * FINE_PER_UNIT;
          expect(BigInt(floor)).toBe(floorDiv(scaledNumerator, scaledDivisor));
          expect(BigInt(ceiling)).toBe(ceilDiv(scaledNumerator, scaledDivisor));
        },
      ),
      { numRuns: 3000 },
    );
    expect(exact).toBeGreaterThan(1000);
  });

  it('divide by a two-word divisor exactly (lots in a notional)', () => {
    let exact = 0;
    const divisors = fc
      .oneof(nonNegativeWides, fc.record({ units: fc.integer({ min: 0, max: 10 ** 6 }), fine: fineParts }))
      .filter((d) => d.units > 0 || d.fine > 0);
    fc.assert(
      fc.property(nonNegativeWides, divisors, (value, divisor) => {
        const quotient = floorDivWide(value, divisor);
        const expected = decimalOf(value) / decimalOf(divisor);
        if (Number.isNaN(quotient)) {
          expect(expected >= 2n ** 50n || !fitsInTwoWords(decimalOf(divisor) * (expected + 1n))).toBe(true);
          return;
        }
        exact++;
        expect(BigInt(quotient)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(exact).toBeGreaterThan(1000);
    expect(floorDivWide(wideFromUnits(10), WIDE_NOT_EXACT)).toBeNaN();
    expect(floorDivWide(wideFromUnits(10), wideFromUnits(0))).toBeNaN();
    expect(floorDivWide({ units: 0, fine: 0 }, { units: 0, fine: 1 })).toBe(0);
  });
});
