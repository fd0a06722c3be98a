import { describe, expect, it } from 'vitest';
import { VolumeSpikeDetector } from './volume-spike.ts';

describe('volume spike', () => {
  it('flags volume above N × the mean of the window before it, once the window is full', () => {
    const detector = new VolumeSpikeDetector({ window: 4, maxMultiple: 10 });
    expect(detector.update(1_000)).toBeNull(); // window not full
    for (let i = 0; i < 4; i++) expect(detector.update(10)).toBeNull();
    expect(detector.update(100)).toBeNull(); // exactly 10×: not beyond
    expect(detector.update(1_000)).toBe('volume 1000 is 30.8× the 4-candle mean 32.5000 (> 10×)');
  });

  it('keeps its running mean exact over long runs', () => {
    const detector = new VolumeSpikeDetector({ window: 3, maxMultiple: 2 });
    for (let i = 0; i < 10_000; i++) detector.update(0.1 + (i % 3) * 1e6);
    for (let i = 0; i < 3; i++) detector.update(1);
    expect(detector.update(2)).toBeNull();
    expect(detector.update(2.01)).toBeNull();
    expect(detector.update(4.1)).not.toBeNull();
  });
});
