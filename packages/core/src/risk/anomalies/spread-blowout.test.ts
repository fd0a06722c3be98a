import { describe, expect, it } from 'vitest';
import { SPREAD_BLOWOUT_DEFAULTS, SpreadBlowoutDetector } from './spread-blowout.ts';

describe('spread blow-out', () => {
  it('flags a spread beyond N × its smoothed level once warm, without learning from it', () => {
    const detector = new SpreadBlowoutDetector({ ...SPREAD_BLOWOUT_DEFAULTS, warmupSnapshots: 3 });
    for (let i = 0; i < 3; i++) expect(detector.update(99.9, 100.1)).toBeNull(); // 20 bps
    expect(detector.update(99, 101)).toMatch(/^spread 200\.0 bps is 10\.0× its usual 20\.0 bps/);
    expect(detector.update(99, 101)).not.toBeNull(); // the blow-out did not become the norm
    expect(detector.update(99.9, 100.1)).toBeNull();
  });

  it('ignores tight books below the floor, and flags a crossed or empty book', () => {
    const detector = new SpreadBlowoutDetector({ ...SPREAD_BLOWOUT_DEFAULTS, warmupSnapshots: 1 });
    detector.update(99.999, 100.001); // 0.2 bps
    expect(detector.update(99.99, 100.01)).toBeNull(); // 2 bps: 10× but under the 10 bps floor
    expect(detector.update(101, 100)).toContain('crossed');
    expect(detector.update(Number.NaN, 100)).toContain('empty');
  });
});
