import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, divDecimal, mulDecimal, mulDivDecimal, negateDecimal, subDecimal } from './arithmetic.ts';
import { DECIMAL_SCALE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { formatDecimal } from './format.ts';
import { decimalFromNumber, decimalFromString } from './parse.ts';

const d = decimalFromString;
const anyDecimal = fc.bigInt({ min: -(10n ** 36n), max: 10n ** 36n }).map(decimalFromUnits);
const nonZeroDecimal = anyDecimal.filter((value) => value !== 0n);
const abs = (value: bigint): bigint => (value < 0n ? -value : value);

describe('add and sub', () => {
  it('are exact where floats drift', () => {
    expect(formatDecimal(addDecimal(d('0.1'), d('0.2')))).toBe('0.3');
    expect(formatDecimal(subDecimal(d('100'), d('99.99999999')))).toBe('0.00000001');
    expect(formatDecimal(negateDecimal(d('-2.5')))).toBe('2.5');
  });

  it('add is commutative and associative, sub is its inverse', () => {
    fc.assert(
      fc.property(anyDecimal, anyDecimal, anyDecimal, (a, b, c) => {
        expect(addDecimal(a, b)).toBe(addDecimal(b, a));
        expect(addDecimal(addDecimal(a, b), c)).toBe(addDecimal(a, addDecimal(b, c)));
        expect(subDecimal(addDecimal(a, b), b)).toBe(a);
      }),
    );
  });

  it('does not drift over long random sequences: undoing every step returns exactly to the start', () => {
    const price = fc.double({ min: 0.00000001, max: 100_000, noNaN: true });
    fc.assert(
      fc.property(fc.array(price, { minLength: 1, maxLength: 2000 }), (prices) => {
        let balance = DECIMAL_ZERO;
        for (const p of prices) balance = addDecimal(balance, decimalFromNumber(p));
        for (const p of prices.toReversed()) balance = subDecimal(balance, decimalFromNumber(p));
        expect(balance).toBe(DECIMAL_ZERO);
      }),
      { numRuns: 20 },
    );
    let tenths = DECIMAL_ZERO;
    for (let i = 0; i < 100_000; i++) tenths = addDecimal(tenths, d('0.1'));
    expect(formatDecimal(tenths)).toBe('10000');
  });
});

describe('mul and div', () => {
  it('are exact when the result fits in 18 decimals', () => {
    expect(formatDecimal(mulDecimal(d('0.12345678'), d('43210.87654321')))).toBe('5334.6756790022374638');
    expect(formatDecimal(divDecimal(d('1'), d('8')))).toBe('0.125');
    expect(formatDecimal(divDecimal(d('-10'), d('4')))).toBe('-2.5');
  });

  it('round once, by the requested mode', () => {
    expect(formatDecimal(divDecimal(d('2'), d('3')))).toBe('0.666666666666666667');
    expect(formatDecimal(divDecimal(d('2'), d('3'), 'down'))).toBe('0.666666666666666666');
    expect(formatDecimal(mulDecimal(d('0.000000001'), d('0.0000000015')))).toBe('0.000000000000000002');
    expect(formatDecimal(mulDivDecimal(d('10'), d('1'), d('3'), 'down'))).toBe('3.333333333333333333');
  });

  it('refuse division by zero', () => {
    expect(() => divDecimal(d('1'), DECIMAL_ZERO)).toThrow(DecimalError);
    expect(() => mulDivDecimal(d('1'), d('1'), DECIMAL_ZERO)).toThrow(DecimalError);
  });

  it('mul is commutative and within half a unit of the exact product', () => {
    fc.assert(
      fc.property(anyDecimal, anyDecimal, (a, b) => {
        const product: Decimal = mulDecimal(a, b);
        expect(product).toBe(mulDecimal(b, a));
        expect(2n * abs(product * DECIMAL_SCALE - a * b) <= DECIMAL_SCALE).toBe(true);
        const down = mulDecimal(a, b, 'down');
        const up = mulDecimal(a, b, 'up');
        expect(abs(down) * DECIMAL_SCALE <= abs(a * b) && abs(up) * DECIMAL_SCALE >= abs(a * b)).toBe(true);
        expect(abs(up) - abs(down) <= 1n).toBe(true);
      }),
    );
  });

  it('div is within half a unit of the exact quotient, and mul undoes it up to that rounding', () => {
    fc.assert(
      fc.property(anyDecimal, nonZeroDecimal, (a, b) => {
        const quotient = divDecimal(a, b);
        expect(2n * abs(quotient * b - a * DECIMAL_SCALE) <= abs(b)).toBe(true);
        // Rounding the quotient by half a unit moves the product back by at most |b|/2 units of 10^-36.
        const back = mulDecimal(quotient, b);
        expect(abs(back - a) <= abs(b) / DECIMAL_SCALE + 1n).toBe(true);
      }),
    );
  });
});
