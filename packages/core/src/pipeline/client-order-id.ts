/**
 * The pipeline's client order ids: `${botId}:${symbol}:${decisionTime}`, deterministic, so a retried decision
 * can never open a second order.
 */

/** `${botId}:${symbol}:`, the part of a client order id fixed for a symbol. */
export function clientOrderIdPrefix(botId: string, symbol: string): string {
  return `${botId}:${symbol}:`;
}

const BILLION = 1e9;

/**
 * prefix + String(decisionTimeMs), spelled the same. Times in ms since the epoch are integers above 2^31, which
 * V8 formats through its shortest-double algorithm, about three times slower than two integers below 2^31 (small
 * integers): the billions, then the last nine digits, zero-padded by adding 10^9 and dropping the leading 1.
 */
export function clientOrderId(prefix: string, decisionTimeMs: number): string {
  if (!(Number.isSafeInteger(decisionTimeMs) && decisionTimeMs >= BILLION)) return prefix + decisionTimeMs;
  const billions = Math.floor(decisionTimeMs / BILLION);
  const belowBillion = decisionTimeMs - billions * BILLION;
  return `${prefix}${billions}${String(belowBillion + BILLION).slice(1)}`;
}
