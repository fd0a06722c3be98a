/**
 * The regime detector's output over a coin's test windows, as segments of one regime each: what the ensemble saw
 * when it decided. The detector runs over the whole series from its first candle (it only looks back, so its regime
 * at t is the one the live ensemble had at t) and segments are cut to [from, to).
 */
import { RegimeDetector } from '../agents/regime.ts';
import type { Regime } from '../agents/types.ts';
import type { CandleSeries } from '../market/types.ts';

export interface RegimeSegment {
  /** Open time of the segment's first candle, ms UTC. */
  from: number;
  /** Open time of the candle after the segment's last one (or the window's end), ms UTC. */
  to: number;
  regime: Regime;
}

export function regimeTimeline(series: CandleSeries, from: number, to: number): RegimeSegment[] {
  const detector = new RegimeDetector(1);
  const segments: RegimeSegment[] = [];
  let lastInRange = from;
  for (let i = 0; i < series.length; i++) {
    const regime = detector.update(0, series, i);
    const time = series.time[i] as number;
    if (time < from || time >= to) continue;
    lastInRange = time;
    const last = segments.at(-1);
    if (last !== undefined && last.regime === regime) last.to = time;
    else {
      if (last !== undefined) last.to = time;
      segments.push({ from: time, to: time, regime });
    }
  }
  const last = segments.at(-1);
  if (last !== undefined) last.to = Math.min(to, lastInRange + candleStep(series));
  return segments;
}

function candleStep(series: CandleSeries): number {
  return series.length > 1 ? (series.time[1] as number) - (series.time[0] as number) : 0;
}
