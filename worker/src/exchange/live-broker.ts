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
import type { ExchangeRules } from '@keel/core/risk/exchange-constraints.ts';
import type { Bot, Database, Order } from '@keel/db';
import type { Logger } from '../logger.ts';
import { classifyExchangeError, ExchangeFailure } from './exchange-errors.ts';
import { type ExecutionEvent, type ExecutionEventListener, ignoreExecutionEvents } from './execution-events.ts';
import { recordVenueOrder } from './record-venue-order.ts';
import { NO_STREAM, type StreamLiveness, type StreamReportListener, type UserDataStream } from './user-data-stream.ts';
import type { OcoListRequest, Venue } from './venue.ts';

export interface LiveBrokerOptions {
  database: Database;
  bot: Bot;
  /** Opens the bot's account with its keys just decrypted (bot-venue.ts); called once per order. */
  openVenue: () => Promise<Venue>;
  logger: Logger;
  onEvent?: ExecutionEventListener;
  /** Refusals in a row that pause the bot; default 3. */
  maxConsecutiveFailures?: number;
  /** The exchange's rules of the bot's markets (venue.ts marketRules), for its risk manager; default none. */
  marketRules?: Readonly<Record<string, ExchangeRules>>;
  /** The key's user-data stream (user-data-stream.ts); default none: every working order is polled every candle. */
  stream?: UserDataStream | null;
  /**
   * While the stream is up, every this-many candles the poll asks about every working order anyway, the stream's
   * confirmations notwithstanding (live-controls-port.ts poll); default 4.
   */
  safetyPollEveryCandles?: number;
}

export interface LiveOrderOutcome {
  order: Order;
  fills: Fill[];
}

export interface LiveOcoListOutcome {
  stop: LiveOrderOutcome;
  takeProfit: LiveOrderOutcome;
}

const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
const DEFAULT_SAFETY_POLL_EVERY_CANDLES = 4;

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

  /** The exchange's rules of the bot's markets, by Keel symbol (empty when not known). */
  get marketRules(): Readonly<Record<string, ExchangeRules>> {
    return this.options.marketRules ?? {};
  }

  /** The key's user-data stream as the bot's port sees it (NO_STREAM: there is none). */
  get stream(): StreamLiveness {
    return this.options.stream ?? NO_STREAM;
  }

  get safetyPollEveryCandles(): number {
    return this.options.safetyPollEveryCandles ?? DEFAULT_SAFETY_POLL_EVERY_CANDLES;
  }

  /** Listens to the key's user-data stream (starting it); the returned function stops listening. */
  watchStream(listener: StreamReportListener): () => void {
    return this.options.stream?.subscribe(listener) ?? (() => {});
  }

  constructor(options: LiveBrokerOptions) {
    this.options = options;
    this.onEvent = options.onEvent ?? ignoreExecutionEvents;
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
  }

  /**
   * Sends a persisted order; returns its recorded state and new fills, or throws BotPausedError. `replacing`: a
   * working order of the bot the venue cancels in the same request (a stop moved: venue.ts).
   */
  async send(order: OrderRequest, replacing?: string): Promise<LiveOrderOutcome> {
    const { database, bot } = this.options;
    let outcome: LiveOrderOutcome;
    try {
      const venue = await this.options.openVenue();
      const reported = await venue.placeOrder(order, replacing);
      const recorded = await database.asService((tx) => recordVenueOrder(tx, bot, order, reported));
      outcome = { order: recorded.order, fills: recorded.newFills };
    } catch (error) {
      const [refused] = await this.failed([order], classifyExchangeError(error));
      return refused as LiveOrderOutcome;
    }
    this.consecutiveFailures = 0;
    return outcome;
  }

  /**
   * Sends an OCO list whose two legs are persisted; returns both legs' recorded states (a refused list: both
   * rejected), or throws BotPausedError, as `send`.
   */
  async sendOcoList(list: OcoListRequest): Promise<LiveOcoListOutcome> {
    const { database, bot } = this.options;
    let outcome: LiveOcoListOutcome;
    try {
      const venue = await this.options.openVenue();
      const reported = await venue.placeOcoList(list);
      outcome = await database.asService(async (tx) => {
        const stop = await recordVenueOrder(tx, bot, list.stop, reported.stop);
        const takeProfit = await recordVenueOrder(tx, bot, list.takeProfit, reported.takeProfit);
        return {
          stop: { order: stop.order, fills: stop.newFills },
          takeProfit: { order: takeProfit.order, fills: takeProfit.newFills },
        };
      });
    } catch (error) {
      const [stop, takeProfit] = await this.failed([list.stop, list.takeProfit], classifyExchangeError(error));
      return { stop: stop as LiveOrderOutcome, takeProfit: takeProfit as LiveOrderOutcome };
    }
    this.consecutiveFailures = 0;
    return outcome;
  }

  /**
   * Cancels a working OCO list and records what the venue then reports of each leg (one may have filled before the
   * cancel arrived). A list the venue says is done already is asked about, as a cancelled order is.
   */
  async cancelOcoList(
    listClientOrderId: string,
    legs: readonly Pick<Order, 'clientOrderId' | 'symbol' | 'side'>[],
  ): Promise<LiveOrderOutcome[]> {
    const [first, ...others] = legs;
    if (first === undefined) return [];
    const outcomes = [
      await this.asked(first, async (venue) => {
        await venue.cancelOcoList(listClientOrderId, first.symbol).catch((error: unknown) => {
          const failure = classifyExchangeError(error);
          if (failure.kind !== 'rejected') throw failure;
        });
      }),
    ];
    for (const leg of others) outcomes.push(await this.refresh(leg));
    return outcomes;
  }

  /**
   * Cancels a working order and records what the venue then reports: it may have filled before the cancel
   * arrived, so its fills come back. A venue that refuses the cancel (the order is done already) is asked for it.
   */
  async cancel(order: Pick<Order, 'clientOrderId' | 'symbol' | 'side'>): Promise<LiveOrderOutcome> {
    return this.asked(order, async (venue) => {
      await venue.cancelOrder(order.clientOrderId, order.symbol).catch((error: unknown) => {
        const failure = classifyExchangeError(error);
        if (failure.kind !== 'rejected') throw failure;
      });
    });
  }

  /** What the venue reports about a working order now (a stop that triggered has filled), recorded. */
  refresh(order: Pick<Order, 'clientOrderId' | 'symbol' | 'side'>): Promise<LiveOrderOutcome> {
    return this.asked(order, async () => {});
  }

  /** Tells the bot's owner (notifications, metrics) about something the live path did. */
  emit(event: ExecutionEvent): void {
    this.onEvent(event);
  }

  private async asked(
    order: Pick<Order, 'clientOrderId' | 'symbol' | 'side'>,
    before: (venue: Venue) => Promise<void>,
  ): Promise<LiveOrderOutcome> {
    const { database, bot } = this.options;
    try {
      const venue = await this.options.openVenue();
      await before(venue);
      const reported = await venue.findOrder(order.clientOrderId, order.symbol);
      if (reported === null) throw new ExchangeFailure('rejected', 'OrderNotFound', 'the exchange does not know it');
      const recorded = await database.asService((tx) => recordVenueOrder(tx, bot, order, reported));
      return { order: recorded.order, fills: recorded.newFills };
    } catch (error) {
      const failure = classifyExchangeError(error);
      throw this.pause(
        `order ${order.clientOrderId}: the exchange could not be asked about it (${failure.kind}: ${failure.message}); restart reconciliation will`,
      );
    }
  }

  /**
   * A refusal below the limit comes back as the rejected orders (the bot goes on); anything else pauses. `orders`:
   * one order, or the legs of one list (one refusal).
   */
  private async failed(orders: readonly OrderRequest[], failure: ExchangeFailure): Promise<LiveOrderOutcome[]> {
    const { database, bot, logger } = this.options;
    this.consecutiveFailures++;
    const owner = { botId: bot.id, userId: bot.userId };
    const clientOrderId = orders.map((order) => order.clientOrderId).join(' + ');
    logger.warn({ botId: bot.id, clientOrderId, kind: failure.kind, venueError: failure.venueError }, failure.message);
    this.onEvent({ type: 'order_failed', ...owner, clientOrderId, kind: failure.kind, message: failure.message });
    if (failure.kind === 'retryable' || failure.kind === 'rate-limited') {
      throw this.pause(
        `order ${clientOrderId}: the exchange did not answer (${failure.kind}: ${failure.message}); its outcome is unknown until the exchange is asked again on restart`,
      );
    }
    const rejected = await database.asService(async (tx) => {
      const rows: LiveOrderOutcome[] = [];
      for (const order of orders) {
        const row = await tx.orders.update(order.clientOrderId, {
          status: 'rejected',
          rejectReason: `${failure.kind}: ${failure.message}`.slice(0, 1000),
          submitted: true,
        });
        rows.push({ order: row, fills: [] });
      }
      return rows;
    });
    if (failure.kind === 'auth') {
      throw this.pause(`the exchange refused the API key (${failure.message}): fix or replace the key, then resume`);
    }
    if (this.consecutiveFailures >= this.maxConsecutiveFailures) {
      throw this.pause(`${this.consecutiveFailures} orders in a row refused by the exchange; last: ${failure.message}`);
    }
    return rejected;
  }

  private pause(reason: string): BotPausedError {
    this.onEvent({ type: 'bot_paused', botId: this.options.bot.id, userId: this.options.bot.userId, reason });
    return new BotPausedError(reason);
  }
}
