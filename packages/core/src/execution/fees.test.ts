import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulDecimal } from '../money/arithmetic.ts';
import { decimalFromUnits } from '../money/decimal.ts';
import { DecimalError } from '../money/errors.ts';
import { formatDecimal } from '../money/format.ts';
import { decimalFromString } from '../money/parse.ts';
import { divideRounded } from '../money/rounding.ts';
import { isOnStep, roundToStep } from '../money/step.ts';
import { feeQuoteFor, feeSchedule, scheduledFeeQuote } from './fees.ts';

const d = decimalFromString;

describe('feeQuoteFor', () => {
  it('is rate × notional rounded up to the fee step', () => {
    expect(formatDecimal(feeQuoteFor(d('1000'), d('0.001'), d('0.00000001')))).toBe('1');
    expect(formatDecimal(feeQuoteFor(d('123.456789'), d('0.001'), d('0.00000001')))).toBe('0.12345679');
    expect(formatDecimal(feeQuoteFor(d('123.456789'), d('0.001'), d('0.01')))).toBe('0.13');
    expect(feeQuoteFor(d('123.456789'), d('0'), d('0.01'))).toBe(0n);
  });

  it('equals rounding up to the ledger scale, then up to the fee step (one division instead of two)', () => {
    const positive = (max: bigint) => fc.bigInt({ min: 1n, max }).map(decimalFromUnits);
    fc.assert(
      fc.property(positive(10n ** 30n), positive(10n ** 17n), positive(10n ** 16n), (notional, rate, step) => {
        const twoRoundings = roundToStep(mulDecimal(notional, rate, 'ceiling'), step, 'ceiling');
        expect(feeQuoteFor(notional, rate, step)).toBe(twoRoundings);
      }),
    );
  });

  it('is the smallest multiple of the step at or above the exact fee', () => {
    const positive = (max: bigint) => fc.bigInt({ min: 1n, max }).map(decimalFromUnits);
    fc.assert(
      fc.property(positive(10n ** 30n), positive(10n ** 17n), positive(10n ** 16n), (notional, rate, step) => {
        const fee = feeQuoteFor(notional, rate, step);
        const exact = notional * rate; // in units of 10^-36
        expect(isOnStep(fee, step)).toBe(true);
        expect(fee * 10n ** 18n >= exact).toBe(true);
        expect((fee - step) * 10n ** 18n < exact).toBe(true);
        expect(fee >= mulDecimal(notional, rate, 'floor')).toBe(true);
      }),
    );
  });
});

describe('scheduledFeeQuote', () => {
  it('equals feeQuoteFor, the ceiling divideRounded takes, for any sign of notional', () => {
    const units = (min: bigint, max: bigint) => fc.bigInt({ min, max }).map(decimalFromUnits);
    fc.assert(
      fc.property(
        units(-(10n ** 30n), 10n ** 30n),
        units(0n, 10n ** 17n),
        units(1n, 10n ** 16n),
        (notional, rate, step) => {
          const ceiling = decimalFromUnits(divideRounded(notional * rate, 10n ** 18n * step, 'ceiling') * step);
          expect(scheduledFeeQuote(notional, feeSchedule(rate, step))).toBe(ceiling);
        },
      ),
    );
  });

  it('refuses a step that is not positive', () => {
    expect(() => feeSchedule(d('0.001'), d('0'))).toThrow(DecimalError);
  });
});
