/** Every rule agent and the ensemble, through the project's look-ahead check on real candles with real features. */
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { checkLookahead } from '../bias/lookahead.ts';
import { FeatureEngine } from '../features/feature-engine.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { sliceSeries } from '../market/types.ts';
import { AGENT_STRATEGY_NAMES, agentStrategy } from './index.ts';

describe.skipIf(!hasSharedData())('agents on real BTC-USDT and ETH-USDT hourly candles', () => {
  // 2021: a bull top, a crash and a range, after a feature warm-up of 649 candles.
  const seriesList = ['BTC', 'ETH'].map((coin) =>
    sliceSeries(loadCandlesCsv(dataFile(`${coin}-USDT_1h.csv`)), 26_000, 31_000),
  );

  it.each(AGENT_STRATEGY_NAMES)('%s decides the same on data cut at random points (no look-ahead)', (name) => {
    const report = checkLookahead(seriesList, agentStrategy(name), {
      cuts: 6,
      seed: 7,
      createFeatures: (symbols) => new FeatureEngine({ symbols }),
    });
    expect(report.firstDifference).toBeNull();
    expect(report.decisionsCompared).toBeGreaterThan(10_000);
  });
});
