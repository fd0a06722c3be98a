/**
 * The live half of "persist, then send": given an order already persisted (pending, deterministic client order
 * id), open the bot's exchange account (keys decrypted now, dropped after), send the order through ccxt, and write
 * what the venue reports — order state and fills — before the bot goes on.
 *
 * Failures, by kind (exchange-errors.ts):
 * - rejected / insufficient funds: the order row becomes `rejected` with the venue's reason; the bot goes on, but
 *   `maxConsecutiveFailures` of them in a row pause it (a bot that keeps being refused is misconfigured);
 * - auth: the order is rejected and the bot paused at once (nothing will work until the keys are fixed);
 * - retryable / rate-limited, still failing after the retries: the outcome is unknown, so the row stays `pending`
 *   (restart reconciliation asks the venue about it) and the bot is paused: fail closed, never guess.
 * A pause is a BotPausedError thrown to the runner; the worker reports the bot paused and tells its owner.
 */
import type { Fill, OrderRequest } from '@keel/core/execution/types.ts';
import type { Bot, Database, Order } from '@keel/db';
import type { Logger } from '../logger.ts';
import { classifyExchangeError, type ExchangeFailure } from './exchange-errors.ts';
import { type ExecutionEventListener, ignoreExecutionEvents } from './execution-events.ts';
import { recordVenueOrder } from './record-venue-order.ts';
import type { Venue } from './venue.ts';

export interface LiveBrokerOptions {
  database: Database;
  bot: Bot;
  /** Opens the bot's account with its keys just decrypted (bot-venue.ts); called once per order. */
  openVenue: () => Promise<Venue>;
  logger: Logger;
  onEvent?: ExecutionEventListener;
  /** Refusals in a row that pause the bot; default 3. */
  maxConsecutiveFailures?: number;
}

export interface LiveOrderOutcome {
  order: Order;
  fills: Fill[];
}

const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;

/** The bot must stop trading until its owner looks: the reason says why (never a secret). */
export class BotPausedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BotPausedError';
  }
}

export class LiveBroker {
  private readonly options: LiveBrokerOptions;
  private readonly onEvent: ExecutionEventListener;
  private readonly maxConsecutiveFailures: number;
  private consecutiveFailures = 0;

  constructor(options: LiveBrokerOptions) {
    this.options = options;
    this.onEvent = options.onEvent ?? ignoreExecutionEvents;
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
  }

  /** Sends a persisted order; returns its recorded state and new fills, or throws BotPausedError. */
  async send(order: OrderRequest): Promise<LiveOrderOutcome> {
    const { database, bot } = this.options;
    let outcome: LiveOrderOutcome;
    try {
      const venue = await this.options.openVenue();
      const reported = await venue.placeMarketOrder(order);
      const recorded = await database.asService((tx) => recordVenueOrder(tx, bot, order, reported));
      outcome = { order: recorded.order, fills: recorded.newFills };
    } catch (error) {
      return this.failed(order, classifyExchangeError(error));
    }
    this.consecutiveFailures = 0;
    return outcome;
  }

  /** A refusal below the limit comes back as the rejected order (the bot goes on); anything else pauses. */
  private async failed(order: OrderRequest, failure: ExchangeFailure): Promise<LiveOrderOutcome> {
    const { database, bot, logger } = this.options;
    this.consecutiveFailures++;
    const owner = { botId: bot.id, userId: bot.userId };
    logger.warn(
      { botId: bot.id, clientOrderId: order.clientOrderId, kind: failure.kind, venueError: failure.venueError },
      failure.message,
    );
    this.onEvent({
      type: 'order_failed',
      ...owner,
      clientOrderId: order.clientOrderId,
      kind: failure.kind,
      message: failure.message,
    });
    if (failure.kind === 'retryable' || failure.kind === 'rate-limited') {
      throw this.pause(
        `order ${order.clientOrderId}: the exchange did not answer (${failure.kind}: ${failure.message}); its outcome is unknown until the exchange is asked again on restart`,
      );
    }
    const rejected = await database.asService((tx) =>
      tx.orders.update(order.clientOrderId, {
        status: 'rejected',
        rejectReason: `${failure.kind}: ${failure.message}`.slice(0, 1000),
        submitted: true,
      }),
    );
    if (failure.kind === 'auth') {
      throw this.pause(`the exchange refused the API key (${failure.message}): fix or replace the key, then resume`);
    }
    if (this.consecutiveFailures >= this.maxConsecutiveFailures) {
      throw this.pause(`${this.consecutiveFailures} orders in a row refused by the exchange; last: ${failure.message}`);
    }
    return { order: rejected, fills: [] };
  }

  private pause(reason: string): BotPausedError {
    this.onEvent({ type: 'bot_paused', botId: this.options.bot.id, userId: this.options.bot.userId, reason });
    return new BotPausedError(reason);
  }
}
