import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { createSignalVector, setSignal } from '../signals/signal-vector.ts';
import { ContrarianAgent } from './contrarian.ts';
import { MIN_HOLDING_CANDLES } from './holding-period.ts';
import { contextWith, emptyDecision, featureVector, withFeatures } from './testing/feature-vectors.ts';

const oversold = featureVector({ rsi: -0.42, bollinger_percent_b: -1.05, stochastic_k: -0.5, adx: 0.2 });

function decide(features: Float32Array, agent = new ContrarianAgent(['BTC-USDT'], { warmupCandles: 0 })) {
  const out = emptyDecision();
  agent.onCandle(contextWith(features), out);
  const contributions = new Float32Array(features.length);
  agent.explain(contributions);
  return { out, contributions };
}

describe('contrarian agent', () => {
  it('fades an RSI and Bollinger oversold extreme with a buy of at most half of equity', () => {
    const { out, contributions } = decide(oversold);
    expect(out.action).toBe('buy');
    expect(out.targetExposure).toBeGreaterThan(0);
    expect(out.targetExposure).toBeLessThanOrEqual(0.5);
    expect(out.confidence).toBeGreaterThanOrEqual(0.6);
    expect(contributions[FEATURE_INDEX.rsi]).toBeGreaterThan(0);
  });

  it('fades an overbought extreme with a sell', () => {
    const { out } = decide(featureVector({ rsi: 0.5, bollinger_percent_b: 1.3, stochastic_k: 0.8 }));
    expect(out).toMatchObject({ action: 'sell', targetExposure: 0 });
  });

  it('is surer on a capitulation volume spike and less sure against a strong trend', () => {
    const plain = decide(oversold).out;
    const spike = decide(withFeatures(oversold, { volume_z: 3 }));
    const strongTrend = decide(withFeatures(oversold, { adx: 0.6 })).out;
    expect(spike.out.confidence).toBeGreaterThan(plain.confidence);
    expect(spike.contributions[FEATURE_INDEX.volume_z]).toBeGreaterThan(0);
    expect(strongTrend.confidence).toBeLessThan(plain.confidence);
  });

  it('does not buy a mild dip that is no extreme', () => {
    expect(decide(featureVector({ rsi: -0.2, bollinger_percent_b: -0.5, stochastic_k: -0.6 })).out.action).toBe('hold');
  });

  it('takes the reversion: after its buy and the minimum holding period, sells once the stretch is gone', () => {
    const agent = new ContrarianAgent(['BTC-USDT'], { warmupCandles: 0 });
    const reverted = featureVector({ rsi: 0.05, bollinger_percent_b: 0.1 });
    expect(decide(oversold, agent).out.action).toBe('buy');
    expect(decide(featureVector({ rsi: -0.2, bollinger_percent_b: -0.3 }), agent).out.action).toBe('hold');
    // A reversion within hours does not pay the round trip's fees: the position is kept MIN_HOLDING_CANDLES.
    for (let candle = 2; candle < MIN_HOLDING_CANDLES; candle++) {
      expect(decide(reverted, agent).out.reason).toBe('contrarian: holding for the minimum period');
    }
    expect(decide(reverted, agent).out).toMatchObject({ action: 'sell', reason: 'contrarian: reverted to the mean' });
    // Flat again: the same neutral market is no reason to sell twice.
    expect(decide(reverted, agent).out.action).toBe('hold');
  });

  it('does not top up: a second oversold extreme while long is a hold', () => {
    const agent = new ContrarianAgent(['BTC-USDT'], { warmupCandles: 0 });
    expect(decide(oversold, agent).out.action).toBe('buy');
    expect(decide(oversold, agent).out).toMatchObject({ action: 'hold', reason: 'contrarian: holding the position' });
  });

  describe('leaning on Fear & Greed', () => {
    const mildDip = featureVector({ rsi: -0.42, bollinger_percent_b: -0.5, adx: 0.2 });

    function decideWith(features: Float32Array, fearGreedIndex: number | null) {
      const agent = new ContrarianAgent(['BTC-USDT'], { warmupCandles: 0 });
      const signals = createSignalVector();
      if (fearGreedIndex !== null) setSignal(signals, 'fear_greed', fearGreedIndex);
      const out = emptyDecision();
      agent.onCandle({ ...contextWith(features), signals }, out);
      return out;
    }

    it('buys a dip it would hold on when the crowd is in extreme fear', () => {
      expect(decideWith(mildDip, null).action).toBe('hold');
      expect(decideWith(mildDip, 50).action).toBe('hold');
      expect(decideWith(mildDip, 8).action).toBe('buy');
    });

    it('is surer of an oversold buy in fear, less sure in greed', () => {
      const neutral = decideWith(oversold, null).confidence;
      expect(decideWith(oversold, 10).confidence).toBeGreaterThan(neutral);
      expect(decideWith(oversold, 90).confidence).toBeLessThan(neutral);
    });

    it('decides exactly as without signals when Fear & Greed is masked', () => {
      for (const features of [oversold, mildDip, featureVector({ rsi: 0.5, bollinger_percent_b: 1.3 })]) {
        expect(decideWith(features, null)).toEqual(decide(features).out);
      }
    });
  });
});
