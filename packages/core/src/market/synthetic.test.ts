import { describe, expect, it } from 'vitest';
import { candleProblem } from './csv.ts';
import { syntheticMarket } from './synthetic.ts';

describe('syntheticMarket', () => {
  it('makes valid candles, the same for the same seed', () => {
    const a = syntheticMarket({ candles: 5000, seed: 7 });
    const b = syntheticMarket({ candles: 5000, seed: 7 });
    expect([...a.close]).toEqual([...b.close]);
    expect([...syntheticMarket({ candles: 5000, seed: 8 }).close]).not.toEqual([...a.close]);
    for (let i = 0; i < a.length; i++) {
      expect(
        candleProblem(
          a.time[i] as number,
          a.open[i] as number,
          a.high[i] as number,
          a.low[i] as number,
          a.close[i] as number,
          a.volume[i] as number,
        ),
      ).toBeNull();
    }
  });
});
