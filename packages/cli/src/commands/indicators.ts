import { writeFileSync } from 'node:fs';
import { computeIndicatorSet } from '@keel/core/indicators/indicator-set.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type Command, requiredString } from '../command.ts';

/** `{"rows": N, "indicators": {NAME: [number|null, …]}}`: JSON turns the NaN of the warm-up into null. */
export function indicatorsJson(csvPath: string): string {
  const series = loadCandlesCsv(csvPath);
  const indicators: Record<string, number[]> = {};
  for (const [name, values] of computeIndicatorSet(series)) indicators[name] = Array.from(values);
  return JSON.stringify({ rows: series.length, indicators });
}

export const indicatorsCommand: Command = {
  name: 'indicators',
  summary: 'compute the TA-Lib-compatible indicator set for a candle CSV, as JSON',
  usage: '--csv FILE [--out FILE]',
  options: {
    csv: { type: 'string', valueName: 'FILE', description: 'candles: timestamp,open,high,low,close,volume (ms UTC)' },
    out: { type: 'string', valueName: 'FILE', description: 'write the JSON here instead of standard output' },
  },
  details: `
Output: {"rows": N, "indicators": {NAME: [number|null, …]}}, one value per input row, null during warm-up.
Names: SMA_20 EMA_12 EMA_26 RSI_14 MACD_12_26_9 MACDSIGNAL_12_26_9 MACDHIST_12_26_9 BBUPPER_20_2 BBMIDDLE_20_2
BBLOWER_20_2 ATR_14 STOCHK_14_3_3 STOCHD_14_3_3 ADX_14 OBV MFI_14 CCI_20 WILLR_14 ROC_10.
Values match TA-Lib (same warm-up, Wilder smoothing and EMA seeding).`,
  run(values) {
    const json = indicatorsJson(requiredString(values, 'csv'));
    if (typeof values.out === 'string') writeFileSync(values.out, json);
    else process.stdout.write(`${json}\n`);
    return 0;
  },
};
