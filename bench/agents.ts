/**
 * Decision latency of the agent stage on real data, per symbol per closed candle: candle in → feature vector →
 * the four rule agents → the meta-agent's decision (regime, shadow portfolios, weights, choice). Target: p99 < 50 µs.
 * Every hourly market runs interleaved, as the backtester and the worker feed them; each candle is timed alone
 * (performance.now), so the percentiles include the timer's overhead. The first feature warm-up of each run is
 * timed too: agents hold through it, but the features and the regime still do their work.
 * Rows, measured in the same run:
 * - the decision path without rationale records (the backtester's and the worker's hot path);
 * - the same with `onRationale` set (what the audit trail costs: a record per buy or sell);
 * - baseline: the feature engine alone, the stage before the agents.
 * The PPO agent is not in these rows: it joins the ensemble when a model is loaded, and its own bench measures it.
 */
import { MetaAgent } from '../packages/core/src/agents/meta-agent.ts';
import type { DecisionRationale } from '../packages/core/src/agents/types.ts';
import { FeatureEngine } from '../packages/core/src/features/feature-engine.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import type { Decision, DecisionContext } from '../packages/core/src/strategy/types.ts';
import { hourlyMarkets } from './market-data.ts';
import { printTable, verdict } from './table.ts';

const P99_TARGET_US = 50;

interface Latency {
  p50: number;
  p99: number;
  candles: number;
}

type Stage = 'features' | 'decision' | 'decision+rationale';

/** Runs every market interleaved by time and times each candle's path through `stage`, in µs. */
function timeCandles(series: readonly CandleSeries[], stage: Stage): Latency {
  const symbols = series.map((s) => s.symbol);
  const features = new FeatureEngine({ symbols });
  let rationales = 0;
  const onRationale = (_rationale: DecisionRationale) => {
    rationales++;
  };
  const meta = new MetaAgent(symbols, stage === 'decision+rationale' ? { onRationale } : {});
  const decide = stage !== 'features';
  const out: Decision = { action: 'hold', targetExposure: Number.NaN, confidence: 0, reason: '' };
  const context: DecisionContext = {
    symbolIndex: 0,
    series: series[0] as CandleSeries,
    index: 0,
    features: null,
    positionQtyBase: 0,
    equityQuote: 10_000,
  };
  const total = series.reduce((n, s) => n + s.length, 0);
  const samples = new Float64Array(total);
  const cursor = new Int32Array(series.length);
  let taken = 0;
  for (;;) {
    let time = Number.POSITIVE_INFINITY;
    for (let s = 0; s < series.length; s++) {
      const i = cursor[s] as number;
      const candidate = (series[s] as CandleSeries).time[i];
      if (candidate !== undefined && candidate < time) time = candidate;
    }
    if (time === Number.POSITIVE_INFINITY) break;
    for (let s = 0; s < series.length; s++) {
      const market = series[s] as CandleSeries;
      const i = cursor[s] as number;
      if (i >= market.length || market.time[i] !== time) continue;
      const started = performance.now();
      const vector = features.update(s, market, i);
      if (decide) {
        context.symbolIndex = s;
        context.series = market;
        context.index = i;
        context.features = vector;
        meta.onCandle(context, out);
      }
      samples[taken++] = (performance.now() - started) * 1000;
      cursor[s] = i + 1;
    }
  }
  if (stage === 'decision+rationale' && rationales === 0) throw new Error('bench: the ensemble never traded');
  samples.sort();
  return {
    p50: samples[Math.floor(0.5 * (taken - 1))] as number,
    p99: samples[Math.floor(0.99 * (taken - 1))] as number,
    candles: taken,
  };
}

/** One untimed pass to let V8 compile the path, then the measured pass. */
function measure(series: readonly CandleSeries[], stage: Stage): Latency {
  timeCandles(series, stage);
  return timeCandles(series, stage);
}

export function benchAgents(): void {
  const { series, source } = hourlyMarkets();
  const baseline = measure(series, 'features');
  const decision = measure(series, 'decision');
  const withRationale = measure(series, 'decision+rationale');
  const us = (value: number) => value.toFixed(2);
  const ratio = (latency: Latency) => `${(latency.p50 / baseline.p50).toFixed(2)}×`;
  printTable(
    `Agent decision latency per symbol per candle — ${source}, ${decision.candles.toLocaleString('en-US')} candles`,
    ['path', 'p50 µs', 'p99 µs', 'p50 vs features only', `target p99 < ${P99_TARGET_US} µs`],
    [
      [
        'candle → features → 4 agents → ensemble decision',
        us(decision.p50),
        us(decision.p99),
        ratio(decision),
        verdict(decision.p99 < P99_TARGET_US),
      ],
      [
        'same, with rationale records (audit trail)',
        us(withRationale.p50),
        us(withRationale.p99),
        ratio(withRationale),
        verdict(withRationale.p99 < P99_TARGET_US),
      ],
      ['candle → features only (baseline)', us(baseline.p50), us(baseline.p99), '1.00×', ''],
    ],
  );
}
