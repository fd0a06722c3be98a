import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { BalancedAgent } from './balanced.ts';
import { contextWith, emptyDecision, featureVector } from './testing/feature-vectors.ts';

function decide(features: Float32Array) {
  const agent = new BalancedAgent(['BTC-USDT'], { warmupCandles: 0 });
  const out = emptyDecision();
  agent.onCandle(contextWith(features), out);
  const contributions = new Float32Array(features.length);
  agent.explain(contributions);
  return { out, contributions };
}

describe('balanced agent', () => {
  it('follows the trend when ADX says there is one', () => {
    const { out, contributions } = decide(
      featureVector({ adx: 0.4, log_return_24_z: 1.8, macd_histogram_z: 1.2, rsi: 0.3, bollinger_percent_b: 0.9 }),
    );
    expect(out.action).toBe('buy');
    expect(out.targetExposure).toBeLessThanOrEqual(0.6);
    expect(out.reason).toContain('uptrend');
    // With ADX ≥ 35 the overbought RSI and %B carry no weight.
    expect(contributions[FEATURE_INDEX.rsi]).toBeCloseTo(0, 9);
  });

  it('buys the dip in a range, where the same trend terms count for nothing', () => {
    const { out, contributions } = decide(
      featureVector({ adx: 0.12, log_return_24_z: -1.5, macd_histogram_z: -1, rsi: -0.4, bollinger_percent_b: -1.1 }),
    );
    expect(out.action).toBe('buy');
    expect(out.reason).toContain('oversold');
    expect(contributions[FEATURE_INDEX.log_return_24_z]).toBeCloseTo(0, 9);
    expect(contributions[FEATURE_INDEX.bollinger_percent_b]).toBeGreaterThan(0);
  });

  it('sells a downtrend and an overbought range', () => {
    expect(decide(featureVector({ adx: 0.4, log_return_24_z: -2, macd_histogram_z: -1.5 })).out.action).toBe('sell');
    expect(decide(featureVector({ adx: 0.1, rsi: 0.45, bollinger_percent_b: 1.2 })).out.action).toBe('sell');
  });

  it('is more confident the stronger the blended score', () => {
    const mild = decide(featureVector({ adx: 0.1, rsi: -0.3, bollinger_percent_b: -0.6 })).out;
    const deep = decide(featureVector({ adx: 0.1, rsi: -0.5, bollinger_percent_b: -1.2 })).out;
    expect(mild.action).toBe('buy');
    expect(deep.confidence).toBeGreaterThan(mild.confidence);
  });
});
