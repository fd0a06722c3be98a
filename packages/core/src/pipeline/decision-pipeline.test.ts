import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../market/synthetic.ts';
import { approveAll } from '../risk/approve-all.ts';
import { RiskManager } from '../risk/risk-manager.ts';
import type { PortfolioView, RiskMode, RiskStage } from '../risk/types.ts';
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
