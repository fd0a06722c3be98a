import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { FeatureEngine } from '../features/feature-engine.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { syntheticMarket } from '../market/synthetic.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { riskModeFor } from '../risk/risk-mode.ts';
import type { RiskMode } from '../risk/types.ts';
import type { Decision, DecisionContext } from '../strategy/types.ts';
import { MetaAgent, type MetaAgentOptions, MetaAgentOptionsError } from './meta-agent.ts';
import { emptyDecision } from './testing/feature-vectors.ts';
import type { Agent, DecisionRationale } from './types.ts';

/** A year of BTC and ETH hourly candles (2020–2021) when the shared data is here, else two synthetic markets. */
function markets(): CandleSeries[] {
  if (!hasSharedData()) {
    return [1, 2].map((seed) => syntheticMarket({ candles: 9000, seed, symbol: `SYN${seed}-USDT` }));
  }
  return ['BTC', 'ETH'].map((coin) => {
    const series = loadCandlesCsv(dataFile(`${coin}-USDT_1h.csv`));
    return sliceSeries(series, 17_000, 26_000);
  });
}

interface Run {
  decisions: Decision[];
  rationales: DecisionRationale[];
}

/** Drives the meta-agent candle by candle, time step by time step, as the pipeline does, in a fixed risk mode. */
function drive(seriesList: CandleSeries[], riskMode: RiskMode | undefined, options: MetaAgentOptions = {}): Run {
  const symbols = seriesList.map((s) => s.symbol);
  const rationales: DecisionRationale[] = [];
  const meta = new MetaAgent(symbols, { ...options, onRationale: (r) => rationales.push(r) });
  const features = new FeatureEngine({ symbols });
  const decisions: Decision[] = [];
  const length = Math.min(...seriesList.map((s) => s.length));
  for (let index = 0; index < length; index++) {
    seriesList.forEach((series, symbolIndex) => {
      const context: DecisionContext = {
        symbolIndex,
        series,
        index,
        features: features.update(symbolIndex, series, index),
        positionQtyBase: 0,
        equityQuote: 10_000,
        ...(riskMode === undefined ? {} : { riskMode }),
      };
      const out = emptyDecision();
      meta.onCandle(context, out);
      decisions.push(out);
    });
  }
  return { decisions, rationales };
}

/** A stand-in for a loaded PPO model with a fixed policy: always wants half of equity, sure of it. */
function alwaysBuys(): Agent {
  return {
    name: 'ppo',
    warmupCandles: 0,
    onCandle(_context, out) {
      out.action = 'buy';
      out.targetExposure = 0.5;
      out.confidence = 0.95;
      out.reason = 'ppo: policy says buy';
    },
    explain(out) {
      out.fill(0);
      out[0] = 0.7;
      out[3] = -0.2;
    },
  };
}

describe('MetaAgent (ensemble)', () => {
  let seriesList: CandleSeries[];
  let free: Run;
  beforeAll(() => {
    seriesList = markets();
    free = drive(seriesList, undefined);
  });

  it('lets several agents lead when the risk mode allows any, with weights summing to 1', () => {
    const chosen = new Set(free.rationales.map((r) => r.chosenAgent));
    expect(chosen.size).toBeGreaterThanOrEqual(3);
    for (const rationale of free.rationales) {
      expect(rationale.votes.reduce((total, vote) => total + vote.weight, 0)).toBeCloseTo(1, 12);
    }
  });

  it('chooses only the conservative agent while the breaker is CONSERVATIVE', () => {
    const run = drive(seriesList, riskModeFor('CONSERVATIVE', false));
    expect(run.rationales.length).toBeGreaterThan(0);
    for (const rationale of run.rationales) {
      expect(rationale.chosenAgent).toBe('conservative');
      for (const vote of rationale.votes) expect(vote.weight).toBe(vote.agent === 'conservative' ? 1 : 0);
    }
  });

  it('holds on every candle while trading is halted', () => {
    const run = drive(seriesList, riskModeFor('HALTED', false));
    expect(run.decisions.every((d) => d.action === 'hold')).toBe(true);
    expect(run.rationales).toEqual([]);
  });

  it('writes a complete rationale for every buy and sell, and only for them', () => {
    const acting = free.decisions.filter((d) => d.action !== 'hold');
    expect(free.rationales.length).toBe(acting.length);
    const symbols = seriesList.map((s) => s.symbol);
    const fields = ['chosenAgent', 'regime', 'riskTolerance', 'symbol', 'time', 'topFeatures', 'votes'];
    const problems: string[] = [];
    free.rationales.forEach((rationale, i) => {
      const decision = acting[i] as Decision;
      const sizes = rationale.topFeatures.map((f) => Math.abs(f.contribution));
      const checks: [string, boolean][] = [
        ['fields', Object.keys(rationale).sort().join() === fields.join()],
        ['symbol', symbols.includes(rationale.symbol)],
        ['time', Number.isFinite(rationale.time)],
        ['regime', ['bull', 'bear', 'sideways'].includes(rationale.regime)],
        ['tolerance', rationale.riskTolerance === 'medium'],
        ['voters', rationale.votes.map((v) => v.agent).join() === 'conservative,aggressive,balanced,contrarian'],
        // The chosen agent is on the ensemble's side: its vote of this candle never goes against the decision.
        [
          'chosen vote',
          rationale.votes.find((v) => v.agent === rationale.chosenAgent)?.action !==
            (decision.action === 'buy' ? 'sell' : 'buy'),
        ],
        ['reason', decision.reason.includes(rationale.chosenAgent)],
        [
          'top features',
          sizes.length > 0 && sizes.length <= 5 && sizes.every((x, k) => k === 0 || x <= (sizes[k - 1] as number)),
        ],
        ['feature names', rationale.topFeatures.every((f) => (FEATURE_NAMES as readonly string[]).includes(f.feature))],
        [
          'votes',
          rationale.votes.every((v) => v.confidence >= 0 && v.confidence <= 1 && Number.isFinite(v.recentSharpe)),
        ],
      ];
      for (const [name, ok] of checks) if (!ok) problems.push(`rationale ${i}: ${name}`);
    });
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('decides the same with or without a rationale callback', () => {
    const symbols = seriesList.map((s) => s.symbol);
    const silent = new MetaAgent(symbols);
    const features = new FeatureEngine({ symbols });
    const series = seriesList[0] as CandleSeries;
    const out = emptyDecision();
    const actions: string[] = [];
    for (let index = 0; index < 3000; index++) {
      const context = { symbolIndex: 0, series, index, positionQtyBase: 0, equityQuote: 1 };
      silent.onCandle({ ...context, features: features.update(0, series, index) }, out);
      actions.push(out.action);
    }
    const loud = drive([series], undefined);
    expect(actions).toEqual(loud.decisions.slice(0, 3000).map((d) => d.action));
  });

  it('caps a buy at the risk tolerance and lets an extra (PPO) agent vote', () => {
    const run = drive(
      seriesList.map((s) => sliceSeries(s, 0, 3000)),
      undefined,
      {
        riskTolerance: 'low',
        extraAgent: alwaysBuys(),
      },
    );
    const buys = run.decisions.filter((d) => d.action === 'buy');
    expect(buys.length).toBeGreaterThan(0);
    expect(buys.every((d) => d.targetExposure <= 0.3)).toBe(true);
    const ppoLed = run.rationales.filter((r) => r.chosenAgent === 'ppo');
    expect(ppoLed.length).toBeGreaterThan(0);
    expect(ppoLed[0]?.topFeatures.map((f) => f.feature)).toEqual([FEATURE_NAMES[0], FEATURE_NAMES[3]]);
    expect(run.rationales[0]?.votes.map((v) => v.agent)).toContain('ppo');
  });

  it('refuses an agent listed twice and an unknown risk tolerance', () => {
    expect(() => new MetaAgent(['X'], { agents: ['balanced', 'balanced'] })).toThrow(MetaAgentOptionsError);
    expect(() => new MetaAgent(['X'], { riskTolerance: 'reckless' as 'high' })).toThrow(/risk tolerance/);
  });
});
