/**
 * Detective portfolio metrics, updated once per candle in O(1): P&L since the start, drawdown from the all-time
 * equity peak, exposure, and a running Sharpe ratio (mean / sample standard deviation of per-candle equity returns,
 * Welford's update, × √(candles per year); risk-free rate 0, as backtest/metrics.ts). VaR is measured by the risk
 * manager (portfolio-var.ts) and stored here for the snapshot.
 */

const YEAR_MS = 365.25 * 24 * 3_600_000;

export class PortfolioMonitor {
  startEquityQuote = Number.NaN;
  equityQuote = Number.NaN;
  peakEquityQuote = Number.NaN;
  drawdownFromPeak = 0;
  exposureQuote = 0;
  private readonly annualisation: number;
  private returns = 0;
  private meanReturn = 0;
  private squaredDeviations = 0;

  constructor(candleMs: number) {
    this.annualisation = Math.sqrt(YEAR_MS / candleMs);
  }

  update(equityQuote: number, exposureQuote: number): void {
    const previous = this.equityQuote;
    if (Number.isNaN(this.startEquityQuote)) this.startEquityQuote = equityQuote;
    this.equityQuote = equityQuote;
    this.exposureQuote = exposureQuote;
    if (!(equityQuote <= this.peakEquityQuote)) this.peakEquityQuote = equityQuote;
    this.drawdownFromPeak = this.peakEquityQuote > 0 ? 1 - equityQuote / this.peakEquityQuote : 0;
    if (!(previous > 0)) return;
    const r = equityQuote / previous - 1;
    this.returns++;
    const delta = r - this.meanReturn;
    this.meanReturn += delta / this.returns;
    this.squaredDeviations += delta * (r - this.meanReturn);
  }

  get pnlQuote(): number {
    return this.equityQuote - this.startEquityQuote;
  }

  get exposureFraction(): number {
    return this.equityQuote > 0 ? this.exposureQuote / this.equityQuote : 0;
  }

  /** Annualised; null with fewer than two returns or none varying. */
  get sharpe(): number | null {
    if (this.returns < 2) return null;
    const deviation = Math.sqrt(this.squaredDeviations / (this.returns - 1));
    return deviation > 0 ? (this.meanReturn / deviation) * this.annualisation : null;
  }
}
