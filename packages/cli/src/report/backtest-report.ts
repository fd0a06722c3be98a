/**
 * The HTML report of a backtest: headline metrics, the equity curve and the drawdown from peak (zoomable charts,
 * lightweight-charts inlined), and every trade. One self-contained file: it opens offline.
 */

import type { BacktestResult } from '@keel/core/backtest/engine.ts';
import { drawdownCurve, type Metrics } from '@keel/core/backtest/metrics.ts';
import { chartLibrarySource, escapeHtml, formatNumber, formatPercent, inlineJson, REPORT_STYLE } from './html.ts';

const MS_PER_SECOND = 1000;

function metricCards(metrics: Metrics): string {
  const cards: Array<[string, string, number | null]> = [
    ['Total return', formatPercent(metrics.totalReturn), metrics.totalReturn],
    ['CAGR', formatPercent(metrics.cagr), metrics.cagr],
    ['Sharpe', formatNumber(metrics.sharpe), metrics.sharpe],
    ['Sortino', formatNumber(metrics.sortino), metrics.sortino],
    ['Max drawdown', formatPercent(metrics.maxDrawdown), -metrics.maxDrawdown],
    ['Calmar', formatNumber(metrics.calmar), metrics.calmar],
    ['Win rate', formatPercent(metrics.winRate), null],
    ['Profit factor', formatNumber(metrics.profitFactor), null],
    ['Exposure', formatPercent(metrics.exposure), null],
    ['VaR 95% (1 candle)', formatPercent(metrics.var95), null],
    ['Trades', String(metrics.trades), null],
    ['Final equity', formatNumber(metrics.endEquity), null],
  ];
  return cards
    .map(([label, text, sign]) => {
      const tone = sign === null || sign === 0 ? '' : sign > 0 ? ' class="pos"' : ' class="neg"';
      return `<div class="card"><span class="muted">${label}</span><b${tone}>${text}</b></div>`;
    })
    .join('');
}

function tradeRows(result: BacktestResult): string {
  return result.trades
    .map(
      (t) => `<tr><td>${escapeHtml(t.symbol)}</td><td>${new Date(t.entryTime).toISOString()}</td>
<td>${formatNumber(t.entryPrice, 6)}</td><td>${new Date(t.exitTime).toISOString()}${t.openAtEnd ? ' (open)' : ''}</td>
<td>${formatNumber(t.exitPrice, 6)}</td><td>${formatNumber(t.qty, 8)}</td><td>${formatNumber(t.fees, 4)}</td>
<td class="${t.pnl >= 0 ? 'pos' : 'neg'}">${formatNumber(t.pnl, 2)}</td></tr>`,
    )
    .join('\n');
}

export function renderBacktestReport(result: BacktestResult, title: string): string {
  const { time, equity } = result.equity;
  const drawdown = drawdownCurve(equity);
  const equityPoints = Array.from(equity, (value, i) => [(time[i] as number) / MS_PER_SECOND, value]);
  const drawdownPoints = Array.from(drawdown, (value, i) => [(time[i] as number) / MS_PER_SECOND, -value * 100]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${REPORT_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">${escapeHtml(result.symbols.join(', '))} · ${result.metrics.candles} candles ·
${new Date(time[0] as number).toISOString()} → ${new Date(time[time.length - 1] as number).toISOString()}</div>
<h2>Metrics</h2><div class="grid">${metricCards(result.metrics)}</div>
<h2>Equity</h2><div id="equity" class="chart"></div>
<h2>Drawdown from peak (%)</h2><div id="drawdown" class="chart small"></div>
<h2>Trades (${result.trades.length})</h2>
<table><thead><tr><th>Symbol</th><th>Entry time</th><th>Entry price</th><th>Exit time</th><th>Exit price</th>
<th>Qty</th><th>Fees</th><th>P&amp;L</th></tr></thead><tbody>${tradeRows(result)}</tbody></table>
<script>${chartLibrarySource()}</script>
<script>
const equityPoints = ${inlineJson(equityPoints)};
const drawdownPoints = ${inlineJson(drawdownPoints)};
const LC = LightweightCharts;
const theme = { layout: { background: { color: '#0f1419' }, textColor: '#c9d1d9' },
  grid: { vertLines: { color: '#1c2630' }, horzLines: { color: '#1c2630' } },
  // Years of candles must fit the width at first: allow bars far thinner than a pixel.
  timeScale: { timeVisible: true, minBarSpacing: 0.0001 } };
function chart(id, points, options, type) {
  const c = LC.createChart(document.getElementById(id), { ...theme, autoSize: true });
  c.addSeries(type, options).setData(points.map(([time, value]) => ({ time, value })));
  c.timeScale().fitContent();
  return c;
}
const equityChart = chart('equity', equityPoints, { color: '#58a6ff', lineWidth: 2 }, LC.LineSeries);
const drawdownChart = chart('drawdown', drawdownPoints,
  { lineColor: '#f85149', topColor: 'rgba(248,81,73,0.05)', bottomColor: 'rgba(248,81,73,0.4)' }, LC.AreaSeries);
// Zooming one chart zooms the other, so a drawdown can be read against the equity that made it.
equityChart.timeScale().subscribeVisibleLogicalRangeChange((r) => r && drawdownChart.timeScale().setVisibleLogicalRange(r));
drawdownChart.timeScale().subscribeVisibleLogicalRangeChange((r) => r && equityChart.timeScale().setVisibleLogicalRange(r));
</script>
</body></html>
`;
}
