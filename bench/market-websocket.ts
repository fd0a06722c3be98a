/**
 * Live candles by websocket against the baseline of REST polling, same run, same real BTC-USDT minutes, both
 * through the real ccxt clients and the MarketHub against loopback Binance venues (REST klines; kline market
 * stream): the delay from the venue publishing a candle's close to a bot receiving it, and the REST klines
 * requests (weight 2 each on Binance's per-IP budget) it took per candle. Each close is published at a random
 * moment of the poll cycle, so REST's figure is about half the poll interval plus a request, as in production.
 * Target: the websocket delivers in under a tenth of polling's median delay, without a REST request per candle.
 */
import { loadCandlesCsv } from '../packages/core/src/market/csv.ts';
import { type Candle, type CandleSeries, candleAt } from '../packages/core/src/market/types.ts';
import { dataFile, hasSharedData } from '../packages/core/test/shared-data.ts';
import type { Logger } from '../worker/src/logger.ts';
import { silentLogger } from '../worker/src/logger.ts';
import { ccxtCandleSource } from '../worker/src/market/ccxt-candle-source.ts';
import { MarketHub } from '../worker/src/market/market-hub.ts';
import { LoopbackKlineStreamServer } from '../worker/test/market-data/loopback-kline-stream-server.ts';
import { LoopbackKlinesServer } from '../worker/test/market-data/loopback-klines-server.ts';
import { printTable, verdict } from './table.ts';

const MINUTE_MS = 60_000;
const WARMUP = 50;
const FIRST_LIVE = 100;
const LIVE_CANDLES = 40;
/** The baseline's poll interval (production default: 5 s; shorter here to keep the run short). */
const POLL_MS = 250;
const VENUE_SYMBOL = 'BTCUSDT';
const UP_MESSAGE = 'candles by websocket: REST polling only catches up';

type Mode = 'websocket' | 'REST polling';

interface DeliveryRun {
  delaysMs: number[];
  restRequests: number;
}

function realMinutes(): Candle[] {
  const series: CandleSeries = loadCandlesCsv(dataFile('BTC-USDT_1m.csv'));
  const count = FIRST_LIVE + LIVE_CANDLES + 2;
  return Array.from({ length: count }, (_, i) => candleAt(series, i));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await sleep(5);
}

async function deliveryRun(mode: Mode, candles: Candle[]): Promise<DeliveryRun> {
  const candle = (index: number) => candles[index] as Candle;
  const rest = new LoopbackKlinesServer(candles, MINUTE_MS, candle(FIRST_LIVE).time + 1_000);
  const stream = new LoopbackKlineStreamServer({ interval: '1m', candleMs: MINUTE_MS });
  await rest.start();
  await stream.start();
  let websocketUp = false;
  const logger: Logger = {
    ...silentLogger,
    info: (_fields, message) => {
      if (message === UP_MESSAGE) websocketUp = true;
    },
    child: () => logger,
  };
  const source = ccxtCandleSource({
    exchangeIds: ['binance'],
    logger,
    env: {
      KEEL_EXCHANGE_URL_BINANCE: rest.url,
      ...(mode === 'websocket' ? { KEEL_EXCHANGE_WS_URL_BINANCE: stream.url } : { KEEL_MARKET_WS: 'off' }),
    },
    warmupCandles: WARMUP,
    pollMs: POLL_MS,
    now: () => rest.nowMs,
  });
  const hub = new MarketHub(source, 'max');
  const arrivals = new Map<number, number>();
  hub.subscribe('BTC-USDT', '1m', async (series, index) => {
    arrivals.set(series.time[index] as number, performance.now());
  });
  hub.start();
  const feed = hub.feed('BTC-USDT', '1m');
  await until(() => feed.series.length === WARMUP);
  if (mode === 'websocket') {
    while (!websocketUp) {
      stream.openCandle(VENUE_SYMBOL, candle(FIRST_LIVE));
      await sleep(20);
    }
  }
  const requestsBefore = rest.klinesRequests.length;
  const delaysMs: number[] = [];
  for (let index = FIRST_LIVE; index < FIRST_LIVE + LIVE_CANDLES; index++) {
    await sleep(Math.random() * POLL_MS);
    const publishedAt = performance.now();
    rest.nowMs = candle(index + 1).time + 1_000;
    stream.push(VENUE_SYMBOL, candle(index), true);
    stream.openCandle(VENUE_SYMBOL, candle(index + 1));
    await until(() => arrivals.has(candle(index).time));
    delaysMs.push((arrivals.get(candle(index).time) as number) - publishedAt);
  }
  const restRequests = rest.klinesRequests.length - requestsBefore;
  await hub.stop();
  await stream.stop();
  await rest.stop();
  return { delaysMs, restRequests };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

export async function benchMarketWebSocket(): Promise<void> {
  if (!hasSharedData()) {
    console.log('\nLive candles by websocket: skipped — no shared data folder (BTC-USDT_1m.csv).');
    return;
  }
  const candles = realMinutes();
  const baseline = await deliveryRun('REST polling', candles);
  const websocket = await deliveryRun('websocket', candles);
  const baselineMedian = percentile(
    [...baseline.delaysMs].sort((a, b) => a - b),
    0.5,
  );
  const rows = (
    [
      ['REST polling (baseline)', baseline],
      ['websocket', websocket],
    ] as const
  ).map(([name, run]) => {
    const sorted = [...run.delaysMs].sort((a, b) => a - b);
    const median = percentile(sorted, 0.5);
    return [
      name,
      `${median.toFixed(1)} ms`,
      `${percentile(sorted, 0.95).toFixed(1)} ms`,
      `${(median / baselineMedian).toFixed(3)}×`,
      (run.restRequests / LIVE_CANDLES).toFixed(2),
    ];
  });
  const websocketMedian = percentile(
    [...websocket.delaysMs].sort((a, b) => a - b),
    0.5,
  );
  printTable(
    `Live candles by websocket vs REST polling every ${POLL_MS} ms (${LIVE_CANDLES} real BTC-USDT minutes, real ccxt ` +
      `clients, loopback Binance venues). Delay: venue publishes the close → the bot's listener. Target: websocket ` +
      `median < 0.1× polling's and no REST request per candle: ` +
      verdict(websocketMedian < 0.1 * baselineMedian && websocket.restRequests === 0) +
      '.',
    ['mode', 'median delay', 'p95 delay', 'median ÷ baseline', 'REST requests per candle'],
    rows,
  );
}
