import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../market/synthetic.ts';
import { approveAll } from '../risk/approve-all.ts';
import { RiskManager } from '../risk/risk-manager.ts';
import type { PortfolioView, RiskMode, RiskStage } from '../risk/types.ts';
import { createSignalVector, maskAllSignals, setSignal, signalValue } from '../signals/signal-vector.ts';
import { holdDecision, type Strategy } from '../strategy/types.ts';
import { DecisionPipeline } from './decision-pipeline.ts';

const series = syntheticMarket({ candles: 3, symbol: 'A-USDT' });
const portfolio: PortfolioView = {
  equityQuote: 10_000,
  cashQuote: 10_000,
  positionQtyBase: () => 0,
  markPrice: () => 100,
};

/** The risk mode the strategy saw on each candle. */
function modesSeen(risk: RiskStage): (RiskMode | undefined)[] {
  const seen: (RiskMode | undefined)[] = [];
  const strategy: Strategy = {
    name: 'watches-risk-mode',
    warmupCandles: 0,
    onCandle(context, out) {
      seen.push(context.riskMode);
      holdDecision(out);
    },
  };
  const pipeline = new DecisionPipeline({ botId: 'test', strategy, risk, features: null });
  for (let i = 0; i < series.length; i++) pipeline.onCandleClosed(0, series, i, portfolio, i);
  return seen;
}

describe('DecisionPipeline', () => {
  it("shows the strategy the risk manager's current mode (the meta-agent reads its allowed agents)", () => {
    const manager = new RiskManager();
    const seen = modesSeen(manager);
    expect(seen).toHaveLength(3);
    for (const mode of seen) expect(mode).toBe(manager.mode);
    expect(seen[0]?.allowedAgents).toBe('any');
  });

  it('shows no mode with a stage that has none (approveAll): any agent may vote', () => {
    expect(modesSeen(approveAll)).toEqual([undefined, undefined, undefined]);
  });
});

describe('DecisionPipeline signals', () => {
  /** The fear_greed value the strategy saw on each candle (NaN: masked). */
  function fearGreedSeen(signals?: Float32Array, beforeCandle?: (index: number) => void): number[] {
    const seen: number[] = [];
    const strategy: Strategy = {
      name: 'watches-signals',
      warmupCandles: 0,
      onCandle(context, out) {
        seen.push(signalValue(context.signals, 'fear_greed'));
        holdDecision(out);
      },
    };
    const pipeline = new DecisionPipeline({
      botId: 'test',
      strategy,
      risk: approveAll,
      features: null,
      ...(signals === undefined ? {} : { signals }),
    });
    for (let i = 0; i < series.length; i++) {
      beforeCandle?.(i);
      pipeline.onCandleClosed(0, series, i, portfolio, i);
    }
    return seen;
  }

  it('shows every signal masked when none are given (backtests)', () => {
    expect(fearGreedSeen()).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it("shows the caller's vector as written before each candle", () => {
    const signals = createSignalVector();
    const seen = fearGreedSeen(signals, (index) => {
      if (index === 1) setSignal(signals, 'fear_greed', 75);
      if (index === 2) maskAllSignals(signals);
    });
    expect(seen).toEqual([Number.NaN, 0.5, Number.NaN]);
  });
});
