/** Runs the compiled TA-Lib oracle on a candle CSV and returns its columns, null before each begIdx. */
import { execFileSync } from 'node:child_process';
import { buildTalibOracle } from './build-oracle.ts';

export interface OracleOutput {
  rows: number;
  /** One entry per row; null where TA-Lib gives no output yet; "NaN"/"Infinity" strings are never expected. */
  indicators: Record<string, ReadonlyArray<number | string | null>>;
}

/** 70k rows × 19 columns × ~20 characters is ~27 MB of JSON. */
const MAX_ORACLE_OUTPUT_BYTES = 512 * 1024 * 1024;

export function runTalibOracle(csvFile: string): OracleOutput {
  const stdout = execFileSync(buildTalibOracle(), [csvFile], { maxBuffer: MAX_ORACLE_OUTPUT_BYTES });
  return JSON.parse(stdout.toString()) as OracleOutput;
}
