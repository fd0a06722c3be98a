/** What the worker tells a user: one kind per subscribable event (notification_channels.events). */
import type { BreakerState } from '@keel/core/risk/types.ts';
import type { NotificationEventName } from '@keel/db';

interface About {
  userId: string;
  botName: string;
}

/** Amounts as exact decimal text (core money), never floats printed as they come. */
export interface FillSummary {
  side: 'buy' | 'sell';
  symbol: string;
  /** Open time of the candle it filled in (ms UTC). */
  time: number;
  qtyBase: string;
  priceQuote: string;
  feeQuote: string;
}

export interface BotDaySummary {
  botName: string;
  equityQuote: string | null;
  /** Equity minus the bot's starting cash; null without an equity point yet. */
  profitQuote: string | null;
  fillsToday: number;
}

export interface DailySummary {
  /** The user's local date the summary covers (YYYY-MM-DD). */
  date: string;
  timeZone: string;
  bots: BotDaySummary[];
}

export type Notification =
  | (About & { event: 'fill'; fill: FillSummary })
  | (About & { event: 'breaker'; state: BreakerState; reason: string })
  | (About & { event: 'anomaly'; description: string })
  | (About & { event: 'error'; message: string })
  | (About & { event: 'bot_paused'; reason: string })
  | { event: 'daily_summary'; userId: string; summary: DailySummary };

// A compile-time check that every notification kind is a subscribable event name and back.
type Missing =
  | Exclude<NotificationEventName, Notification['event']>
  | Exclude<Notification['event'], NotificationEventName>;
const everyEventCovered: Missing extends never ? true : never = true;
void everyEventCovered;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}
