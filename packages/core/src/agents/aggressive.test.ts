import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { createSignalVector, setSignal } from '../signals/signal-vector.ts';
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

  describe('leaning lightly on the taker flow', () => {
    /** M = 0.3·(1.5/1.5) + 0.2·(0.3/1.5) = 0.34: short of the 0.4 entry by less than the flow's 0.1. */
    const nearEntry = featureVector({ log_return_4_z: 1.5, log_return_1_z: 0.3 });

    function decideWith(features: Float32Array, takerFlow: number | null) {
      const agent = new AggressiveAgent(['BTC-USDT'], { warmupCandles: 0 });
      const signals = createSignalVector();
      if (takerFlow !== null) setSignal(signals, 'taker_flow_imbalance', takerFlow);
      const out = emptyDecision();
      agent.onCandle({ ...contextWith(features), signals }, out);
      return out;
    }

    it('buys near-entry momentum when takers are buying, and not when they sell or the signal is masked', () => {
      expect(decideWith(nearEntry, null).action).toBe('hold');
      expect(decideWith(nearEntry, -1).action).toBe('hold');
      expect(decideWith(nearEntry, 1)).toMatchObject({ action: 'buy', reason: 'aggressive: upward momentum' });
      expect(decideWith(nearEntry, 0.5).action).toBe('hold');
    });

    it('decides exactly as without signals when the flow is masked (backtests)', () => {
      for (const features of [momentum, nearEntry, featureVector({ log_return_4_z: -1.5 })]) {
        expect(decideWith(features, null)).toEqual(decide(features).out);
      }
    });

    it('never decides on the flow alone: a flat market holds at full imbalance either way', () => {
      expect(decideWith(featureVector({}), 1).action).toBe('hold');
      expect(decideWith(featureVector({}), -1).action).toBe('hold');
    });
  });
});
