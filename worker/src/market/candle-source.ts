/**
 * Where replayed candles come from. A source hands out the whole series of one market; the ReplayFeed plays it
 * candle by candle at the configured speed, and strategies only ever read candles up to the one just closed.
 * Implementations: csv-source.ts (real candles, /work/shared/data) and synthetic-source.ts (no data folder).
 */
import type { CandleSeries } from '@keel/core/market/types.ts';

export interface CandleSource {
  /** One line for the logs: what the bots are trading on. */
  readonly description: string;
  /** Every candle of `symbol` at `timeframe`, oldest first; null when the source has none for that market. */
  candles(symbol: string, timeframe: string): CandleSeries | null;
}
