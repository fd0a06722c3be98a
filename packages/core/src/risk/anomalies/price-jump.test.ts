import { describe, expect, it } from 'vitest';
import { PriceJumpDetector } from './price-jump.ts';

describe('price jump', () => {
  it('flags a close more than N ATRs from the previous one, measured with the ATR before the jump', () => {
    const warmed = () => {
      const detector = new PriceJumpDetector({ atrPeriod: 3, maxAtrMultiple: 5 });
      for (let i = 0; i < 6; i++) expect(detector.update(101, 99, 100)).toBeNull(); // true range 2: ATR 2
      return detector;
    };
    expect(warmed().update(110, 99, 109)).toBeNull(); // 9 = 4.5 ATR
    expect(warmed().update(130, 99, 125)).toBe('close 125 moved 25.0000 from 100: 12.5 ATR > 5 ATR (ATR 2.00000)');
  });

  it('is silent while the ATR warms up', () => {
    const detector = new PriceJumpDetector({ atrPeriod: 14, maxAtrMultiple: 1 });
    expect(detector.update(101, 99, 100)).toBeNull();
    expect(detector.update(300, 99, 300)).toBeNull();
  });
});
