import { describe, expect, it } from 'vitest';
import { FEATURE_DEFAULTS, FeatureOptionsError, resolveFeatureOptions } from './feature-options.ts';

describe('resolveFeatureOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveFeatureOptions({ symbols: ['ETH-USDT'] });
    expect(resolved).toMatchObject(FEATURE_DEFAULTS);
    expect(resolved.candleMs).toBeNaN();
  });

  it('picks BTC-USDT as the reference, else the first symbol starting with BTC, else none', () => {
    expect(resolveFeatureOptions({ symbols: ['ETH-USDT', 'BTC-USD', 'BTC-USDT'] }).referenceIndex).toBe(2);
    expect(resolveFeatureOptions({ symbols: ['ETH-USDT', 'BTC-EUR'] }).referenceIndex).toBe(1);
    expect(resolveFeatureOptions({ symbols: ['ETH-USDT', 'ADA-BTC'] }).referenceIndex).toBe(-1);
    expect(resolveFeatureOptions({ symbols: ['BTC-USDT'], referenceSymbol: null }).referenceIndex).toBe(-1);
    expect(
      resolveFeatureOptions({ symbols: ['ETH-USDT', 'SOL-USDT'], referenceSymbol: 'SOL-USDT' }).referenceIndex,
    ).toBe(1);
  });

  it('rejects a named reference outside the run, duplicate symbols and impossible windows', () => {
    expect(() => resolveFeatureOptions({ symbols: ['ETH-USDT'], referenceSymbol: 'BTC-USDT' })).toThrow(
      /referenceSymbol BTC-USDT is not among the symbols/,
    );
    expect(() => resolveFeatureOptions({ symbols: [] })).toThrow(FeatureOptionsError);
    expect(() => resolveFeatureOptions({ symbols: ['A', 'A'] })).toThrow(FeatureOptionsError);
    expect(() => resolveFeatureOptions({ symbols: ['A'], zScoreWindow: 1 })).toThrow(
      /zScoreWindow must be an integer ≥ 2/,
    );
    expect(() => resolveFeatureOptions({ symbols: ['A'], correlationWindow: 2.5 })).toThrow(FeatureOptionsError);
    expect(() => resolveFeatureOptions({ symbols: ['A'], orderBookMaxAgeMs: -1 })).toThrow(FeatureOptionsError);
    expect(() => resolveFeatureOptions({ symbols: ['A'], candleMs: 0 })).toThrow(FeatureOptionsError);
  });
});
