import { describe, expect, it } from 'vitest';
import { downsample, drawdownSeries, lastDaysRange, toTimeValues } from './series.ts';

describe('chart series', () => {
  it('sorts, converts to seconds and keeps one value per second', () => {
    expect(
      toTimeValues([
        [3_000, 3],
        [1_000, 1],
        [1_500, 1.5],
        [2_000, Number.NaN],
      ]),
    ).toEqual([
      { time: 1, value: 1.5 },
      { time: 3, value: 3 },
    ]);
  });

  it('computes drawdown from the running peak', () => {
    expect(
      drawdownSeries([
        [1, 100],
        [2, 120],
        [3, 90],
        [4, 130],
      ]),
    ).toEqual([
      [1, 0],
      [2, 0],
      [3, -0.25],
      [4, 0],
    ]);
  });

  it('shows the last N days only when there is more than that', () => {
    const day = 86_400;
    const data = [
      { time: 0, value: 1 },
      { time: 60 * day, value: 2 },
    ];
    expect(lastDaysRange(data, 30)).toEqual({ from: 30 * day, to: 60 * day });
    expect(lastDaysRange(data, 90)).toBeNull();
    expect(lastDaysRange(data, null)).toBeNull();
  });

  it('downsamples long series, keeping the first and last points', () => {
    const points = Array.from({ length: 10 }, (_, i) => i);
    expect(downsample(points, 4)).toEqual([0, 3, 6, 9]);
    expect(downsample(points, 20)).toEqual(points);
    expect(
      downsample(
        Array.from({ length: 11 }, (_, i) => i),
        4,
      ),
    ).toEqual([0, 3, 6, 9, 10]);
  });
});
