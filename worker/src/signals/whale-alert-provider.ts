/**
 * Whale Alert's large transfers, `GET <baseUrl>/v1/transactions?api_key=…&min_value=…&start=…&limit=100[&cursor=…]`:
 *   {"result":"success","cursor":"…","count":2,"transactions":[{"blockchain":"bitcoin","symbol":"btc",
 *    "transaction_type":"transfer","from":{"owner":"","owner_type":"unknown"},
 *    "to":{"owner":"binance","owner_type":"exchange"},"timestamp":1763600000,"amount":120,"amount_usd":11000000}]}
 * or, failing, {"result":"error","message":"…"}.
 * whale_exchange_netflow = Σ amount_usd of transfers into an exchange from outside − Σ of transfers out of an
 * exchange to outside, over the last hour (the free plan's furthest `start`); exchange-to-exchange and
 * wallet-to-wallet transfers move nothing in or out of the market's order books and are left out. More than one
 * page follows the cursor, up to MAX_PAGES; an hour with still more is masked rather than summed in part.
 * The key must be a query parameter (the API takes it nowhere else): it is cut from every reason and log line.
 */
import { type GetJson, type Observation, type PollingOptions, polledHttpSignals } from './polled-http-signals.ts';
import type { SignalProvider } from './signal-provider.ts';

export interface WhaleAlertOptions extends PollingOptions {
  /** `https://api.whale-alert.io`: WHALE_ALERT_URL. */
  baseUrl: string;
  /** WHALE_ALERT_API_KEY. */
  apiKey: string;
  /** Smallest transfer counted, USD (WHALE_ALERT_MIN_USD); default 1,000,000 (the free plan's floor is 500,000). */
  minValueUsd?: number;
  /** Default 20 min. */
  maxAgeMs?: number;
  /** Default 10 min: the free plan allows 10 calls a minute; a refresh takes 1 to MAX_PAGES. */
  refreshMs?: number;
}

const WINDOW_MS = 3_600_000;
const PAGE_LIMIT = 100;
const MAX_PAGES = 5;
const DEFAULT_MIN_VALUE_USD = 1_000_000;
const DEFAULT_MAX_AGE_MS = 20 * 60_000;
const DEFAULT_REFRESH_MS = 10 * 60_000;

export class WhaleAlertFormatError extends Error {
  constructor(detail: string) {
    super(`Whale Alert answer not understood: ${detail}`);
    this.name = 'WhaleAlertFormatError';
  }
}

interface Page {
  netflowUsd: number;
  /** The cursor to the next page, or null when this one was the last. */
  next: string | null;
}

interface Transfer {
  from?: { owner_type?: unknown };
  to?: { owner_type?: unknown };
  amount_usd?: unknown;
}

/** One page's to-exchanges minus from-exchanges, USD. */
export function parseWhaleAlertPage(body: unknown): Page {
  const page = body as {
    result?: unknown;
    message?: unknown;
    cursor?: unknown;
    count?: unknown;
    transactions?: unknown;
  };
  if (page?.result === 'error') throw new WhaleAlertFormatError(`error "${String(page.message)}"`);
  if (page?.result !== 'success') throw new WhaleAlertFormatError(`result ${JSON.stringify(page?.result)}`);
  const transfers = page.transactions ?? [];
  if (!Array.isArray(transfers)) throw new WhaleAlertFormatError('transactions is not a list');
  let netflowUsd = 0;
  for (const transfer of transfers as Transfer[]) {
    const usd = transfer.amount_usd;
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
      throw new WhaleAlertFormatError(`amount_usd ${JSON.stringify(usd)} is not an amount`);
    }
    const intoExchange = transfer.to?.owner_type === 'exchange';
    const outOfExchange = transfer.from?.owner_type === 'exchange';
    if (intoExchange && !outOfExchange) netflowUsd += usd;
    else if (outOfExchange && !intoExchange) netflowUsd -= usd;
  }
  const full = transfers.length >= PAGE_LIMIT;
  return { netflowUsd, next: full && typeof page.cursor === 'string' ? page.cursor : null };
}

async function loadNetflow(getJson: GetJson, options: WhaleAlertOptions, nowMs: number): Promise<Observation> {
  const query = new URLSearchParams({
    api_key: options.apiKey,
    min_value: String(options.minValueUsd ?? DEFAULT_MIN_VALUE_USD),
    start: String(Math.ceil((nowMs - WINDOW_MS) / 1000)),
    limit: String(PAGE_LIMIT),
  });
  let netflowUsd = 0;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = parseWhaleAlertPage(await getJson(`${options.baseUrl}/v1/transactions?${query}`));
    netflowUsd += page.netflowUsd;
    if (page.next === null) return { value: netflowUsd, observedAtMs: nowMs };
    query.set('cursor', page.next);
  }
  throw new WhaleAlertFormatError(
    `more than ${MAX_PAGES * PAGE_LIMIT} transfers in the hour: raise WHALE_ALERT_MIN_USD`,
  );
}

export function whaleAlertProvider(options: WhaleAlertOptions): SignalProvider {
  const [netflow] = polledHttpSignals({
    source: 'whale_alert',
    names: ['whale_exchange_netflow'],
    load: async (getJson, nowMs) => ({ whale_exchange_netflow: await loadNetflow(getJson, options, nowMs) }),
    secrets: [options.apiKey],
    defaults: { maxAgeMs: DEFAULT_MAX_AGE_MS, refreshMs: DEFAULT_REFRESH_MS },
    polling: options,
  });
  return netflow as SignalProvider;
}
