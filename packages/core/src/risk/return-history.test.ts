import { describe, expect, it } from 'vitest';
import { ReturnHistory } from './return-history.ts';

describe('ReturnHistory', () => {
  it('keeps the last `window` steps of every symbol, one symbol contiguous', () => {
    const history = new ReturnHistory(2, 3);
    for (let step = 1; step <= 5; step++) history.push([step, -step]);
    expect(history.count).toBe(3);
    expect(history.version).toBe(5);
    expect([...history.returns.subarray(0, 3)].sort()).toEqual([3, 4, 5]);
    expect([...history.returns.subarray(3, 6)].sort()).toEqual([-3, -4, -5].sort());
  });
});
