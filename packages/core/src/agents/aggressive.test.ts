import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { AggressiveAgent } from './aggressive.ts';
import { contextWith, emptyDecision, featureVector, withFeatures } from './testing/feature-vectors.ts';

const momentum = featureVector({
  log_return_4_z: 1.2,
  log_return_1_z: 1,
  macd_histogram_z: 1,
  bollinger_percent_b: 0.6,
  stochastic_k: 0.4,
});

function decide(features: Float32Array) {
  const agent = new AggressiveAgent(['BTC-USDT'], { warmupCandles: 0 });
  const out = emptyDecision();
  agent.onCandle(contextWith(features), out);
  const contributions = new Float32Array(features.length);
  agent.explain(contributions);
  return { out, contributions };
}

describe('aggressive agent', () => {
  it('buys upward momentum on the first candle, with at least half of equity', () => {
    const { out } = decide(momentum);
    expect(out.action).toBe('buy');
    expect(out.targetExposure).toBeGreaterThanOrEqual(0.5);
    expect(out.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('goes bigger and surer on a breakout above the band on heavy volume', () => {
    const plain = decide(momentum).out;
    const breakout = decide(withFeatures(momentum, { bollinger_percent_b: 1.4, volume_z: 2.5 }));
    expect(breakout.out.reason).toContain('breakout');
    expect(breakout.out.targetExposure).toBeGreaterThan(plain.targetExposure);
    expect(breakout.out.confidence).toBeGreaterThan(plain.confidence);
    expect(breakout.contributions[FEATURE_INDEX.volume_z]).toBeGreaterThan(0);
  });

  it('ignores volume when the close is inside the band', () => {
    const { contributions } = decide(withFeatures(momentum, { volume_z: 3 }));
    expect(contributions[FEATURE_INDEX.volume_z]).toBe(0);
  });

  it('sells everything as soon as momentum turns down', () => {
    const { out } = decide(featureVector({ log_return_4_z: -1.5, log_return_1_z: -1.5, macd_histogram_z: -0.5 }));
    expect(out).toMatchObject({ action: 'sell', targetExposure: 0 });
  });

  it('holds on a quiet market', () => {
    expect(decide(featureVector({ log_return_4_z: 0.2, stochastic_k: -0.1 })).out.action).toBe('hold');
  });
});
