import { writeFileSync } from 'node:fs';
import { type BacktestResult, runBacktest } from '@keel/core/backtest/engine.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { StrategyFactory } from '@keel/core/strategy/types.ts';
import { type Command, numberOption, requiredStrings, UsageError } from '../command.ts';
import { renderBacktestReport } from '../report/backtest-report.ts';
import { formatNumber, formatPercent } from '../report/html.ts';
import { strategyFromOptions, strategyOptions } from '../strategy-options.ts';

/** The JSON programs read: times in ms UTC, undefined metrics as null. */
export function backtestJson(result: BacktestResult): string {
  const equity = Array.from(result.equity.equity, (value, i) => [result.equity.time[i], value]);
  return JSON.stringify({ trades: result.trades, metrics: result.metrics, equity });
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

export function backtestTable(result: BacktestResult, strategyName: string): string {
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
  ].join('\n');
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'run a strategy over candle CSVs through the trading pipeline and report the results',
  usage:
    '--csv FILE [--csv FILE…] --strategy sma-cross [--fast 10 --slow 30] [--fee 0.001] [--json] [--report out.html]',
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
    json: { type: 'boolean', description: 'print JSON {trades, metrics, equity} instead of a table' },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'also write an HTML report (equity curve, drawdown, trades)',
    },
  },
  details: `
Orders decided on a candle's close fill on the next candle (market orders at its open), never on data from after
the decision. JSON: {"trades": [{"symbol", "entryTime", "entryPrice", "exitTime", "exitPrice", "qty", "fees",
"pnl"}], "metrics": {…}, "equity": [[time, value], …]}, times in ms UTC.`,
  run(values) {
    const files = requiredStrings(values, 'csv');
    const feeRate = numberOption(values, 'fee', { min: 0, max: 0.1 });
    const makerFeeRate =
      values['maker-fee'] === undefined ? feeRate : numberOption(values, 'maker-fee', { min: 0, max: 0.1 });
    const slippageBps = numberOption(values, 'slippage-bps', { min: 0, max: 1000 });
    const initialCashQuote = numberOption(values, 'cash', { min: 1e-8 });
    const { factory, name }: { factory: StrategyFactory; name: string } = strategyFromOptions(values);
    const seriesList = files.map((file) => loadCandlesCsv(file));
    const symbols = new Set(seriesList.map((s) => s.symbol));
    if (symbols.size !== seriesList.length) throw new UsageError('two CSV files name the same symbol');
    const result = runBacktest(seriesList, factory, {
      initialCashQuote,
      costs: { takerFeeRate: feeRate, makerFeeRate, slippageBps },
    });
    if (typeof values.report === 'string') {
      writeFileSync(values.report, renderBacktestReport(result, `${name} backtest`));
    }
    process.stdout.write(`${values.json ? backtestJson(result) : backtestTable(result, name)}\n`);
    return 0;
  },
};
