import { writeFileSync } from 'node:fs';
import { BacktestError, type BacktestResult, runBacktest } from '@keel/core/backtest/engine.ts';
import { backtestDocument } from '@keel/core/backtest/result-document.ts';
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { approveAll } from '@keel/core/risk/approve-all.ts';
import { RiskConfigError, RiskInputError } from '@keel/core/risk/errors.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import type { RiskStage } from '@keel/core/risk/types.ts';
import type { StrategyFactory } from '@keel/core/strategy/types.ts';
import { type Command, numberOption, requiredStrings, UsageError } from '../command.ts';
import { renderBacktestReport } from '../report/backtest-report.ts';
import { formatNumber, formatPercent } from '../report/html.ts';
import { strategyFromOptions, strategyOptions } from '../strategy-options.ts';

/** The JSON programs read (core backtest/result-document.ts), every equity point; riskEvents empty without risk. */
export function backtestJson(result: BacktestResult): string {
  return JSON.stringify(backtestDocument(result));
}

export const RISK_CHOICES = ['none', 'default'] as const;

/** `--risk`: none (approveAll, the textbook run) or default (the risk manager with the platform's defaults). */
export function riskStageFor(choice: unknown): RiskStage {
  if (choice === 'none') return approveAll;
  if (choice === 'default') return new RiskManager();
  throw new UsageError(`unknown --risk ${JSON.stringify(choice)}; choose one of ${RISK_CHOICES.join(', ')}`);
}

/** One line per event type, and the breaker's transitions: what the risk stage did, for the table. */
function riskSummary(result: BacktestResult): string[] {
  const counts = new Map<string, number>();
  for (const event of result.riskEvents) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const breaker = result.riskEvents.filter((e) => e.type === 'breaker' || e.type === 'breaker-reset');
  return [
    `risk events: ${[...counts].map(([type, n]) => `${type} ${n}`).join(', ') || 'none'}`,
    ...breaker.map((e) => `  ${new Date(e.time).toISOString().slice(0, 16)} breaker ${e.from} → ${e.to}: ${e.reason}`),
  ];
}

const TRADES_SHOWN = 20;

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
        .join('  '),
    )
    .join('\n');
}

export function backtestTable(result: BacktestResult, strategyName: string, withRisk = false): string {
  const m = result.metrics;
  const first = new Date(result.equity.time[0] as number).toISOString().slice(0, 16);
  const last = new Date(result.equity.time[result.equity.time.length - 1] as number).toISOString().slice(0, 16);
  const metrics = table([
    ['metric', 'value'],
    ['start equity', formatNumber(m.startEquity)],
    ['end equity', formatNumber(m.endEquity)],
    ['total return', formatPercent(m.totalReturn)],
    ['CAGR', formatPercent(m.cagr)],
    ['Sharpe', formatNumber(m.sharpe)],
    ['Sortino', formatNumber(m.sortino)],
    ['max drawdown', formatPercent(m.maxDrawdown)],
    ['Calmar', formatNumber(m.calmar)],
    ['win rate', formatPercent(m.winRate)],
    ['profit factor', formatNumber(m.profitFactor)],
    ['exposure', formatPercent(m.exposure)],
    ['VaR 95% (1 candle)', formatPercent(m.var95)],
    ['trades', String(m.trades)],
  ]);
  const shown = result.trades.slice(-TRADES_SHOWN);
  const trades = table([
    ['symbol', 'entry (UTC)', 'entry price', 'exit (UTC)', 'exit price', 'qty', 'fees', 'pnl'],
    ...shown.map((t) => [
      t.symbol,
      new Date(t.entryTime).toISOString().slice(0, 16),
      formatNumber(t.entryPrice, 4),
      new Date(t.exitTime).toISOString().slice(0, 16) + (t.openAtEnd ? '*' : ''),
      formatNumber(t.exitPrice, 4),
      formatNumber(t.qty, 6),
      formatNumber(t.fees, 2),
      formatNumber(t.pnl, 2),
    ]),
  ]);
  const more =
    result.trades.length > TRADES_SHOWN
      ? `last ${TRADES_SHOWN} of ${result.trades.length} trades (--json for all)`
      : 'trades';
  return [
    `${strategyName} on ${result.symbols.join(', ')}, ${first} → ${last} UTC, ${m.candles} candles`,
    '',
    metrics,
    '',
    more,
    trades,
    result.trades.some((t) => t.openAtEnd) ? '* still open at the end: valued at the last close' : '',
    ...(withRisk ? riskSummary(result) : []),
  ].join('\n');
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'run a strategy over candle CSVs through the trading pipeline and report the results',
  usage:
    '--csv FILE [--csv FILE…] --strategy sma-cross [--fast 10 --slow 30] | conservative | aggressive | balanced | contrarian | ensemble [--risk-tolerance low|medium|high] | ppo --model DIR [--fee 0.001] [--risk none|default] [--json] [--report out.html]',
  options: {
    csv: { type: 'string', multiple: true, valueName: 'FILE', description: 'candle CSV; repeat for several symbols' },
    ...strategyOptions,
    fee: {
      type: 'string',
      valueName: 'RATE',
      default: '0.001',
      description: 'taker fee rate (market and stop orders)',
    },
    'maker-fee': { type: 'string', valueName: 'RATE', description: 'maker fee rate for limit orders (default: --fee)' },
    'slippage-bps': {
      type: 'string',
      valueName: 'BPS',
      default: '0',
      description: 'slippage against you, basis points',
    },
    cash: { type: 'string', valueName: 'QUOTE', default: '10000', description: 'starting cash in the quote currency' },
    risk: {
      type: 'string',
      valueName: 'NAME',
      default: 'none',
      description: `risk stage: ${RISK_CHOICES.join(', ')} (none approves every order, as textbook backtests do)`,
    },
    json: { type: 'boolean', description: 'print JSON {trades, metrics, equity, riskEvents} instead of a table' },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'also write an HTML report (equity curve, drawdown, trades)',
    },
  },
  details: `
Orders decided on a candle's close fill on the next candle (market orders at its open), never on data from after
the decision. JSON: {"trades": [{"symbol", "entryTime", "entryPrice", "exitTime", "exitPrice", "qty", "fees",
"pnl"}], "metrics": {…}, "equity": [[time, value], …], "riskEvents": [{"time", "type", "from", "to", "reason",
"equity", "symbol"}]}, times in ms UTC. --risk default runs the risk manager with the platform defaults (10% per
position and per correlated cluster, confidence ≥ 0.6, half Kelly, one-day VaR caps, 5% stop loss, 10% take profit,
circuit breaker at 5/10/15% drawdown from peak); riskEvents lists its breaker transitions, rejections, resizes,
anomalies and protective exits with their reasons. With --risk none it is [].`,
  run(values) {
    const files = requiredStrings(values, 'csv');
    const feeRate = numberOption(values, 'fee', { min: 0, max: 0.1 });
    const makerFeeRate =
      values['maker-fee'] === undefined ? feeRate : numberOption(values, 'maker-fee', { min: 0, max: 0.1 });
    const slippageBps = numberOption(values, 'slippage-bps', { min: 0, max: 1000 });
    const initialCashQuote = numberOption(values, 'cash', { min: 1e-8 });
    const { factory, name, readsFeatures }: { factory: StrategyFactory; name: string; readsFeatures?: boolean } =
      strategyFromOptions(values);
    const seriesList = files.map((file) => loadCandlesCsv(file));
    const symbols = new Set(seriesList.map((s) => s.symbol));
    if (symbols.size !== seriesList.length) throw new UsageError('two CSV files name the same symbol');
    const risk = riskStageFor(values.risk);
    let result: BacktestResult;
    try {
      result = runBacktest(seriesList, factory, {
        initialCashQuote,
        costs: { takerFeeRate: feeRate, makerFeeRate, slippageBps },
        risk,
        features: readsFeatures ? new FeatureEngine({ symbols: [...symbols] }) : null,
      });
    } catch (error) {
      if (error instanceof RiskInputError || error instanceof RiskConfigError) throw new BacktestError(error.message);
      throw error;
    }
    if (typeof values.report === 'string') {
      writeFileSync(values.report, renderBacktestReport(result, `${name} backtest`));
    }
    process.stdout.write(`${values.json ? backtestJson(result) : backtestTable(result, name, risk !== approveAll)}\n`);
    return 0;
  },
};
