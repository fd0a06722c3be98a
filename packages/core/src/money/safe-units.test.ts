import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulDecimal } from './arithmetic.ts';
import { decimalFromUnits } from './decimal.ts';
import { decimalToExactNumber, decimalToNumber } from './format.ts';
import { decimalFromNumber, decimalFromString } from './parse.ts';
import {
  ceilDivUnits,
  decimalAsFraction,
  floorDivUnits,
  mulUnits,
  unitsFromDecimal,
  unitsFromNumber,
  unitsToDecimal,
  unitsToExactNumber,
  unitsToNumber,
} from './safe-units.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Whole counts from tiny to just past 2^53, crowded near the limit so both sides of it are hit. */
const anyCount = fc.oneof(
  fc.integer({ min: -(10 ** 6), max: 10 ** 6 }),
  fc.integer({ min: -MAX_SAFE, max: MAX_SAFE }),
  fc.integer({ min: 0, max: 2 ** 20 }).map((below) => MAX_SAFE - below),
  fc.integer({ min: 1, max: 2 ** 20 }).map((above) => 2 ** 53 + 2 * above),
);

/** A count on a coarser grid (a lot, a price with cents): the trailing zeros mulUnits strips. */
const gridCount = fc
  .tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 2, max: 10 }))
  .map(([steps, zeros]) => steps * 10 ** zeros);

/** Numbers as fills carry them: a few significant digits, sometimes many places, sometimes huge. */
const fillNumber = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 10 ** 15 }), fc.integer({ min: 0, max: 14 }))
    .map(([digits, places]) => Number(`${digits}e-${places}`)),
  fc.double({ min: 1e-12, max: 1e20, noNaN: true }),
);

describe('safe units', () => {
  it('read a number as decimalFromNumber does, or give NaN', () => {
    fc.assert(
      fc.property(fillNumber, (value) => {
        const units = unitsFromNumber(value);
        if (!Number.isNaN(units)) expect(unitsToDecimal(units)).toBe(decimalFromNumber(value));
        else {
          // Missed only where the decimal has no safe count, or one too near 2^53 for rounding to find it.
          const missed = unitsFromDecimal(decimalFromNumber(value));
          expect(Number.isNaN(missed) || Math.abs(missed) >= 2 ** 51).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(unitsFromNumber(30_000.37)).toBe(300_003_700_000_000);
    expect(unitsFromNumber(0.12345678901)).toBeNaN(); // 11 places
    expect(unitsFromNumber(1e6)).toBeNaN(); // 10^16 units: past 2^53
  });

  it('turn back into the numbers decimalToNumber and decimalToExactNumber give', () => {
    fc.assert(
      fc.property(anyCount, (units) => {
        fc.pre(Number.isSafeInteger(units));
        const decimal = unitsToDecimal(units);
        expect(unitsFromDecimal(decimal)).toBe(units);
        expect(unitsToNumber(units)).toBe(decimalToNumber(decimal));
        const exact = unitsToExactNumber(units);
        if (!Number.isNaN(exact)) expect(exact).toBe(decimalToExactNumber(decimal, 'test'));
      }),
      { numRuns: 2000 },
    );
  });

  it('give exact numbers for whole lots of 10^-8 past 10^15 units (large quantities), else NaN', () => {
    let onLots = 0;
    fc.assert(
      fc.property(fc.integer({ min: 10 ** 15, max: MAX_SAFE }), fc.boolean(), (units, negative) => {
        const count = negative ? -units : units;
        const exact = unitsToExactNumber(count);
        if (count % 100 !== 0) {
          expect(exact).toBeNaN();
          return;
        }
        onLots++;
        expect(exact).toBe(decimalToExactNumber(unitsToDecimal(count), 'test'));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 10 ** 13, max: Math.floor(MAX_SAFE / 100) }), (lots) => {
        expect(unitsToExactNumber(lots * 100)).toBe(decimalToExactNumber(unitsToDecimal(lots * 100), 'test'));
      }),
      { numRuns: 2000 },
    );
    expect(onLots).toBeGreaterThan(0);
    expect(unitsToExactNumber(109_455_123_456_700)).toBe(10945.51234567);
    expect(unitsToExactNumber(1_094_551_234_567_800)).toBe(109455.12345678);
  });

  it('leave Decimals beyond 10 places or 2^53 units to the Decimal path', () => {
    expect(unitsFromDecimal(decimalFromString('0.00000000001'))).toBeNaN();
    expect(unitsFromDecimal(decimalFromUnits(BigInt(MAX_SAFE) * 10n ** 8n))).toBe(MAX_SAFE);
    expect(unitsFromDecimal(decimalFromUnits((BigInt(MAX_SAFE) + 1n) * 10n ** 8n))).toBeNaN();
  });

  it('multiply exactly as mulDecimal when the product has 10 places and fits, else give NaN', () => {
    let exactProducts = 0;
    fc.assert(
      fc.property(fc.oneof(anyCount, gridCount, gridCount), fc.oneof(anyCount, gridCount, gridCount), (a, b) => {
        fc.pre(Number.isSafeInteger(a) && Number.isSafeInteger(b));
        const product = mulUnits(a, b);
        const exactAt20Places = BigInt(a) * BigInt(b);
        const fitsInUnits =
          exactAt20Places % 10n ** 10n === 0n && Number.isSafeInteger(Number(exactAt20Places / 10n ** 10n));
        if (Number.isNaN(product)) {
          // Only where the exact product is not a safe count, or its zeros come from 2 × 5 (e.g. 0.5 × 0.2).
          if (fitsInUnits) expect(a % 2 === 0 || a % 5 === 0 || b % 2 === 0 || b % 5 === 0).toBe(true);
          return;
        }
        expect(fitsInUnits).toBe(true);
        exactProducts++;
        expect(unitsToDecimal(product)).toBe(mulDecimal(unitsToDecimal(a), unitsToDecimal(b)));
      }),
      { numRuns: 3000 },
    );
    expect(exactProducts).toBeGreaterThan(100);
    expect(mulUnits(unitsFromNumber(0.00012345), unitsFromNumber(30_000.37))).toBe(unitsFromNumber(3.7035456765));
  });

  it('divide safe counts exactly, down and up, including next to 2^53', () => {
    fc.assert(
      fc.property(anyCount, fc.oneof(anyCount, fc.integer({ min: 1, max: 1000 })), (a, d) => {
        const floor = floorDivUnits(a, d);
        const ceil = ceilDivUnits(a, d);
        if (!(a >= 0 && d > 0 && Number.isSafeInteger(a) && Number.isSafeInteger(d))) {
          expect(floor).toBeNaN();
          expect(ceil).toBeNaN();
          return;
        }
        const quotient = BigInt(a) / BigInt(d);
        expect(BigInt(floor)).toBe(quotient);
        expect(BigInt(ceil)).toBe(BigInt(a) % BigInt(d) === 0n ? quotient : quotient + 1n);
      }),
      { numRuns: 3000 },
    );
    expect(floorDivUnits(MAX_SAFE, MAX_SAFE - 1)).toBe(1);
    expect(ceilDivUnits(MAX_SAFE - 1, MAX_SAFE)).toBe(1);
  });

  it('write a Decimal as a fraction over the fewest powers of ten', () => {
    expect(decimalAsFraction(decimalFromString('0.001'))).toEqual({ numerator: 1, denominator: 1000 });
    expect(decimalAsFraction(decimalFromString('0.00075'))).toEqual({ numerator: 75, denominator: 100_000 });
    expect(decimalAsFraction(decimalFromString('0'))).toEqual({ numerator: 0, denominator: 1 });
    expect(decimalAsFraction(decimalFromString('123456789012345678'))).toEqual({
      numerator: Number.NaN,
      denominator: Number.NaN,
    });
  });
});
