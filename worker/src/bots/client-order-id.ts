import { createHash } from 'node:crypto';

/**
 * The deterministic client order id of a bot's order: `<bot>:<market>:<decision time>`, e.g.
 * `3f2a9c41d07b:BTCUSDT:lq3k5c00`. The pipeline names orders `<botId>:<symbol>:<decisionTime>`, which with a uuid
 * bot id exceeds the 36 characters venues (Binance's newClientOrderId) and the orders table accept; this keeps the
 * same three parts, compacted: the bot uuid's first 12 hex digits (48 bits), the symbol without separators (at
 * most 12 characters) and the decision time in base 36. Same bot, market and candle → same id, so a retried or
 * replayed decision can never become a second order: the database refuses the duplicate (orders_client_order_id_key).
 */
const BOT_DIGITS = 12;
const SYMBOL_CHARS = 12;
const HASH_CHARS = 18;

export function clientOrderIdFor(botId: string, symbol: string, decisionTime: number): string {
  const bot = botId.replaceAll('-', '').slice(0, BOT_DIGITS);
  const market = symbol.replace(/[^A-Za-z0-9]/g, '').slice(0, SYMBOL_CHARS);
  return `${bot}:${market}:${decisionTime.toString(36)}`;
}

/**
 * The stored id of an order the risk manager names itself (`<botId>:<symbol>:<time>:<role>`, too long for venues):
 * `<bot uuid's 12 hex digits>:r:<18 characters of the name's SHA-256>` — the bot's prefix, so reconciliation counts
 * it among the bot's orders. Ids already in this form pass through.
 */
export function riskOrderId(botId: string, name: string): string {
  const prefix = `${botId.replaceAll('-', '').slice(0, BOT_DIGITS)}:r:`;
  if (name.startsWith(prefix)) return name;
  return `${prefix}${createHash('sha256').update(name).digest('base64url').slice(0, HASH_CHARS)}`;
}

/**
 * The client order id of the OCO order list whose stop leg is `stopLegClientOrderId` (a stored id, above):
 * `<the leg's bot prefix>:l:<18 characters of the leg id's SHA-256>`. Derived from the leg alone, so a restarted
 * worker that adopts a working list from its Postgres rows names the list as the one that placed it did.
 */
export function orderListClientOrderId(stopLegClientOrderId: string): string {
  const prefix = stopLegClientOrderId.slice(0, BOT_DIGITS);
  const digest = createHash('sha256').update(stopLegClientOrderId).digest('base64url').slice(0, HASH_CHARS);
  return `${prefix}:l:${digest}`;
}
