/**
 * The HTML report of `keel evaluate`: the out-of-sample table, then per coin (overall first) the equity curves of
 * every strategy on one chart and, under each coin's chart, its regime timeline as a coloured band (green bull,
 * grey sideways, red bear). Curves are drawn at one point per UTC day: years of hourly points for eight strategies
 * and seven coins would make the file tens of megabytes, and a day is finer than the chart's pixels.
 */
import type { EquityCurve } from '@keel/core/backtest/metrics.ts';
import type { Evaluation, EvaluationRow } from '@keel/core/evaluation/run-evaluation.ts';
import { OVERALL } from '@keel/core/evaluation/run-evaluation.ts';
import { chartLibrarySource, escapeHtml, formatNumber, formatPercent, inlineJson, REPORT_STYLE } from './html.ts';

const DAY_MS = 86_400_000;
const MS_PER_SECOND = 1000;
const SERIES_COLOURS = ['#58a6ff', '#d29922', '#a371f7', '#db61a2', '#3fb950', '#f0f6fc', '#8b949e', '#f85149'];
const REGIME_COLOURS = { bull: '#2ea043', sideways: '#6e7681', bear: '#da3633' } as const;

/** [seconds, value] at the first point of each UTC day, and the last point. */
function dailyPoints(curve: EquityCurve): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  let lastDay = Number.NaN;
  for (let i = 0; i < curve.time.length; i++) {
    const day = Math.floor((curve.time[i] as number) / DAY_MS);
    if (day !== lastDay || i === curve.time.length - 1) {
      points.push([(curve.time[i] as number) / MS_PER_SECOND, curve.equity[i] as number]);
      lastDay = day;
    }
  }
  return points;
}

/** One histogram bar per UTC day in the regime the day started in. */
function regimeBars(evaluation: Evaluation, coin: string): Array<[number, string]> {
  const segments = evaluation.coins.find((c) => c.coin === coin)?.regimes ?? [];
  const bars: Array<[number, string]> = [];
  for (const segment of segments) {
    for (let day = Math.ceil(segment.from / DAY_MS) * DAY_MS; day < segment.to; day += DAY_MS) {
      bars.push([day / MS_PER_SECOND, REGIME_COLOURS[segment.regime]]);
    }
  }
  return bars;
}

function tableRows(rows: readonly EvaluationRow[]): string {
  return rows
    .map(
      (row) => `<tr><td>${escapeHtml(row.coin)}</td><td>${escapeHtml(row.strategy)}</td>
<td class="${row.totalReturn >= 0 ? 'pos' : 'neg'}">${formatPercent(row.totalReturn)}</td><td>${formatNumber(row.sharpe)}</td>
<td>${formatNumber(row.sortino)}</td><td>${formatPercent(row.maxDrawdown)}</td><td>${formatPercent(row.winRate)}</td><td>${row.trades}</td></tr>`,
    )
    .join('\n');
}

export function renderEvaluationReport(evaluation: Evaluation, title: string, details: string): string {
  const coins = [OVERALL, ...evaluation.coins.map((c) => c.coin)];
  const charts = coins.map((coin, k) => ({
    id: `equity-${k}`,
    regimeId: coin === OVERALL ? null : `regime-${k}`,
    coin,
    series: evaluation.curves
      .filter((c) => c.coin === coin)
      .map((c) => ({ name: c.strategy, points: dailyPoints(c.curve) })),
    regimes: coin === OVERALL ? [] : regimeBars(evaluation, coin),
  }));
  const sections = charts
    .map(
      (chart) => `<h2>${escapeHtml(chart.coin)}</h2><div id="${chart.id}" class="chart"></div>
${chart.regimeId === null ? '' : `<div class="muted">regime (green bull · grey sideways · red bear)</div><div id="${chart.regimeId}" class="chart band"></div>`}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${REPORT_STYLE}.band{height:60px}.legend span{margin-right:14px}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">${escapeHtml(details)}</div>
<h2>Out of sample (walk-forward, fees and slippage included)</h2>
<table><thead><tr><th>Coin</th><th>Strategy</th><th>Total return</th><th>Sharpe</th><th>Sortino</th><th>Max drawdown</th>
<th>Win rate</th><th>Trades</th></tr></thead><tbody>${tableRows(evaluation.rows)}</tbody></table>
<div class="legend">${evaluation.strategies
    .map((name, i) => `<span style="color:${SERIES_COLOURS[i % SERIES_COLOURS.length]}">● ${escapeHtml(name)}</span>`)
    .join('')}</div>
${sections}
<script>${chartLibrarySource()}</script>
<script>
const charts = ${inlineJson(charts)};
const colours = ${inlineJson(SERIES_COLOURS)};
const LC = LightweightCharts;
const theme = { layout: { background: { color: '#0f1419' }, textColor: '#c9d1d9' },
  grid: { vertLines: { color: '#1c2630' }, horzLines: { color: '#1c2630' } },
  timeScale: { timeVisible: false, minBarSpacing: 0.0001 } };
for (const spec of charts) {
  // Log scale: strategies that compound at different rates stay readable on one chart.
  const equity = LC.createChart(document.getElementById(spec.id), { ...theme, autoSize: true, rightPriceScale: { mode: 1 } });
  spec.series.forEach((s, i) => equity.addSeries(LC.LineSeries, { color: colours[i % colours.length], lineWidth: 2, title: s.name })
    .setData(s.points.map(([time, value]) => ({ time, value }))));
  equity.timeScale().fitContent();
  if (spec.regimeId === null) continue;
  const band = LC.createChart(document.getElementById(spec.regimeId), { ...theme, autoSize: true,
    rightPriceScale: { visible: false }, handleScroll: false, handleScale: false });
  band.addSeries(LC.HistogramSeries, { priceLineVisible: false, lastValueVisible: false })
    .setData(spec.regimes.map(([time, color]) => ({ time, value: 1, color })));
  band.timeScale().fitContent();
  equity.timeScale().subscribeVisibleTimeRangeChange((r) => r && band.timeScale().setVisibleRange(r));
}
</script>
</body></html>
`;
}
