import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulDecimal, subDecimal } from '../money/arithmetic.ts';
import { type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { decimalToNumber } from '../money/format.ts';
import { decimalFromNumber, decimalFromString } from '../money/parse.ts';
import { roundToStep } from '../money/step.ts';
import { CandleVolume } from './candle-volume.ts';

const LOT = decimalFromString('0.00000001');

/** The definition: the exact cap, parsed up front, each quantity cut to what is left and the fill subtracted. */
function referenceCuts(participation: Decimal | null, volume: number, quantities: readonly Decimal[]): Decimal[] {
  let left =
    participation === null
      ? decimalFromUnits(10n ** 48n)
      : mulDecimal(decimalFromNumber(volume), participation, 'floor');
  return quantities.map((qty) => {
    const cut = qty <= left ? qty : roundToStep(left, LOT, 'down');
    left = subDecimal(left, cut);
    return cut;
  });
}

describe('CandleVolume', () => {
  it('cuts every fill of a candle exactly as the cap computed up front would', () => {
    const participations = fc.constantFrom('1', '0.5', '0.1', null);
    const volumes = fc.oneof(
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.integer({ min: 0, max: 10 ** 9 }).map((lots) => lots / 1e8),
    );
    const lots = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.bigInt({ min: 1n, max: 10n ** 9n }));
    fc.assert(
      fc.property(participations, volumes, fc.array(lots, { minLength: 1, maxLength: 4 }), (share, volume, counts) => {
        const participation = share === null ? null : decimalFromString(share);
        const quantities = counts.map((count) => decimalFromUnits(count * LOT));
        const candle = new CandleVolume(participation, volume);
        const cuts = quantities.map((qty) => {
          const cut = candle.cut(qty, decimalToNumber(qty), LOT);
          candle.take(cut);
          return cut;
        });
        expect(cuts).toEqual(referenceCuts(participation, volume, quantities));
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes a quantity equal to the whole volume, and not one lot more', () => {
    const one = decimalFromString('1');
    expect(new CandleVolume(one, 0.5).cut(decimalFromString('0.5'), 0.5, LOT)).toBe(decimalFromString('0.5'));
    expect(new CandleVolume(one, 0.5).cut(decimalFromString('0.50000001'), 0.50000001, LOT)).toBe(
      decimalFromString('0.5'),
    );
  });

  it('leaves nothing once the volume is taken', () => {
    const candle = new CandleVolume(decimalFromString('1'), 1);
    candle.take(decimalFromString('1'));
    expect(candle.cut(decimalFromString('0.1'), 0.1, LOT)).toBe(0n);
  });
});
