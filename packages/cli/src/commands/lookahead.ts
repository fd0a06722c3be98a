import { checkLookahead, type RecordedDecision } from '@keel/core/bias/lookahead.ts';
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type Command, numberOption, requiredStrings } from '../command.ts';
import { strategyFromOptions, strategyOptions } from '../strategy-options.ts';

function describeDecision(d: RecordedDecision): string {
  return `${d.action} (target ${d.targetExposure}, confidence ${d.confidence})`;
}

export const lookaheadCommand: Command = {
  name: 'lookahead',
  summary: 'look-ahead bias check: decisions on data cut at random points must equal those on the full data',
  usage:
    '--csv FILE [--csv FILE…] --strategy sma-cross [--fast 10 --slow 30] | conservative | aggressive | balanced | contrarian | ensemble [--cuts 20] [--seed 1]',
  options: {
    csv: { type: 'string', multiple: true, valueName: 'FILE', description: 'candle CSV; repeat for several symbols' },
    ...strategyOptions,
    cuts: { type: 'string', valueName: 'N', default: '20', description: 'how many random cut points' },
    seed: { type: 'string', valueName: 'N', default: '1', description: 'seed of the cut points (replays a failure)' },
    features: {
      type: 'boolean',
      description: 'also run the feature engine and compare the feature vectors (always on for the agents)',
    },
  },
  details: `
For each cut point the whole backtest is run again on the data up to that candle only. Every decision made on the
cut data must equal the decision made at the same candle on the full data. Exit status 1 names the first that
differs: the strategy (or a feature it reads) uses data from after the candle it decides on.`,
  run(values) {
    const seriesList = requiredStrings(values, 'csv').map((file) => loadCandlesCsv(file));
    const { factory, name, readsFeatures } = strategyFromOptions(values);
    const report = checkLookahead(seriesList, factory, {
      cuts: numberOption(values, 'cuts', { integer: true, min: 1, max: 10_000 }),
      seed: numberOption(values, 'seed', { integer: true }),
      ...(values.features || readsFeatures
        ? { createFeatures: (symbols: readonly string[]) => new FeatureEngine({ symbols }) }
        : {}),
    });
    const difference = report.firstDifference;
    if (difference === null) {
      console.log(
        `${name}: no look-ahead bias — ${report.decisionsCompared} decisions at ${report.cuts.length} cut points matched the full run`,
      );
      return 0;
    }
    console.log(
      [
        `${name}: LOOK-AHEAD BIAS`,
        `first differing decision: ${difference.symbol} at ${new Date(difference.time).toISOString()} (data cut at ${new Date(difference.cutTime).toISOString()})`,
        `  on full data: ${describeDecision(difference.full)}`,
        `  on cut data:  ${describeDecision(difference.cut)}`,
      ].join('\n'),
    );
    return 1;
  },
};
