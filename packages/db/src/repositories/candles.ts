/**
 * candles: the warm tier of market data (the last 30 days at full resolution), shared by every user. The worker
 * writes each closed candle once per market, in batches; the edge reads ranges for the dashboard's chart.
 */
import { z } from 'zod';
import { decimalInput, symbolInput, timeInput } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { InvalidInputError } from '../errors.ts';
import { json, limitOf, parseInput } from './statements.ts';

/** The timeframes the table accepts (its candles_timeframe_valid check). */
export const CANDLE_TIMEFRAMES = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '1w',
] as const;
export type CandleTimeframe = (typeof CANDLE_TIMEFRAMES)[number];

/** The warm tier's window, back from each market's newest candle: older ones are deleted by prune (keel.prune_candles). */
export const WARM_CANDLE_RETENTION_MS = 30 * 24 * 3600 * 1000;
/** Most rows one upsert statement carries; larger batches are split. */
const UPSERT_CHUNK = 5000;
const MAX_RANGE = 10_000;

/** A stored candle as charts read it: open time in ms, prices and volume as numbers (a valuation series). */
export interface StoredCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const candleInput = z.strictObject({
  symbol: symbolInput,
  timeframe: z.enum(CANDLE_TIMEFRAMES),
  /** Open time: Date or ms since the epoch (the core's Candle.time). */
  time: timeInput,
  open: decimalInput,
  high: decimalInput,
  low: decimalInput,
  close: decimalInput,
  volume: decimalInput,
});
export type CandleInput = z.input<typeof candleInput>;

export interface CandleRangeOptions {
  symbol: string;
  timeframe: string;
  /** Inclusive; with `from`, the oldest `limit` candles from it. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Without `from`, the newest `limit` candles before `to` (default 1000, at most 10,000). */
  limit?: number;
}

const rangeRow = z.object({
  openTime: z.date(),
  open: z.string(),
  high: z.string(),
  low: z.string(),
  close: z.string(),
  volume: z.string(),
});

const COLUMNS = `open_time as "openTime", open::text as open, high::text as high, low::text as low,
  close::text as close, volume::text as volume`;

async function readRange(executor: Executor, options: CandleRangeOptions): Promise<StoredCandle[]> {
  const limit = limitOf(options.limit, 1000, MAX_RANGE);
  const params = [
    options.symbol,
    options.timeframe,
    options.from?.toISOString() ?? null,
    options.to?.toISOString() ?? null,
    limit,
  ];
  const bounds = `symbol = $1 and timeframe = $2 and open_time >= coalesce($3::timestamptz, '-infinity')
    and open_time < coalesce($4::timestamptz, 'infinity')`;
  // Oldest first either way; "newest N" walks the primary key backwards and turns the page around.
  const text =
    options.from === undefined
      ? `select * from (select ${COLUMNS} from public.candles where ${bounds} order by open_time desc limit $5) newest
         order by "openTime"`
      : `select ${COLUMNS} from public.candles where ${bounds} order by open_time limit $5`;
  const rows = await executor.query(text, params);
  return rows.map((raw) => {
    const row = rangeRow.parse(raw);
    return {
      openTime: row.openTime.getTime(),
      open: Number(row.open),
      high: Number(row.high),
      low: Number(row.low),
      close: Number(row.close),
      volume: Number(row.volume),
    };
  });
}

export function userCandles(executor: Executor) {
  return { range: (options: CandleRangeOptions): Promise<StoredCandle[]> => readRange(executor, options) };
}

export function serviceCandles(executor: Executor) {
  return {
    range: (options: CandleRangeOptions): Promise<StoredCandle[]> => readRange(executor, options),
    /**
     * Stores closed candles; a candle already stored (same market and open time) is replaced by the new values,
     * so writing a batch twice leaves one row each. Returns how many rows the batch held.
     */
    async upsertMany(candles: readonly CandleInput[]): Promise<number> {
      const rows = candles.map((candle, i) => {
        const valid = parseInput(candleInput, candle, `candle ${i}`);
        return {
          symbol: valid.symbol,
          timeframe: valid.timeframe,
          open_time: valid.time,
          open: valid.open,
          high: valid.high,
          low: valid.low,
          close: valid.close,
          volume: valid.volume,
        };
      });
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        // One statement per chunk; a batch naming the same candle twice keeps its last version (on conflict
        // cannot touch one row twice in a statement).
        const chunk = [
          ...new Map(
            rows
              .slice(start, start + UPSERT_CHUNK)
              .map((row) => [`${row.symbol}@${row.timeframe}@${row.open_time}`, row]),
          ).values(),
        ];
        await executor.query(
          `insert into public.candles (symbol, timeframe, open_time, open, high, low, close, volume)
           select r.symbol, r.timeframe, r.open_time, r.open, r.high, r.low, r.close, r.volume
           from jsonb_to_recordset($1::text::jsonb) as r(symbol text, timeframe text, open_time timestamptz,
             open numeric, high numeric, low numeric, close numeric, volume numeric)
           on conflict (symbol, timeframe, open_time) do update set open = excluded.open, high = excluded.high,
             low = excluded.low, close = excluded.close, volume = excluded.volume`,
          [json(chunk)],
        );
      }
      return rows.length;
    },
    /**
     * Deletes the candles opened more than `keepMs` (default 30 days) before their market's newest candle — for a
     * live market, before now; a market replayed from history keeps its latest month. Returns how many.
     */
    async prune(keepMs = WARM_CANDLE_RETENTION_MS): Promise<number> {
      if (!Number.isInteger(keepMs) || keepMs < 3600_000) {
        throw new InvalidInputError('keepMs must be a whole number of milliseconds, at least one hour');
      }
      const [row] = await executor.query(
        `select keel.prune_candles(make_interval(secs => $1::float8 / 1000))::text as deleted`,
        [keepMs],
      );
      return Number(row?.deleted ?? 0);
    },
  };
}
