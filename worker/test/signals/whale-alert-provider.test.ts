/**
 * Whale Alert /v1/transactions against a loopback API replaying a recorded answer (fixtures/
 * whale-alert-transactions.json, in the documented shape): the net flow into exchanges over the last hour, pages
 * followed by cursor, and the key — a query parameter, as the API wants it — never in a reason or a log line.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { parseWhaleAlertPage, whaleAlertProvider } from '../../src/signals/whale-alert-provider.ts';
import { capturedLines, fixture, type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const API_KEY = 'wa-5ecret-key-never-logged';
const NOW_MS = Date.UTC(2025, 10, 20, 1, 0, 0);
/** The recorded hour: 41,850,000 USD of BTC into Binance, 12,726,000 of ETH out of it; the rest moves neither way. */
const RECORDED_NETFLOW_USD = 41_850_000 - 12_726_000;
const recorded = fixture('whale-alert-transactions.json') as { transactions: unknown[] };

let api: LoopbackJsonApi;
beforeAll(async () => {
  api = await startLoopbackJsonApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer('/v1/transactions', { status: 200, body: recorded });
});

function provider(logger = silentLogger) {
  return whaleAlertProvider({
    baseUrl: api.url,
    apiKey: API_KEY,
    minValueUsd: 2_000_000,
    logger,
    refreshMs: 0,
    retryAfterFailureMs: 0,
    timeoutMs: 2_000,
  });
}

/** A page of `count` transfers of `usd` each into an exchange. */
function inflowPage(count: number, usd: number, cursor: string) {
  const transfer = {
    from: { owner_type: 'unknown' },
    to: { owner: 'kraken', owner_type: 'exchange' },
    amount_usd: usd,
  };
  return { result: 'success', cursor, count, transactions: Array.from({ length: count }, () => transfer) };
}

describe('Whale Alert provider', () => {
  it('reads the last hour’s transfers into exchanges minus out of them, in USD', async () => {
    expect(await provider().read(NOW_MS)).toEqual({
      value: RECORDED_NETFLOW_USD,
      available: true,
      observedAtMs: NOW_MS,
      maskedBecause: null,
    });
    const query = api.requests[0]?.query;
    expect(Object.fromEntries(query ?? [])).toEqual({
      api_key: API_KEY,
      min_value: '2000000',
      start: String((NOW_MS - 3_600_000) / 1000),
      limit: '100',
    });
  });

  it('follows the cursor while pages are full, and sums every page', async () => {
    api.answer('/v1/transactions', (request) =>
      request.query.get('cursor') === 'page-2'
        ? { status: 200, body: { ...recorded, cursor: 'page-3' } }
        : { status: 200, body: inflowPage(100, 1_000_000, 'page-2') },
    );
    expect((await provider().read(NOW_MS)).value).toBe(100_000_000 + RECORDED_NETFLOW_USD);
    expect(api.requests.map((request) => request.query.get('cursor'))).toEqual([null, 'page-2']);
  });

  it('masks an hour with more transfers than it pages through, rather than summing part of it', async () => {
    api.answer('/v1/transactions', { status: 200, body: inflowPage(100, 1_000_000, 'more') });
    const reading = await provider().read(NOW_MS);
    expect(reading.available).toBe(false);
    expect(reading.maskedBecause).toMatch(/more than 500 transfers in the hour: raise WHALE_ALERT_MIN_USD/);
  });

  it('keeps the key out of reasons and logs when a failure quotes it', async () => {
    const { lines, destination } = capturedLines();
    const whales = provider(createLogger({ name: 'test', destination }));
    // An answer that is no JSON (the parser's message quotes its start), then Whale Alert's error quoting the key.
    api.answer('/v1/transactions', { status: 200, body: `unknown api_key=${API_KEY}` });
    const garbled = await whales.read(NOW_MS);
    api.answer('/v1/transactions', { status: 200, body: { result: 'error', message: `api_key ${API_KEY} revoked` } });
    const refused = await whales.read(NOW_MS + 60_000);
    for (const reading of [garbled, refused]) {
      expect(reading.available).toBe(false);
      expect(reading.maskedBecause).not.toContain(API_KEY);
    }
    expect(refused.maskedBecause).toBe(
      'provider failing: Whale Alert answer not understood: error "api_key [redacted] revoked"',
    );
    expect(lines.length).toBe(2);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });

  it('refuses a page that is not the documented shape', () => {
    expect(() => parseWhaleAlertPage({ result: 'success', transactions: [{ amount_usd: '5' }] })).toThrow(
      /amount_usd "5" is not an amount/,
    );
    expect(() => parseWhaleAlertPage({ transactions: [] })).toThrow(/result undefined/);
    expect(parseWhaleAlertPage({ result: 'success', count: 0 })).toEqual({ netflowUsd: 0, next: null });
  });
});
