/**
 * What the dashboard reads out of stream messages' `data`, checked by hand (no zod on the first page). A
 * message that does not have the expected shape is not an error: the page reloads the resource over REST instead.
 */

export type EquityPoint = [timeMs: number, equity: number];
export type CandleRow = [timeMs: number, open: number, high: number, low: number, close: number, volume: number];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/** An equity point from `[time, equity]` or `{time, equity | equityQuote}`; the message time when it has none. */
export function equityPointOf(data: unknown, messageTime: number): EquityPoint | null {
  if (Array.isArray(data) && data.length === 2) {
    const time = finite(data[0]);
    const equity = finite(data[1]);
    return time !== null && equity !== null ? [time, equity] : null;
  }
  if (!isRecord(data)) return null;
  const equity = finite(data.equity ?? data.equityQuote ?? data.value);
  const time = typeof data.time === 'string' ? Date.parse(data.time) : finite(data.time ?? messageTime);
  return equity !== null && time !== null && Number.isFinite(time) ? [time, equity] : null;
}

/** A candle from `{symbol, timeframe?, candle: [t, o, h, l, c, v]}` or `{symbol, time, open, high, low, close}`. */
export function candleOf(data: unknown): { symbol: string; timeframe: string | null; candle: CandleRow } | null {
  if (!isRecord(data) || typeof data.symbol !== 'string') return null;
  const timeframe = typeof data.timeframe === 'string' ? data.timeframe : null;
  const raw = Array.isArray(data.candle)
    ? data.candle
    : [data.time ?? data.openTime, data.open, data.high, data.low, data.close, data.volume ?? 0];
  const values = raw.slice(0, 6).map(finite);
  if (values.length < 5 || values.slice(0, 5).some((value) => value === null)) return null;
  const [time, open, high, low, close, volume] = values as number[];
  return {
    symbol: data.symbol,
    timeframe,
    candle: [time as number, open as number, high as number, low as number, close as number, volume ?? 0],
  };
}

/** Adds or replaces the point at its time, keeping the curve sorted; returns a new array. */
export function withEquityPoint(points: readonly EquityPoint[], point: EquityPoint): EquityPoint[] {
  const next = [...points];
  const last = next[next.length - 1];
  if (last === undefined || last[0] < point[0]) next.push(point);
  else if (last[0] === point[0]) next[next.length - 1] = point;
  else {
    const index = next.findIndex(([time]) => time >= point[0]);
    if (next[index]?.[0] === point[0]) next[index] = point;
    else next.splice(index, 0, point);
  }
  return next;
}

/** Adds or replaces a candle (a still-forming candle comes again with the same open time). */
export function withCandle(candles: readonly CandleRow[], candle: CandleRow): CandleRow[] {
  const next = [...candles];
  const last = next[next.length - 1];
  if (last === undefined || last[0] < candle[0]) next.push(candle);
  else if (last[0] === candle[0]) next[next.length - 1] = candle;
  return next;
}
