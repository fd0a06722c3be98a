/** A data folder for a worker process holding the first candles of one real market file (shared data, not copied into the repo). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataFile } from '../../packages/core/test/shared-data.ts';

export interface CandleSlice {
  dataDir: string;
  /** Open times of the candles in the slice (ms), in order. */
  times: number[];
}

/** `file` is a shared-data CSV name such as BTC-USDT_1m.csv; the worker finds it under the same name. */
export function candleSlice(file: string, candles: number): CandleSlice {
  const lines = readFileSync(dataFile(file), 'utf8').split('\n');
  const rows = lines.slice(1, candles + 1).filter((line) => line !== '');
  if (rows.length < candles) throw new Error(`${file} has ${rows.length} candles, ${candles} asked`);
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-bench-data-'));
  writeFileSync(join(dataDir, file), `${[lines[0], ...rows].join('\n')}\n`);
  return { dataDir, times: rows.map((row) => Number(row.split(',')[0])) };
}
