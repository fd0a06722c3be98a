/**
 * What happens to a bot that someone outside the trading path cares about: metrics count it, its owner may be told.
 * BotRunner and the worker call these (and so will the live-execution adapters: exchange errors, bots paused by the
 * venue). Every method returns at once and never throws into the caller: trading does not wait on a notification.
 */
import type { Fill } from '@keel/core/execution/types.ts';
import type { BreakerState } from '@keel/core/risk/types.ts';
import type { Bot } from '@keel/db';
import type { ExchangeFailureKind } from '../exchange/exchange-errors.ts';

export type BotIdentity = Pick<Bot, 'id' | 'userId' | 'name'>;

/** Which exchange failed and how (exchange-errors.ts classes: a bounded set, fit for a metric label). */
export interface ExchangeErrorSource {
  exchange: string;
  kind: ExchangeFailureKind;
}

export interface WorkerEvents {
  /** A fill was booked (persisted) for the bot. */
  fill(bot: BotIdentity, fill: Fill): void;
  /** The bot's circuit breaker moved to `state`. */
  breaker(bot: BotIdentity, state: BreakerState, reason: string): void;
  /** Something looks wrong but trading goes on (a data gap, a price jump, a reconciliation mismatch). */
  anomaly(bot: BotIdentity, description: string): void;
  /** The bot hit an error; `source` when an exchange raised it (counted in keel_exchange_errors_total). */
  error(bot: BotIdentity, message: string, source?: ExchangeErrorSource): void;
  /** The bot stopped trading for now (its owner or the venue paused it). */
  botPaused(bot: BotIdentity, reason: string): void;
}

/** The null version: for runners built without observers (tests of the trading path alone). */
export const quietEvents: WorkerEvents = {
  fill() {},
  breaker() {},
  anomaly() {},
  error() {},
  botPaused() {},
};
