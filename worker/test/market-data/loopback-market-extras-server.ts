/**
 * The loopback Binance of loopback-klines-server.ts plus what the market extras read, in Binance's REST wire
 * format: GET /api/v3/depth (spot order book: lastUpdateId, bids and asks as [price, qty] strings, best first, no
 * timestamp), GET /fapi/v1/exchangeInfo (the USDⓈ-M perpetuals: BTCUSDT only, so ETH has none) and GET
 * /fapi/v1/premiumIndex (mark price and `lastFundingRate`, stamped with the venue's clock). Faults on demand: a raw
 * answer (any status and body) served instead of the real one until cleared.
 */
import type { ServerResponse } from 'node:http';
import type { Candle } from '@keel/core/market/types.ts';
import { LoopbackKlinesServer, send } from './loopback-klines-server.ts';

export type BookLevel = [price: number, qty: number];

export interface RawAnswer {
  status: number;
  body: string;
}

export class LoopbackMarketExtrasServer extends LoopbackKlinesServer {
  /** Per Binance symbol (`BTCUSDT`), best first. */
  books = new Map<string, { bids: BookLevel[]; asks: BookLevel[] }>();
  /** The BTCUSDT perpetual's funding rate per interval. */
  fundingRate = 0.0001;
  depthOverride: RawAnswer | null = null;
  premiumIndexOverride: RawAnswer | null = null;
  readonly depthRequests: URLSearchParams[] = [];
  readonly premiumIndexRequests: URLSearchParams[] = [];
  private lastUpdateId = 1_027_024;

  constructor(nowMs: number, candles: readonly Candle[] = [], candleMs = 3_600_000) {
    super(candles, candleMs, nowMs);
  }

  protected override handle(rawUrl: string, response: ServerResponse): void {
    const url = new URL(rawUrl, 'http://venue');
    if (url.pathname === '/api/v3/depth') this.answerDepth(url.searchParams, response);
    else if (url.pathname === '/fapi/v1/exchangeInfo') send(response, 200, perpetualsInfo(this.nowMs));
    else if (url.pathname === '/fapi/v1/premiumIndex') this.answerPremiumIndex(url.searchParams, response);
    else super.handle(rawUrl, response);
  }

  private answerDepth(params: URLSearchParams, response: ServerResponse): void {
    this.depthRequests.push(params);
    if (this.depthOverride !== null) {
      sendRaw(response, this.depthOverride);
      return;
    }
    const book = this.books.get(params.get('symbol') ?? '');
    if (book === undefined) {
      send(response, 400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    const limit = Number(params.get('limit') ?? 100);
    const wire = (levels: BookLevel[]) =>
      levels.slice(0, limit).map(([price, qty]) => [price.toFixed(8), qty.toFixed(8)]);
    send(response, 200, { lastUpdateId: this.lastUpdateId++, bids: wire(book.bids), asks: wire(book.asks) });
  }

  private answerPremiumIndex(params: URLSearchParams, response: ServerResponse): void {
    this.premiumIndexRequests.push(params);
    if (this.premiumIndexOverride !== null) {
      sendRaw(response, this.premiumIndexOverride);
      return;
    }
    if (params.get('symbol') !== 'BTCUSDT') {
      send(response, 400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    send(response, 200, {
      symbol: 'BTCUSDT',
      markPrice: '11793.63104562',
      indexPrice: '11781.80495970',
      estimatedSettlePrice: '11781.16138815',
      lastFundingRate: this.fundingRate.toFixed(8),
      interestRate: '0.00010000',
      nextFundingTime: Math.ceil(this.nowMs / 28_800_000) * 28_800_000,
      time: this.nowMs,
    });
  }
}

function sendRaw(response: ServerResponse, answer: RawAnswer): void {
  response.writeHead(answer.status, { 'content-type': 'application/json;charset=UTF-8' });
  response.end(answer.body);
}

function perpetualsInfo(nowMs: number): unknown {
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    futuresType: 'U_MARGINED',
    rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 }],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [
      {
        symbol: 'BTCUSDT',
        pair: 'BTCUSDT',
        contractType: 'PERPETUAL',
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: 'TRADING',
        maintMarginPercent: '2.5000',
        requiredMarginPercent: '5.0000',
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
        pricePrecision: 2,
        quantityPrecision: 3,
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: 'COIN',
        underlyingSubType: ['PoW'],
        settlePlan: 0,
        triggerProtect: '0.0500',
        liquidationFee: '0.012500',
        marketTakeBound: '0.05',
        maxMoveOrderLimit: 10000,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
          { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
          { filterType: 'MARKET_LOT_SIZE', stepSize: '0.001', maxQty: '120', minQty: '0.001' },
          { filterType: 'MAX_NUM_ORDERS', limit: 200 },
          { filterType: 'MIN_NOTIONAL', notional: '100' },
          { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
        ],
        orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET'],
        timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
        permissionSets: ['GRID', 'COPY'],
      },
    ],
  };
}
