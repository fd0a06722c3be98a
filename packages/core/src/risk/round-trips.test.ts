import { describe, expect, it } from 'vitest';
import { RoundTrips } from './round-trips.ts';

describe('RoundTrips', () => {
  it('averages the entry and reports the net P&L when the position is back to flat', () => {
    const trips = new RoundTrips(2);
    expect(trips.onFill(0, 'buy', 1, 100, 0.1)).toBeNull();
    expect(trips.onFill(0, 'buy', 1, 110, 0.11)).toBeNull();
    expect(trips.averageEntryPrice(0)).toBeCloseTo(105, 12);
    expect(trips.averageEntryPrice(1)).toBeNaN();
    expect(trips.onFill(0, 'sell', 0.5, 120, 0.06)).toBeNull();
    expect(trips.onFill(0, 'sell', 1.5, 90, 0.135)).toBeCloseTo(60 + 135 - 210 - 0.405, 9);
    expect(trips.averageEntryPrice(0)).toBeNaN();
  });

  it('ignores sells of a position it did not see opened', () => {
    const trips = new RoundTrips(1);
    expect(trips.onFill(0, 'sell', 1, 100, 0)).toBeNull();
  });
});
