import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideRounded, type RoundingMode } from './rounding.ts';

describe('divideRounded', () => {
  // Rows: numerator / 10 for each mode, the classic table (Java's RoundingMode docs) scaled by 10.
  it.each<[bigint, Record<RoundingMode, bigint>]>([
    [55n, { 'half-even': 6n, down: 5n, up: 6n, floor: 5n, ceiling: 6n }],
    [25n, { 'half-even': 2n, down: 2n, up: 3n, floor: 2n, ceiling: 3n }],
    [16n, { 'half-even': 2n, down: 1n, up: 2n, floor: 1n, ceiling: 2n }],
    [11n, { 'half-even': 1n, down: 1n, up: 2n, floor: 1n, ceiling: 2n }],
    [10n, { 'half-even': 1n, down: 1n, up: 1n, floor: 1n, ceiling: 1n }],
    [-10n, { 'half-even': -1n, down: -1n, up: -1n, floor: -1n, ceiling: -1n }],
    [-11n, { 'half-even': -1n, down: -1n, up: -2n, floor: -2n, ceiling: -1n }],
    [-16n, { 'half-even': -2n, down: -1n, up: -2n, floor: -2n, ceiling: -1n }],
    [-25n, { 'half-even': -2n, down: -2n, up: -3n, floor: -3n, ceiling: -2n }],
    [-55n, { 'half-even': -6n, down: -5n, up: -6n, floor: -6n, ceiling: -5n }],
  ])('%s / 10', (numerator, expected) => {
    for (const [mode, result] of Object.entries(expected)) {
      expect(divideRounded(numerator, 10n, mode as RoundingMode)).toBe(result);
      expect(divideRounded(-numerator, -10n, mode as RoundingMode)).toBe(result);
    }
  });

  it('stays within one unit of the exact quotient, on the side the mode promises', () => {
    const nonZero = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).filter((d) => d !== 0n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), nonZero, (n, d) => {
        // Compare q × d with n: the rounded quotient brackets the exact one within one step.
        const sign = d < 0n ? -1n : 1n;
        const floor = divideRounded(n, d, 'floor');
        const ceiling = divideRounded(n, d, 'ceiling');
        expect(floor * d * sign <= n * sign).toBe(true);
        expect(ceiling * d * sign >= n * sign).toBe(true);
        expect(ceiling - floor <= 1n).toBe(true);
        const halfEven = divideRounded(n, d, 'half-even');
        const error = (halfEven * d - n) * 2n;
        expect(error <= (d < 0n ? -d : d) && error >= -(d < 0n ? -d : d)).toBe(true);
      }),
    );
  });
});
