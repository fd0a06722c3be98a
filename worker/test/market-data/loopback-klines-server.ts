/**
 * A loopback Binance spot REST venue for market data: GET /api/v3/time, /api/v3/exchangeInfo (what ccxt's
 * loadMarkets reads) and /api/v3/klines (startTime, endTime, limit; Binance's 12-field rows, strings for prices),
 * serving recorded real candles up to its own clock `nowMs` (the last one returned is the candle still forming,
 * as on Binance). Faults on demand: 429/503 for the next klines requests, and candles hidden from the next answer
 * that would contain them (a transient gap).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Candle } from '@keel/core/market/types.ts';

const RATE_LIMIT_BODY = { code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.' };

export class LoopbackKlinesServer {
  /** The venue's clock: candles with an open time after it do not exist yet. */
  nowMs: number;
  readonly klinesRequests: URLSearchParams[] = [];
  private readonly candles: readonly Candle[];
  private readonly candleMs: number;
  private readonly failures: { status: 429 | 503; retryAfterSeconds: number }[] = [];
  private readonly hiddenOnce = new Set<number>();
  private server: Server | null = null;
  url = '';

  constructor(candles: readonly Candle[], candleMs: number, nowMs: number) {
    this.candles = candles;
    this.candleMs = candleMs;
    this.nowMs = nowMs;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request.url ?? '/', response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  /** The next klines requests fail with `status` (429 carries Retry-After and Binance's -1003). */
  failNext(count: number, status: 429 | 503, retryAfterSeconds = 0): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfterSeconds });
  }

  /** The candle opening at `openMs` is left out of the next klines answer that would include it. */
  hideOnce(openMs: number): void {
    this.hiddenOnce.add(openMs);
  }

  protected handle(rawUrl: string, response: ServerResponse): void {
    const url = new URL(rawUrl, 'http://venue');
    if (url.pathname === '/api/v3/time') send(response, 200, { serverTime: this.nowMs });
    else if (url.pathname === '/api/v3/exchangeInfo') send(response, 200, exchangeInfo(this.nowMs));
    else if (url.pathname !== '/api/v3/klines') send(response, 404, { code: -1000, msg: `no route ${url.pathname}` });
    else this.answerKlines(url.searchParams, response);
  }

  private answerKlines(params: URLSearchParams, response: ServerResponse): void {
    this.klinesRequests.push(params);
    const failure = this.failures.shift();
    if (failure?.status === 429) {
      send(response, 429, RATE_LIMIT_BODY, { 'Retry-After': String(failure.retryAfterSeconds) });
    } else if (failure?.status === 503) {
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    } else {
      send(
        response,
        200,
        this.klines(params).map((candle) => this.row(candle)),
      );
    }
  }

  private klines(params: URLSearchParams): Candle[] {
    const startMs = Number(params.get('startTime') ?? 0);
    const endMs = Math.min(Number(params.get('endTime') ?? Number.POSITIVE_INFINITY), this.nowMs);
    const limit = Number(params.get('limit') ?? 500);
    const answer: Candle[] = [];
    for (const candle of this.candles) {
      if (candle.time < startMs || candle.time > endMs) continue;
      if (this.hiddenOnce.delete(candle.time)) continue;
      answer.push(candle);
      if (answer.length === limit) break;
    }
    return answer;
  }

  private row(candle: Candle): unknown[] {
    const closeTime = candle.time + this.candleMs - 1;
    const quoteVolume = String(candle.volume * candle.close);
    return [
      candle.time,
      String(candle.open),
      String(candle.high),
      String(candle.low),
      String(candle.close),
      String(candle.volume),
      closeTime,
      quoteVolume,
      1000,
      String(candle.volume / 2),
      String((candle.volume * candle.close) / 2),
      '0',
    ];
  }
}

function exchangeInfo(nowMs: number): unknown {
  const market = (base: string) => ({
    symbol: `${base}USDT`,
    status: 'TRADING',
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: 'USDT',
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
      { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
  });
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
    exchangeFilters: [],
    symbols: ['BTC', 'ETH'].map(market),
  };
}

export function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}
