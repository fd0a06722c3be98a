/**
 * Every indicator of the set against the real TA-Lib, on real candles: a long liquid market (BTC-USDT 1h,
 * 70k rows), a 1-minute one, and thin BTC-quoted freqtrade files with gaps and prices around 1e-2…1e-5,
 * where TA-Lib's absolute thresholds (MFI's 1.0, the 1e-14 epsilon) matter.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicatorSet, INDICATOR_NAMES, type IndicatorName } from '../../src/indicators/indicator-set.ts';
import { loadCandlesCsv } from '../../src/market/csv.ts';
import { dataFile } from '../shared-data.ts';
import { type OracleOutput, runTalibOracle } from './run-oracle.ts';

const CANDLE_FILES = [
  'BTC-USDT_1h.csv',
  'BTC-USDT_1m.csv',
  'freqtrade_XMR-BTC_1m.csv',
  'freqtrade_DASH-BTC_1m.csv',
  'freqtrade_XLM-BTC_1m.csv',
];

/** Relative tolerance, and the absolute one that replaces it near zero. */
const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-9;

interface Mismatch {
  row: number;
  ours: number;
  talib: number | string | null;
}

function firstMismatch(ours: Float64Array, talib: ReadonlyArray<number | string | null>): Mismatch | undefined {
  for (let row = 0; row < ours.length; row++) {
    const value = ours[row] as number;
    const expected = talib[row] ?? null;
    if (expected === null) {
      if (!Number.isNaN(value)) return { row, ours: value, talib: expected };
      continue;
    }
    if (typeof expected !== 'number' || Number.isNaN(value)) return { row, ours: value, talib: expected };
    const error = Math.abs(value - expected);
    if (error > ABSOLUTE_TOLERANCE && error > RELATIVE_TOLERANCE * Math.abs(expected)) {
      return { row, ours: value, talib: expected };
    }
  }
  return undefined;
}

for (const file of CANDLE_FILES) {
  const csv = dataFile(file);
  describe.skipIf(!existsSync(csv))(`TA-Lib oracle on ${file}`, () => {
    let oracle: OracleOutput;
    let ours: Map<IndicatorName, Float64Array>;

    beforeAll(() => {
      oracle = runTalibOracle(csv);
      ours = computeIndicatorSet(loadCandlesCsv(csv));
    });

    it('covers every row and every indicator', () => {
      expect(oracle.rows).toBe(ours.get('SMA_20')?.length);
      expect(Object.keys(oracle.indicators)).toEqual([...INDICATOR_NAMES]);
    });

    it.each(INDICATOR_NAMES)('%s matches TA-Lib', (name) => {
      const talib = oracle.indicators[name] ?? [];
      expect(talib.length).toBe(oracle.rows);
      expect(firstMismatch(ours.get(name) ?? new Float64Array(), talib)).toBeUndefined();
    });
  });
}

/** Short histories around the lookbacks (1, 14, 27, 33 …), where warm-up boundaries are easiest to get wrong. */
const SHORT_LENGTHS = [1, 2, 11, 14, 15, 20, 27, 28, 33, 34, 60];

describe.skipIf(!existsSync(dataFile('BTC-USDT_1m.csv')))('TA-Lib oracle on short histories', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'keel-oracle-'));
  const lines = readFileSync(dataFile('BTC-USDT_1m.csv'), 'utf8').split('\n');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(SHORT_LENGTHS)('%i candles', (length) => {
    const csv = path.join(folder, `first-${length}.csv`);
    writeFileSync(csv, `${lines.slice(0, length + 1).join('\n')}\n`);
    const oracle = runTalibOracle(csv);
    const ours = computeIndicatorSet(loadCandlesCsv(csv));
    expect(oracle.rows).toBe(length);
    for (const name of INDICATOR_NAMES) {
      expect([name, firstMismatch(ours.get(name) ?? new Float64Array(), oracle.indicators[name] ?? [])]).toEqual([
        name,
        undefined,
      ]);
    }
  });
});
