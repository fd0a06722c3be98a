/**
 * A worker thread that runs one backtest (backtest-job.ts) and posts its outcome: a long ensemble backtest takes
 * seconds of CPU, which on the worker's event loop would hold up every bot's candle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BacktestJob, runBacktestJob } from './backtest-job.ts';

export type BacktestThreadOutcome = { ok: true; result: unknown } | { ok: false; error: string };

function outcomeOf(job: BacktestJob): BacktestThreadOutcome {
  try {
    return { ok: true, result: runBacktestJob(job) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

parentPort?.postMessage(outcomeOf(workerData as BacktestJob));
