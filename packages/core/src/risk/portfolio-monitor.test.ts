import { describe, expect, it } from 'vitest';
import { sharpeRatio } from '../backtest/metrics.ts';
import { PortfolioMonitor } from './portfolio-monitor.ts';

const HOUR = 3_600_000;

describe('PortfolioMonitor', () => {
  it('tracks P&L, drawdown from the peak and exposure', () => {
    const monitor = new PortfolioMonitor(HOUR);
    monitor.update(100, 0);
    monitor.update(120, 60);
    monitor.update(90, 30);
    expect(monitor.pnlQuote).toBe(-10);
    expect(monitor.peakEquityQuote).toBe(120);
    expect(monitor.drawdownFromPeak).toBeCloseTo(0.25, 12);
    expect(monitor.exposureFraction).toBeCloseTo(1 / 3, 12);
  });

  it('computes the same running Sharpe as the backtest metrics', () => {
    const monitor = new PortfolioMonitor(HOUR);
    const equity = [100, 101, 99, 103, 102, 106, 104];
    for (const value of equity) monitor.update(value, 0);
    const returns = Float64Array.from(equity.slice(1), (value, i) => value / (equity[i] as number) - 1);
    expect(monitor.sharpe).toBeCloseTo(sharpeRatio(returns, (365.25 * 24 * HOUR) / HOUR) as number, 9);
  });
});
