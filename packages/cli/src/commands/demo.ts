import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runBacktest } from '@keel/core/backtest/engine.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { syntheticMarket } from '@keel/core/market/synthetic.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { Command } from '../command.ts';
import { renderBacktestReport } from '../report/backtest-report.ts';
import { backtestTable } from './backtest.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const DEMO_FILE = 'BTC-USDT_1h.csv';
const SYNTHETIC_CANDLES = 2 * 8766;

/** Real candles from the shared data folder when it is there; otherwise the synthetic market, said plainly. */
function demoMarket(dataDir: string): { series: CandleSeries; source: string } {
  const path = join(dataDir, DEMO_FILE);
  if (existsSync(path)) return { series: loadCandlesCsv(path), source: `real Binance candles from ${path}` };
  return {
    series: syntheticMarket({ candles: SYNTHETIC_CANDLES, symbol: 'SYNTH-USDT' }),
    source: `SYNTHETIC market (no ${DEMO_FILE} in ${dataDir}): prices are generated, not real`,
  };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'backtest sma-cross on a demo market (real candles if present) and write an HTML report',
  usage: '[--data-dir DIR]',
  options: {
    'data-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'real candle CSVs (default $KEEL_DATA_DIR or ../shared/data)',
    },
  },
  details: `
Runs the trading core end to end without any service: market data → pipeline → paper broker → ledger → metrics,
and writes data/reports/demo.html.`,
  run(values) {
    const dataDir =
      (values['data-dir'] as string | undefined) ?? process.env.KEEL_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data');
    const { series, source } = demoMarket(dataDir);
    console.log(`keel: market data: ${source}`);
    const result = runBacktest([series], smaCross({ fast: 10, slow: 30 }), { costs: { takerFeeRate: 0.001 } });
    console.log(backtestTable(result, 'sma-cross(10,30), paper broker, 0.1% fee'));
    const reportDir = join(repoRoot, 'data', 'reports');
    mkdirSync(reportDir, { recursive: true });
    const reportPath = join(reportDir, 'demo.html');
    writeFileSync(reportPath, renderBacktestReport(result, `Keel demo: sma-cross on ${series.symbol}`));
    console.log(`\nkeel: report written to ${reportPath}`);
    return 0;
  },
};
