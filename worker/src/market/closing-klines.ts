/**
 * Which streamed klines have closed. ccxt.pro's watchOHLCV hands out rows `[openMs, open, high, low, close, volume]`
 * without Binance's `x` (closed) flag, so a kline counts as closed when a later one starts on the same connection:
 * Binance sends a kline's final update (`x: true`) before the next kline's first, and each update carries the
 * kline's whole values so far, so the last values seen are the final ones. After a reconnect nothing seen before it
 * is trusted (`reset`): an update may have been lost with the old socket.
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { OHLCV } from 'ccxt';

export class ClosingKlines {
  /** The latest kline seen on this connection: still forming as far as we know. */
  private forming: Candle | null = null;

  /** One watch answer (oldest first; each open time with its latest values): the klines it shows closed, in order. */
  update(rows: readonly OHLCV[]): Candle[] {
    const closed: Candle[] = [];
    for (const row of rows) {
      const candle = candleOf(row);
      if (this.forming !== null && candle.time < this.forming.time) continue;
      if (this.forming !== null && candle.time > this.forming.time) closed.push(this.forming);
      this.forming = candle;
    }
    return closed;
  }

  /** A new connection: the kline forming on the old one may have missed its final update. */
  reset(): void {
    this.forming = null;
  }
}

/** A copy: ccxt updates its cached rows in place as later messages arrive. */
function candleOf([time, open, high, low, close, volume]: OHLCV): Candle {
  return {
    time: Number(time),
    open: Number(open),
    high: Number(high),
    low: Number(low),
    close: Number(close),
    volume: Number(volume),
  };
}
