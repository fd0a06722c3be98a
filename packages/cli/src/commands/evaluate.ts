/**
 * `keel evaluate`: walk-forward evidence on real data. Every coin on its own: train on a window, test on the next,
 * roll forward; each rule agent alone, PPO (trained per window), the ensemble and buy-and-hold, all out of sample
 * with fees and slippage; one row per strategy per coin and per strategy overall (equal-weight portfolio of the
 * coins). The evaluation itself is core's (evaluation/run-evaluation.ts); this command reads CSVs, prints and
 * writes files.
 */
import { writeFileSync } from 'node:fs';
import type { RiskTolerance } from '@keel/core/agents/types.ts';
import { aimVerdict } from '@keel/core/evaluation/aim.ts';
import {
  type Evaluation,
  type EvaluationRow,
  type FitPpo,
  OVERALL,
  runEvaluation,
} from '@keel/core/evaluation/run-evaluation.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { type Command, numberOption, requiredStrings, UsageError } from '../command.ts';
import { renderEvaluationReport } from '../report/evaluation-report.ts';
import { formatNumber, formatPercent } from '../report/html.ts';

/** A year of hourly candles to train on, a quarter (91 days) to test on. */
const DEFAULT_TRAIN_CANDLES = 8760;
const DEFAULT_TEST_CANDLES = 2184;
/** Two PPO rollouts per window: the seven-coin run takes a few minutes on two cores (README). */
const DEFAULT_PPO_STEPS = 4096;
const RISK_TOLERANCES: readonly RiskTolerance[] = ['low', 'medium', 'high'];

/** The JSON of the issue: one row per strategy per coin and overall, named `coin/strategy`; undefined metrics null. */
export function evaluationJson(evaluation: Evaluation): string {
  return JSON.stringify({
    rows: evaluation.rows.map((row) => ({
      name: `${row.coin}/${row.strategy}`,
      totalReturn: row.totalReturn,
      sharpe: row.sharpe,
      sortino: row.sortino,
      maxDrawdown: row.maxDrawdown,
      winRate: row.winRate,
      trades: row.trades,
    })),
  });
}

function table(rows: readonly EvaluationRow[]): string {
  const cells = [
    ['coin', 'strategy', 'total return', 'Sharpe', 'Sortino', 'max drawdown', 'win rate', 'trades'],
    ...rows.map((row) => [
      row.coin,
      row.strategy,
      formatPercent(row.totalReturn),
      formatNumber(row.sharpe),
      formatNumber(row.sortino),
      formatPercent(row.maxDrawdown),
      formatPercent(row.winRate),
      String(row.trades),
    ]),
  ];
  const widths = (cells[0] as string[]).map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  return cells
    .map((row) =>
      row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  '),
    )
    .join('\n');
}

function aimLines(evaluation: Evaluation): string[] {
  return [...evaluation.coins.map((c) => c.coin), OVERALL].map((coin) => {
    const verdict = aimVerdict(evaluation.rows, coin);
    const sharpe = verdict.beatsEverySharpe ? 'best Sharpe' : `Sharpe not above ${verdict.sharpeNotBeaten.join(', ')}`;
    const drawdown = verdict.atMostHalfDrawdown ? 'drawdown ≤ ½ buy-and-hold' : 'drawdown > ½ buy-and-hold';
    return `${coin.padEnd(10)} ${verdict.met ? 'met    ' : 'not met'}  (${sharpe}; ${drawdown})`;
  });
}

function loadSeries(files: readonly string[]): CandleSeries[] {
  const seriesList = files.map((file) => loadCandlesCsv(file));
  if (new Set(seriesList.map((s) => s.symbol)).size !== seriesList.length) {
    throw new UsageError('two CSV files name the same symbol');
  }
  return seriesList;
}

function riskToleranceOption(values: Record<string, unknown>): RiskTolerance {
  const level = values['risk-tolerance'];
  if (RISK_TOLERANCES.includes(level as RiskTolerance)) return level as RiskTolerance;
  throw new UsageError(`--risk-tolerance must be one of ${RISK_TOLERANCES.join(', ')}; got ${JSON.stringify(level)}`);
}

/** PPO training per window, loading tfjs only when it is needed (≈0.3 s); null for --ppo-steps 0. */
async function ppoFitFor(steps: number, seed: number, feeRate: number, slippageBps: number): Promise<FitPpo | null> {
  if (steps === 0) return null;
  const [{ chooseTfBackend }, { ppoFitter }] = await Promise.all([
    import('@keel/core/ppo/tf-backend.ts'),
    import('@keel/core/evaluation/ppo-fit.ts'),
  ]);
  const backend = await chooseTfBackend();
  process.stderr.write(`PPO: ${steps} steps per window, tfjs backend ${backend}\n`);
  return ppoFitter({ steps, seed, environment: { feeRate, slippageBps } });
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'walk-forward evaluation on every coin: each agent, PPO, the ensemble and buy-and-hold, out of sample',
  usage:
    '--csv FILE [--csv FILE…] [--train 8760] [--test 2184] [--fee 0.001] [--slippage-bps 5] [--seed 1] [--ppo-steps 4096] [--risk-tolerance medium] [--json] [--report out.html]',
  options: {
    csv: { type: 'string', multiple: true, valueName: 'FILE', description: 'candle CSV, one coin per file; repeat' },
    train: {
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_TRAIN_CANDLES),
      description: 'training candles per window (a year of hours)',
    },
    test: {
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_TEST_CANDLES),
      description: 'test candles per window, and the roll-forward step (91 days of hours)',
    },
    fee: { type: 'string', valueName: 'RATE', default: '0.001', description: 'fee rate per fill' },
    'slippage-bps': { type: 'string', valueName: 'BPS', default: '5', description: 'slippage against each fill' },
    seed: { type: 'string', valueName: 'N', default: '1', description: 'PPO random seed (same seed, same result)' },
    'ppo-steps': {
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_PPO_STEPS),
      description: 'PPO training steps per window; 0 leaves PPO out (no ppo row, ensemble of 4)',
    },
    'risk-tolerance': {
      type: 'string',
      valueName: 'LEVEL',
      default: 'medium',
      description: `the ensemble's risk tolerance: ${RISK_TOLERANCES.join(', ')}`,
    },
    json: { type: 'boolean', description: 'print {"rows": [{"name", "totalReturn", "sharpe", …}]} instead of a table' },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'also write an HTML report (equity curves of all strategies, regime timeline)',
    },
  },
  details: `
Each coin is evaluated on its own candles: the first --train candles train (PPO learns there; the rule agents and
the feature engine only warm up), the next --test candles are traded, then the split rolls forward by --test. Each
test window starts flat with the previous window's equity; a position open at its end is valued at the last close.
Every row is out of sample, fees and slippage included. "overall" is the equal-weight portfolio of the coins'
out-of-sample curves (mean of the coins' per-candle returns; a coin listed later joins when its data starts); its
trades and win rate pool the coins'. Buy-and-hold buys all in at each test window's start (paying the fee).
JSON rows are named "<coin>/<strategy>" and "overall/<strategy>"; undefined metrics are null.
The aim checked at the end: the ensemble's Sharpe above every other row's, with at most half buy-and-hold's max
drawdown. Progress goes to stderr.`,
  async run(values) {
    const files = requiredStrings(values, 'csv');
    const trainCandles = numberOption(values, 'train', { integer: true, min: 1 });
    const testCandles = numberOption(values, 'test', { integer: true, min: 1 });
    const feeRate = numberOption(values, 'fee', { min: 0, max: 0.099 });
    const slippageBps = numberOption(values, 'slippage-bps', { min: 0, max: 999 });
    const seed = numberOption(values, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
    const ppoSteps = numberOption(values, 'ppo-steps', { integer: true, min: 0 });
    const riskTolerance = riskToleranceOption(values);
    const seriesList = loadSeries(files);
    for (const series of seriesList) {
      if (series.length < trainCandles + testCandles) {
        throw new UsageError(
          `${series.symbol} has ${series.length} candles: too few for one window of --train ${trainCandles} + --test ${testCandles}`,
        );
      }
    }
    const fitPpo = await ppoFitFor(ppoSteps, seed, feeRate, slippageBps);
    const started = performance.now();
    const evaluation = runEvaluation(seriesList, {
      trainCandles,
      testCandles,
      feeRate,
      slippageBps,
      riskTolerance,
      ...(fitPpo === null ? {} : { fitPpo }),
      onRun: (coin, strategy) =>
        process.stderr.write(`${coin} ${strategy} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`),
    });
    const seconds = (performance.now() - started) / 1000;
    const details = `${seriesList.map((s) => s.symbol).join(', ')} · train ${trainCandles} / test ${testCandles} candles · fee ${feeRate} · slippage ${slippageBps} bps · ${fitPpo === null ? 'no PPO' : `PPO ${ppoSteps} steps per window, seed ${seed}`} · ensemble risk tolerance ${riskTolerance} · ${seconds.toFixed(0)} s`;
    if (typeof values.report === 'string') {
      writeFileSync(values.report, renderEvaluationReport(evaluation, 'Keel walk-forward evaluation', details));
    }
    if (values.json) process.stdout.write(`${evaluationJson(evaluation)}\n`);
    else {
      process.stdout.write(
        [
          `Walk-forward evaluation, out of sample: ${details}`,
          '',
          table(evaluation.rows),
          '',
          'aim (ensemble: best Sharpe, max drawdown ≤ ½ buy-and-hold):',
          ...aimLines(evaluation),
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
};
