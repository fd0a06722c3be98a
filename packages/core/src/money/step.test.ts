import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { formatDecimal } from './format.ts';
import { decimalFromString } from './parse.ts';
import { isOnStep, roundToStep } from './step.ts';

const d = decimalFromString;

describe('roundToStep', () => {
  it('rounds a quantity down to the lot and a price to the tick', () => {
    expect(formatDecimal(roundToStep(d('0.123456789'), d('0.00000001'), 'down'))).toBe('0.12345678');
    expect(formatDecimal(roundToStep(d('101.25'), d('0.5')))).toBe('101');
    expect(formatDecimal(roundToStep(d('101.75'), d('0.5')))).toBe('102');
    expect(formatDecimal(roundToStep(d('101.26'), d('0.5'), 'up'))).toBe('101.5');
    expect(formatDecimal(roundToStep(d('-101.26'), d('0.5'), 'floor'))).toBe('-101.5');
  });

  it('refuses a step of zero or less', () => {
    expect(() => roundToStep(d('1'), d('0'))).toThrow(DecimalError);
    expect(() => roundToStep(d('1'), d('-0.1'))).toThrow(DecimalError);
  });

  it('lands on the step, within one step of the value, on the promised side', () => {
    const value = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(decimalFromUnits);
    const step = fc.bigInt({ min: 1n, max: 10n ** 20n }).map(decimalFromUnits);
    fc.assert(
      fc.property(value, step, (v, s) => {
        const down = roundToStep(v, s, 'floor');
        const up = roundToStep(v, s, 'ceiling');
        const nearest = roundToStep(v, s);
        expect(isOnStep(down, s) && isOnStep(up, s) && isOnStep(nearest, s)).toBe(true);
        expect(down <= v && v <= up && up - down <= s).toBe(true);
        expect(2n * (nearest > v ? nearest - v : v - nearest) <= s).toBe(true);
      }),
    );
  });
});
