/**
 * The cold tier's read side for charts and backtests: candles of one market between two times, from
 * VictoriaMetrics' raw export API (`POST /api/v1/export`), which is what the tests and the self-hosted stack run.
 * VictoriaMetrics stores field `open` of measurement `candles` as the series `candles_open{symbol,timeframe}`.
 *
 * On real InfluxDB v2 the same read is this Flux query (the store's own read API; VictoriaMetrics has no Flux):
 *   from(bucket: "<INFLUX_BUCKET>")
 *     |> range(start: <fromMs as time>, stop: <toMs + 1ms as time>)
 *     |> filter(fn: (r) => r._measurement == "candles" and r.symbol == "BTC-USDT" and r.timeframe == "1h")
 *     |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
 *     |> keep(columns: ["_time", "open", "high", "low", "close", "volume"])
 *     |> sort(columns: ["_time"])
 */
import type { Candle } from '@keel/core/market/types.ts';

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
type Field = (typeof FIELDS)[number];

interface ExportLine {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export class ColdTierReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColdTierReadError';
  }
}

/** Candles with open time in [fromMs, toMs], oldest first; only times where all five fields are stored. */
export async function readColdCandles(
  victoriaUrl: string,
  request: { symbol: string; timeframe: string; fromMs: number; toMs: number },
): Promise<Candle[]> {
  const selector = `{__name__=~"candles_(${FIELDS.join('|')})",symbol=${JSON.stringify(request.symbol)},timeframe=${JSON.stringify(request.timeframe)}}`;
  const response = await fetch(`${victoriaUrl}/api/v1/export`, {
    method: 'POST',
    body: new URLSearchParams({
      'match[]': selector,
      start: String(request.fromMs / 1000),
      end: String(request.toMs / 1000),
    }),
  });
  if (!response.ok) throw new ColdTierReadError(`cold tier export answered ${response.status}`);
  const byTime = new Map<number, Partial<Record<Field, number>>>();
  for (const text of (await response.text()).split('\n')) {
    if (text.trim() === '') continue;
    const line = JSON.parse(text) as ExportLine;
    const field = line.metric.__name__?.slice('candles_'.length) as Field;
    line.timestamps.forEach((time, i) => {
      const row = byTime.get(time) ?? {};
      row[field] = line.values[i] as number;
      byTime.set(time, row);
    });
  }
  const candles: Candle[] = [];
  for (const [time, row] of byTime) {
    if (FIELDS.every((field) => row[field] !== undefined)) candles.push({ time, ...(row as Record<Field, number>) });
  }
  return candles.sort((a, b) => a.time - b.time);
}
