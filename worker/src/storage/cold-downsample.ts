/**
 * Cold-tier downsampling (KEEL_COLD_DOWNSAMPLE, downsample-rule.ts), run by the retention job: candles finer than
 * a rule's timeframe and older than its age are aggregated into that timeframe and written to the same store as
 * ordinary candles (measurement `candles`, tag `timeframe`), so charts and backtests read them like any other
 * (@keel/db cold-tier/cold-candle-reader.ts). Each market (symbol, source timeframe) is worked through in chunks of CHUNK_BUCKETS
 * target buckets, oldest first; each chunk's aggregates (but for buckets the store already has at the target
 * timeframe: recorded natively, or made from another finer source) and its mark (`keel_downsample
 * done_until=<chunk end>`, per symbol, source and target timeframe) go to the store in one write, so a pass resumes
 * after the last chunk written and a rerun writes nothing twice. Only whole buckets that end before the cutoff are written: nothing is
 * aggregated that may still change. The full-resolution candles stay until the store's own retention drops them
 * (set it longer than the rule's age plus a retention interval).
 *
 * Reads go through VictoriaMetrics' query and export APIs (what the self-hosted stack runs; InfluxDB v2 has Flux
 * for both and its own downsampling tasks instead).
 */

import type { Candle } from '@keel/core/market/types.ts';
import { addDecimal } from '@keel/core/money/arithmetic.ts';
import type { Decimal } from '@keel/core/money/decimal.ts';
import { decimalToNumber } from '@keel/core/money/format.ts';
import { decimalFromNumber } from '@keel/core/money/parse.ts';
import { type ColdCandleReader, ColdTierReadError } from '@keel/db/cold-tier/cold-candle-reader.ts';
import { victoriaExportCandleReader } from '@keel/db/cold-tier/victoria-export-reader.ts';
import type { Logger } from '../logger.ts';
import { timeframeMs } from '../market/timeframe.ts';
import type { DownsampleRule } from './downsample-rule.ts';
import { candleLine } from './influx-sink.ts';

export interface ColdDownsampleOptions {
  rules: readonly DownsampleRule[];
  /** The VictoriaMetrics server the cold tier writes to (INFLUX_URL). */
  victoriaUrl: string;
  /** Writes line-protocol lines (ms precision); resolves once the store accepted them, rejects otherwise. */
  writeLines(lines: readonly string[]): Promise<void>;
  logger: Logger;
}

export interface DownsampleReport {
  /** Coarser candles written this pass. */
  candlesWritten: number;
  /** Chunks marked done this pass. */
  chunksDone: number;
}

/**
 * Target buckets per read and write: a 1 h rule reads 30 days of 1 m candles (43,200) at a time, and a chunk's lines
 * stay within one write request (influx-sink.ts sends 5,000 at most), so its mark is stored with its candles or not.
 */
const CHUNK_BUCKETS = 720;
const MARK_MEASUREMENT = 'keel_downsample';

interface Market {
  symbol: string;
  timeframe: string;
  /** The first stored candle's open time. */
  firstMs: number;
}

/** One pass over every rule; a failing market is logged and left for the next pass (its mark says where). */
export async function downsampleCold(options: ColdDownsampleOptions, nowMs: number): Promise<DownsampleReport> {
  const report: DownsampleReport = { candlesWritten: 0, chunksDone: 0 };
  const reader = victoriaExportCandleReader({ url: options.victoriaUrl });
  for (const rule of options.rules) {
    const targetMs = timeframeMs(rule.timeframe);
    const cutoffMs = Math.floor((nowMs - rule.afterMs) / targetMs) * targetMs;
    for (const market of await marketsBefore(options.victoriaUrl, targetMs, cutoffMs)) {
      try {
        await downsampleMarket(options, reader, market, rule, cutoffMs, report);
      } catch (error) {
        options.logger.warn(
          { symbol: market.symbol, timeframe: market.timeframe, target: rule.timeframe, error: String(error) },
          'cold downsampling: market left for the next pass',
        );
      }
    }
  }
  return report;
}

async function downsampleMarket(
  options: ColdDownsampleOptions,
  reader: ColdCandleReader,
  market: Market,
  rule: DownsampleRule,
  cutoffMs: number,
  report: DownsampleReport,
): Promise<void> {
  const targetMs = timeframeMs(rule.timeframe);
  const mark = { symbol: market.symbol, source: market.timeframe, target: rule.timeframe };
  const doneUntilMs = await readDoneUntil(options.victoriaUrl, mark);
  let chunkStart = doneUntilMs ?? Math.floor(market.firstMs / targetMs) * targetMs;
  while (chunkStart < cutoffMs) {
    const chunkEnd = Math.min(cutoffMs, chunkStart + CHUNK_BUCKETS * targetMs);
    const candles = await reader.read({
      symbol: market.symbol,
      timeframe: market.timeframe,
      fromMs: chunkStart,
      toMs: chunkEnd - 1,
    });
    // Buckets the store has at the target timeframe already (recorded natively, or from another finer source).
    const present = await reader.read({
      symbol: market.symbol,
      timeframe: rule.timeframe,
      fromMs: chunkStart,
      toMs: chunkEnd - 1,
    });
    const presentTimes = new Set(present.map((candle) => candle.time));
    const coarser = aggregateCandles(candles, targetMs).filter((candle) => !presentTimes.has(candle.time));
    await options.writeLines([
      ...coarser.map((candle) => candleLine(market.symbol, rule.timeframe, candle)),
      markLine(mark, chunkEnd),
    ]);
    report.candlesWritten += coarser.length;
    report.chunksDone++;
    chunkStart = chunkEnd;
  }
}

/**
 * Candles of one market into buckets of `targetMs` aligned to the Unix epoch (as exchanges align UTC candles):
 * open = first open, high = max, low = min, close = last close, volume = the exact decimal sum of the volumes as
 * their shortest texts spell them (money/parse.ts), then the nearest number. `candles` oldest first; a bucket
 * without candles is absent, not invented.
 */
export function aggregateCandles(candles: readonly Candle[], targetMs: number): Candle[] {
  const buckets: { candle: Candle; volume: Decimal }[] = [];
  for (const candle of candles) {
    const start = candle.time - (candle.time % targetMs);
    const last = buckets.at(-1);
    if (last === undefined || last.candle.time !== start) {
      buckets.push({ candle: { ...candle, time: start }, volume: decimalFromNumber(candle.volume) });
      continue;
    }
    last.candle.high = Math.max(last.candle.high, candle.high);
    last.candle.low = Math.min(last.candle.low, candle.low);
    last.candle.close = candle.close;
    last.volume = addDecimal(last.volume, decimalFromNumber(candle.volume));
  }
  return buckets.map(({ candle, volume }) => ({ ...candle, volume: decimalToNumber(volume) }));
}

interface Mark {
  symbol: string;
  source: string;
  target: string;
}

function markLine(mark: Mark, doneUntilMs: number): string {
  const tag = (value: string) => value.replace(/[,= ]/g, (character) => `\\${character}`);
  return (
    `${MARK_MEASUREMENT},symbol=${tag(mark.symbol)},timeframe=${tag(mark.source)},target=${tag(mark.target)} ` +
    `done_until=${doneUntilMs} ${doneUntilMs}`
  );
}

async function victoriaQuery(victoriaUrl: string, query: string, atMs: number): Promise<VectorSample[]> {
  const response = await fetch(`${victoriaUrl}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query, time: String(atMs / 1000) }),
  });
  if (!response.ok) throw new ColdTierReadError(`cold tier query answered ${response.status}`);
  const body = (await response.json()) as { data: { result: VectorSample[] } };
  return body.data.result;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Markets with candles finer than `targetMs` (a whole fraction of it) stored before `cutoffMs`, and their first. */
async function marketsBefore(victoriaUrl: string, targetMs: number, cutoffMs: number): Promise<Market[]> {
  if (cutoffMs <= HISTORY_STARTS_MS) return [];
  const sources = FINER_TIMEFRAMES.filter((timeframe) => {
    const ms = timeframeMs(timeframe);
    return ms < targetMs && targetMs % ms === 0;
  });
  if (sources.length === 0) return [];
  const lookbackSeconds = Math.ceil((cutoffMs - HISTORY_STARTS_MS) / 1000);
  const samples = await victoriaQuery(
    victoriaUrl,
    `tfirst_over_time(candles_open{timeframe=~"${sources.join('|')}"}[${lookbackSeconds}s])`,
    cutoffMs - 1,
  );
  return samples.map((sample) => ({
    symbol: sample.metric.symbol ?? '',
    timeframe: sample.metric.timeframe ?? '',
    firstMs: Math.round(Number(sample.value[1]) * 1000),
  }));
}

/**
 * No market has candles before Bitcoin's first block (2009-01-03): the first-candle lookup looks back to here
 * (VictoriaMetrics finds nothing in a window reaching back to the epoch).
 */
const HISTORY_STARTS_MS = Date.UTC(2009, 0, 1);

const FINER_TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h'] as const;

/** Where the last pass got to for this market and target, from its marks; null when it never ran. */
async function readDoneUntil(victoriaUrl: string, mark: Mark): Promise<number | null> {
  const selector =
    `${MARK_MEASUREMENT}_done_until{symbol=${JSON.stringify(mark.symbol)},` +
    `timeframe=${JSON.stringify(mark.source)},target=${JSON.stringify(mark.target)}}`;
  const response = await fetch(`${victoriaUrl}/api/v1/export`, {
    method: 'POST',
    body: new URLSearchParams({ 'match[]': selector, start: '0' }),
  });
  if (!response.ok) throw new ColdTierReadError(`cold tier export answered ${response.status}`);
  let doneUntilMs: number | null = null;
  for (const text of (await response.text()).split('\n')) {
    if (text.trim() === '') continue;
    for (const value of (JSON.parse(text) as { values: number[] }).values) {
      doneUntilMs = Math.max(doneUntilMs ?? value, value);
    }
  }
  return doneUntilMs;
}
