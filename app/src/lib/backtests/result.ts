/**
 * A finished backtest's result as the worker stores it (`keel backtest --json`: metrics, trades, equity), read
 * defensively: a field that is missing or of the wrong type shows as "—", never as a broken page.
 */
import type { ChartPoint } from '../charts/series.ts';
import { formatFraction, formatRatio } from '../format/number.ts';

export interface BacktestSummary {
  metrics: Record<string, number>;
  equity: ChartPoint[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function summaryOf(result: Record<string, unknown> | null): BacktestSummary {
  const metrics: Record<string, number> = {};
  // `keel backtest --json` nests them under `metrics`; a result of metrics alone is read as such.
  const source = result && isRecord(result.metrics) ? result.metrics : result;
  if (source) {
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
    }
  }
  const equity: ChartPoint[] = [];
  if (result && Array.isArray(result.equity)) {
    for (const point of result.equity) {
      if (Array.isArray(point) && typeof point[0] === 'number' && typeof point[1] === 'number') {
        equity.push([point[0], point[1]]);
      }
    }
  }
  return { metrics, equity };
}

export interface MetricRow {
  key: string;
  label: string;
  format: (value: number | undefined) => string;
  /** Which way is better, to highlight the best of compared runs ('none': neither, e.g. the number of trades). */
  better: 'higher' | 'lower' | 'none';
}

const fraction = (value: number | undefined) => formatFraction(value ?? null);
const ratio = (value: number | undefined) => formatRatio(value ?? null);
const count = (value: number | undefined) => (value === undefined ? '—' : new Intl.NumberFormat().format(value));

/** The metrics the comparison table shows, in order. */
export const METRIC_ROWS: MetricRow[] = [
  { key: 'totalReturn', label: 'Total return', format: fraction, better: 'higher' },
  { key: 'cagr', label: 'CAGR', format: fraction, better: 'higher' },
  { key: 'sharpe', label: 'Sharpe', format: ratio, better: 'higher' },
  { key: 'sortino', label: 'Sortino', format: ratio, better: 'higher' },
  { key: 'maxDrawdown', label: 'Max drawdown', format: fraction, better: 'lower' },
  { key: 'calmar', label: 'Calmar', format: ratio, better: 'higher' },
  { key: 'winRate', label: 'Win rate', format: fraction, better: 'higher' },
  { key: 'profitFactor', label: 'Profit factor', format: ratio, better: 'higher' },
  { key: 'exposure', label: 'Time in market', format: fraction, better: 'none' },
  { key: 'var95', label: 'VaR 95% (per candle)', format: fraction, better: 'lower' },
  { key: 'trades', label: 'Trades', format: count, better: 'none' },
];

/** Index of the best run for a metric (null when fewer than two runs have it). */
export function bestIndex(values: Array<number | undefined>, better: MetricRow['better']): number | null {
  if (better === 'none') return null;
  let best: number | null = null;
  values.forEach((value, index) => {
    if (value === undefined) return;
    const current = best === null ? undefined : values[best];
    if (current === undefined || (better === 'higher' ? value > current : value < current)) best = index;
  });
  return values.filter((value) => value !== undefined).length >= 2 ? best : null;
}
