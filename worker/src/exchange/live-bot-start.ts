/**
 * What a live bot needs before it may trade: its exchange account opened, and restart reconciliation passed
 * (reconcile.ts). The worker asks here before building the bot's runner; a bot that cannot be reconciled is not
 * started, and its owner is told why (event + audit row written by the reconciler). A started bot's broker carries
 * its key's user-data stream (user-data-streams.ts), which the worker subscribes it to.
 */
import type { ExchangeRules } from '@keel/core/risk/exchange-constraints.ts';
import type { Bot, Database } from '@keel/db';
import type { Logger } from '../logger.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import { openVenueForBot, type VenueSettings } from './bot-venue.ts';
import { classifyExchangeError } from './exchange-errors.ts';
import { type ExecutionEventListener, ignoreExecutionEvents } from './execution-events.ts';
import { LiveBroker } from './live-broker.ts';
import { reconcileLiveBot } from './reconcile.ts';
import { UserDataStreams, userDataStreamChoice } from './user-data-streams.ts';
import type { Venue } from './venue.ts';

export interface LiveTradingOptions {
  venue: VenueSettings;
  onEvent?: ExecutionEventListener;
  /** Refusals in a row that pause a bot; default 3 (live-broker.ts). */
  maxConsecutiveFailures?: number;
  /** Where the user-data streams count their events and states; default none. */
  metrics?: WorkerMetrics | null;
  /** See LiveBrokerOptions; default 4. */
  safetyPollEveryCandles?: number;
  /** Reconnect backoff of the user-data streams (user-data-stream.ts defaults). */
  streamReconnectBaseMs?: number;
}

/**
 * One set of user-data streams per worker (one per key, shared by its bots): the worker hands every bot the same
 * venue settings, so they name the set.
 */
const streamsByVenue = new WeakMap<VenueSettings, UserDataStreams>();

function userDataStreamFor(database: Database, bot: Bot, live: LiveTradingOptions, logger: Logger) {
  if (bot.exchangeCredentialId === null) return null;
  const choice = userDataStreamChoice(bot.exchange, live.venue.env);
  if (!choice.enabled) {
    logger.info({ botId: bot.id, reason: choice.reason }, 'no user-data stream: orders are polled every candle');
    return null;
  }
  let streams = streamsByVenue.get(live.venue);
  if (streams === undefined) {
    streams = new UserDataStreams({
      database,
      venue: live.venue,
      logger,
      metrics: live.metrics ?? null,
      ...(live.streamReconnectBaseMs === undefined ? {} : { reconnectBaseMs: live.streamReconnectBaseMs }),
    });
    streamsByVenue.set(live.venue, streams);
  }
  return streams.forCredential(bot.exchangeCredentialId, bot.exchange);
}

export type LiveBotStart =
  | { status: 'ready'; broker: LiveBroker }
  /** `retry`: the exchange could not be asked; trying again later may succeed. */
  | { status: 'refused'; reason: string; retry: boolean };

export async function startLiveBot(
  database: Database,
  bot: Bot,
  live: LiveTradingOptions,
  logger: Logger,
): Promise<LiveBotStart> {
  const onEvent = live.onEvent ?? ignoreExecutionEvents;
  const owner = { botId: bot.id, userId: bot.userId };
  const openVenue = () => openVenueForBot(database, live.venue, bot);
  let refused: LiveBotStart;
  try {
    const venue = await openVenue();
    const outcome = await reconcileLiveBot(database, bot, venue);
    if (outcome.status === 'reconciled') {
      onEvent({
        type: 'reconciled',
        ...owner,
        ordersResolved: outcome.ordersResolved.length,
        fillsRecovered: outcome.fillsRecovered,
      });
      logger.info({ botId: bot.id, ...outcome }, 'live bot reconciled with the exchange');
      const broker = new LiveBroker({
        database,
        bot,
        openVenue,
        logger,
        onEvent,
        marketRules: marketRulesOf(venue, bot.symbols),
        stream: userDataStreamFor(database, bot, live, logger),
        ...(live.safetyPollEveryCandles === undefined ? {} : { safetyPollEveryCandles: live.safetyPollEveryCandles }),
        ...(live.maxConsecutiveFailures === undefined ? {} : { maxConsecutiveFailures: live.maxConsecutiveFailures }),
      });
      return { status: 'ready', broker };
    }
    refused = {
      status: 'refused',
      reason: `reconciliation: ${outcome.reason}`,
      retry: outcome.status === 'unreachable',
    };
  } catch (error) {
    // The account could not be opened: the exchange is down (try again) or the key is unusable (the owner must act).
    const failure = classifyExchangeError(error);
    const transient = failure.kind === 'retryable' || failure.kind === 'rate-limited';
    refused = { status: 'refused', reason: `exchange account: ${failure.message}`, retry: transient };
  }
  onEvent({ type: 'reconciliation_failed', ...owner, reason: refused.reason });
  logger.warn({ botId: bot.id, reason: refused.reason }, 'live bot not started (fail-closed)');
  return refused;
}

function marketRulesOf(venue: Venue, symbols: readonly string[]): Record<string, ExchangeRules> {
  const rules: Record<string, ExchangeRules> = {};
  for (const symbol of symbols) {
    const market = venue.marketRules(symbol);
    if (market !== undefined) rules[symbol] = market;
  }
  return rules;
}

/** The owner must resume a paused bot: its desired state follows, so no worker restarts it on its own. */
export async function pauseLiveBot(database: Database, botId: string): Promise<void> {
  await database.asService((tx) =>
    tx.query(`update public.bots set desired_state = 'paused' where id = $1 and desired_state = 'running'`, [botId]),
  );
}
