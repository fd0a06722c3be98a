import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { ConservativeAgent } from './conservative.ts';
import { MIN_HOLDING_CANDLES } from './holding-period.ts';
import { contextWith, emptyDecision, featureVector, withFeatures } from './testing/feature-vectors.ts';

const confirmedUptrend = featureVector({
  log_return_24_z: 1.6,
  macd_histogram_z: 1.2,
  obv_slope: 0.25,
  log_return_4_z: 1.2,
  rsi: 0.2,
  adx: 0.32,
});

function decideRepeatedly(agent: ConservativeAgent, features: Float32Array, candles: number) {
  const out = emptyDecision();
  const actions: string[] = [];
  for (let i = 0; i < candles; i++) {
    agent.onCandle(contextWith(features), out);
    actions.push(out.action);
  }
  return { out, actions };
}

describe('conservative agent', () => {
  it('buys a confirmed uptrend only after three closes in a row, with a small exposure', () => {
    const agent = new ConservativeAgent(['BTC-USDT'], { warmupCandles: 0 });
    const { out, actions } = decideRepeatedly(agent, confirmedUptrend, 3);
    expect(actions).toEqual(['hold', 'hold', 'buy']);
    expect(out.targetExposure).toBeGreaterThan(0);
    expect(out.targetExposure).toBeLessThanOrEqual(0.3);
    expect(out.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('does not buy when one confirmation is missing (volume disagrees) or the market is overbought', () => {
    for (const missing of [{ obv_slope: -0.1 }, { rsi: 0.5 }, { adx: 0.15 }]) {
      const agent = new ConservativeAgent(['BTC-USDT'], { warmupCandles: 0 });
      expect(decideRepeatedly(agent, withFeatures(confirmedUptrend, missing), 5).actions).not.toContain('buy');
    }
  });

  it('is more confident in a stronger trend', () => {
    const weak = new ConservativeAgent(['X'], { warmupCandles: 0 });
    const strong = new ConservativeAgent(['X'], { warmupCandles: 0 });
    const weakTrend = withFeatures(confirmedUptrend, { adx: 0.26, macd_histogram_z: 0.6 });
    const strongTrend = withFeatures(confirmedUptrend, { adx: 0.45, macd_histogram_z: 2 });
    const weakOut = decideRepeatedly(weak, weakTrend, 3).out;
    const strongOut = decideRepeatedly(strong, strongTrend, 3).out;
    expect(weakOut.action).toBe('buy');
    expect(strongOut.confidence).toBeGreaterThan(weakOut.confidence);
    expect(strongOut.targetExposure).toBeGreaterThan(weakOut.targetExposure);
  });

  it('sells everything when the smoothed trend turns down, after the minimum holding period, per symbol', () => {
    const agent = new ConservativeAgent(['A', 'B'], { warmupCandles: 0 });
    const out = emptyDecision();
    agent.onCandle(contextWith(confirmedUptrend, 0), out);
    agent.onCandle(contextWith(confirmedUptrend, 0), out);
    agent.onCandle(contextWith(confirmedUptrend, 1), out);
    expect(out.action).toBe('hold');
    agent.onCandle(contextWith(confirmedUptrend, 0), out);
    expect(out.action).toBe('buy');
    const downtrend = featureVector({ log_return_24_z: -1.5, macd_histogram_z: -1, obv_slope: -0.2 });
    const actions: string[] = [];
    for (let candle = 1; candle <= MIN_HOLDING_CANDLES; candle++) {
      agent.onCandle(contextWith(downtrend, 0), out);
      actions.push(out.action);
    }
    // The score is smoothed over a day, and the position is kept MIN_HOLDING_CANDLES: the sell comes at the end.
    expect(actions.slice(0, -1).every((action) => action === 'hold')).toBe(true);
    expect(out).toMatchObject({ action: 'sell', targetExposure: 0 });
  });

  it('turns down slowly: past the minimum holding period, one bad candle does not flip the smoothed trend', () => {
    const agent = new ConservativeAgent(['A'], { warmupCandles: 0 });
    const out = emptyDecision();
    decideRepeatedly(agent, confirmedUptrend, MIN_HOLDING_CANDLES + 10);
    agent.onCandle(contextWith(featureVector({ log_return_24_z: -1.5, macd_histogram_z: -1, obv_slope: -0.2 })), out);
    expect(out.action).toBe('hold');
  });

  it('holds through the feature warm-up', () => {
    const agent = new ConservativeAgent(['X'], { warmupCandles: 10 });
    expect(decideRepeatedly(agent, confirmedUptrend, 10).actions.every((a) => a === 'hold')).toBe(true);
    expect(decideRepeatedly(agent, confirmedUptrend, 1).actions).toEqual(['buy']);
  });

  it('explains a buy by the trend terms it used', () => {
    const agent = new ConservativeAgent(['X'], { warmupCandles: 0 });
    decideRepeatedly(agent, confirmedUptrend, 3);
    const contributions = new Float32Array(confirmedUptrend.length);
    agent.explain(contributions);
    expect(contributions.filter((c) => c > 0).length).toBe(4);
    expect(contributions.some((c) => c < 0)).toBe(false);
    expect(contributions[FEATURE_INDEX.log_return_24_z]).toBeCloseTo(0.3 * 0.8, 6);
  });
});
