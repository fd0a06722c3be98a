import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { formatDecimal } from '../money/format.ts';
import { decimalFromString } from '../money/parse.ts';
import { isOnStep } from '../money/step.ts';
import { type BuyCostRules, buyCostQuote, largestAffordableQtyBase } from './fill-sizing.ts';

const d = decimalFromString;
const binance = { feeRate: d('0.001'), lotStepBase: d('0.00000001'), feeStepQuote: d('0.00000001') };

/** The definition, searched: the most lots whose buyCostQuote is within budget (cost grows with quantity). */
function searchedLargestAffordable(budget: Decimal, price: Decimal, rules: BuyCostRules): Decimal {
  if (budget <= 0n || price <= 0n) return DECIMAL_ZERO;
  const fits = (lots: bigint) => buyCostQuote(decimalFromUnits(lots * rules.lotStepBase), price, rules) <= budget;
  let fitting = 0n;
  let tooMany = 1n;
  while (fits(tooMany)) {
    fitting = tooMany;
    tooMany *= 2n;
  }
  while (tooMany - fitting > 1n) {
    const middle = (fitting + tooMany) / 2n;
    if (fits(middle)) fitting = middle;
    else tooMany = middle;
  }
  return decimalFromUnits(fitting * rules.lotStepBase);
}

describe('largestAffordableQtyBase', () => {
  it('spends the budget fees included, rounded down to the lot', () => {
    const qty = largestAffordableQtyBase(d('1000'), d('100'), binance);
    expect(formatDecimal(qty)).toBe('9.99000999');
    expect(formatDecimal(buyCostQuote(qty, d('100'), binance))).toBe('1000');
  });

  it('steps below the estimate when the fee rounding would overspend', () => {
    // 5 lots at 1 cost 5 + a 0.005 fee rounded up to 0.01: 5.01, more than 5.005 although 5 × 1.001 = 5.005.
    const coarse = { feeRate: d('0.001'), lotStepBase: d('1'), feeStepQuote: d('0.01') };
    expect(formatDecimal(largestAffordableQtyBase(d('5.005'), d('1'), coarse))).toBe('4');
    expect(formatDecimal(largestAffordableQtyBase(d('5.01'), d('1'), coarse))).toBe('5');
    expect(largestAffordableQtyBase(d('0.5'), d('0.5'), coarse)).toBe(0n);
    expect(largestAffordableQtyBase(d('-1'), d('0.5'), coarse)).toBe(0n);
  });

  it('equals the largest quantity a search over buyCostQuote finds, for lots costing more or less than a fee step', () => {
    const units = (min: bigint, max: bigint) => fc.bigInt({ min, max }).map(decimalFromUnits);
    const rules = fc.record({
      feeRate: fc.oneof(
        units(0n, 10n ** 16n),
        fc.constantFrom(0n, 10n ** 15n, 75n * 10n ** 13n).map(decimalFromUnits),
        units(0n, 3n * 10n ** 18n),
      ),
      lotStepBase: fc.oneof(units(1n, 10n ** 18n), fc.constantFrom(10n ** 10n, 10n ** 15n).map(decimalFromUnits)),
      feeStepQuote: fc.oneof(units(1n, 10n ** 16n), fc.constantFrom(10n ** 10n, 10n ** 16n).map(decimalFromUnits)),
    });
    fc.assert(
      fc.property(units(-(10n ** 20n), 10n ** 25n), units(1n, 10n ** 24n), rules, (budget, price, costRules) => {
        expect(largestAffordableQtyBase(budget, price, costRules)).toBe(
          searchedLargestAffordable(budget, price, costRules),
        );
      }),
      { numRuns: 3_000 },
    );
  });

  it('returns the largest number of lots within budget', () => {
    const units = (min: bigint, max: bigint) => fc.bigInt({ min, max }).map(decimalFromUnits);
    fc.assert(
      fc.property(
        units(0n, 10n ** 25n),
        units(1n, 10n ** 24n),
        units(0n, 10n ** 16n),
        units(1n, 10n ** 18n),
        units(1n, 10n ** 16n),
        (budget, price, feeRate, lotStepBase, feeStepQuote) => {
          // A lot whose notional rounds to 0 at the 10^-18 scale costs nothing: no largest quantity exists.
          fc.pre(price * lotStepBase >= 10n ** 18n);
          const rules = { feeRate, lotStepBase, feeStepQuote };
          const qty = largestAffordableQtyBase(budget, price, rules);
          expect(isOnStep(qty, lotStepBase)).toBe(true);
          if (qty > 0n) expect(buyCostQuote(qty, price, rules) <= budget).toBe(true);
          expect(buyCostQuote(addDecimal(qty, lotStepBase), price, rules) > budget).toBe(true);
        },
      ),
    );
  });
});
