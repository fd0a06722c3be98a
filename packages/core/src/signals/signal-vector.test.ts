import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIGNAL_COLUMN_NAMES, SIGNAL_NAMES, SIGNAL_SCALES } from './signal-names.ts';
import { createSignalVector, maskAllSignals, maskSignal, setSignal, signalValue } from './signal-vector.ts';

describe('signal vector', () => {
  it('has a value and an availability column per signal, all masked when new', () => {
    const vector = createSignalVector();
    expect(vector.length).toBe(SIGNAL_COLUMN_NAMES.length);
    expect(SIGNAL_COLUMN_NAMES.slice(0, 2)).toEqual(['fear_greed', 'fear_greed_available']);
    for (const name of SIGNAL_NAMES) expect(signalValue(vector, name)).toBeNaN();
    expect(signalValue(undefined, 'fear_greed')).toBeNaN();
  });

  it('holds a scaled reading with its flag set, and masks it again', () => {
    const vector = createSignalVector();
    setSignal(vector, 'fear_greed', 11);
    expect(signalValue(vector, 'fear_greed')).toBeCloseTo(-0.78, 6);
    expect(Array.from(vector.subarray(0, 2))).toEqual([expect.closeTo(-0.78, 6), 1]);
    maskSignal(vector, 'fear_greed');
    expect(Array.from(vector.subarray(0, 2))).toEqual([0, 0]);
    setSignal(vector, 'btc_dominance', 56.2);
    maskAllSignals(vector);
    expect(vector.every((column) => column === 0)).toBe(true);
  });

  it('masks a reading that is not a number instead of passing NaN on as available', () => {
    const vector = createSignalVector();
    setSignal(vector, 'eth_block_fullness', Number.NaN);
    expect(signalValue(vector, 'eth_block_fullness')).toBeNaN();
    expect(vector.every((column) => column === 0)).toBe(true);
  });

  it('scales every finite reading into [−1, 1]', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIGNAL_NAMES),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (name, raw) => {
          const scaled = SIGNAL_SCALES[name](raw);
          return scaled >= -1 && scaled <= 1;
        },
      ),
    );
    expect(SIGNAL_SCALES.whale_exchange_netflow(-250_000_000)).toBeCloseTo(-Math.tanh(1), 9);
    expect(SIGNAL_SCALES.eth_block_fullness(0.5)).toBe(0);
  });
});
