/**
 * The worker's WorkerEvents: each event is counted (metrics), remembered where a gauge needs it (breaker states)
 * and handed to the notifier for the bot's owner. Nothing here awaits: the notifier queues, and returns.
 */
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromNumber } from '@keel/core/money/parse.ts';
import type { BreakerState } from '@keel/core/risk/types.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import type { WorkerEvents } from './worker-events.ts';

export interface ObservedEventsOptions {
  metrics: WorkerMetrics;
  /** Null when no channel (Telegram, email) is configured. */
  notifier: Notifier | null;
  /** Breaker state per running bot id (the worker's; read by keel_bots_breaker_state). */
  breakerStates: Map<string, BreakerState>;
}

const exact = (value: number) => formatDecimal(decimalFromNumber(value));

export function observedEvents({ metrics, notifier, breakerStates }: ObservedEventsOptions): WorkerEvents {
  return {
    fill(bot, fill) {
      metrics.fills.inc();
      notifier?.notify({
        event: 'fill',
        userId: bot.userId,
        botName: bot.name,
        fill: {
          side: fill.side,
          symbol: fill.symbol,
          time: fill.time,
          qtyBase: exact(fill.qtyBase),
          priceQuote: exact(fill.priceQuote),
          feeQuote: exact(fill.feeQuote),
        },
      });
    },
    breaker(bot, state, reason) {
      if (breakerStates.has(bot.id)) breakerStates.set(bot.id, state);
      notifier?.notify({ event: 'breaker', userId: bot.userId, botName: bot.name, state, reason });
    },
    anomaly(bot, description) {
      notifier?.notify({ event: 'anomaly', userId: bot.userId, botName: bot.name, description });
    },
    error(bot, message, source) {
      if (source !== undefined) metrics.exchangeErrors.inc({ exchange: source.exchange, kind: source.kind });
      notifier?.notify({ event: 'error', userId: bot.userId, botName: bot.name, message });
    },
    botPaused(bot, reason) {
      notifier?.notify({ event: 'bot_paused', userId: bot.userId, botName: bot.name, reason });
    },
  };
}
