/**
 * One live bot's test world: its own loopback Binance simulator, user and live BTC-USDT bot in a PostgreSQL
 * database, run by a BotRunner exactly as the worker runs it (reconcile, then trade), fed real BTC-USDT 1h candles
 * one at a time; the simulator's price follows each candle's close (a little above it: the market moved since).
 */
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { Database, Fill, Order } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { dataFile } from '../../packages/core/test/shared-data.ts';
import { BotRunner } from '../src/bots/bot-runner.ts';
import type { ExecutionEvent } from '../src/exchange/execution-events.ts';
import { type LiveTradingOptions, startLiveBot } from '../src/exchange/live-bot-start.ts';
import { type Logger, silentLogger } from '../src/logger.ts';
import type { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import type { SimulatedOrder } from './exchange-simulator/simulated-account.ts';
import { newUser } from './harness.ts';
import { newLiveBot, newSimulator, testVenueSettings } from './live-fixtures.ts';

/** The exchange trades a little above the last close (the market moved since): entries fill off the bot's mark. */
export const PRICE_DRIFT = 1.002;
/** Candles fed at most while waiting for something the strategy does. */
export const MAX_CANDLES = 300;

/** A world whose bot listens to the simulator's user-data stream: live options' extras, and a logger to read. */
export type UserDataStreamWorld = Partial<Omit<LiveTradingOptions, 'venue'>> & { logger?: Logger };

let btcSeries: CandleSeries | null = null;

function candles(): CandleSeries {
  btcSeries ??= loadCandlesCsv(dataFile('BTC-USDT_1h.csv'), { symbol: 'BTC-USDT' });
  return btcSeries;
}

export class LiveWorld {
  readonly database: Database;
  readonly simulator: BinanceSimulator;
  readonly botId: string;
  readonly userId: string;
  readonly events: ExecutionEvent[] = [];
  runner: BotRunner | null = null;
  /** Next candle index to feed. */
  next = 0;
  /** The exchange's price while set, whatever the candles fed (the risk manager still sees their highs and lows). */
  pinnedPriceQuote: string | null = null;
  /**
   * Set: the bot listens to the simulator's user-data stream, as the worker wires it (live-user-data.test.ts); the
   * live options' extras (safety poll interval, reconnect backoff).
   */
  userDataStream: UserDataStreamWorld | null = null;
  /** Stops the bot listening to its stream (the last listener closes it). */
  unwatchStream: () => void = () => {};

  private constructor(database: Database, simulator: BinanceSimulator, botId: string, userId: string) {
    this.database = database;
    this.simulator = simulator;
    this.botId = botId;
    this.userId = userId;
  }

  /**
   * A started world: `riskLimits` are the bot's own (bots.risk_limits); `prepare` sets the simulator up before the
   * bot first talks to it.
   */
  static async start(
    database: Database,
    label: string,
    options: {
      riskLimits?: Record<string, unknown>;
      prepare?: (simulator: BinanceSimulator) => void;
      userDataStream?: UserDataStreamWorld;
    } = {},
  ): Promise<LiveWorld> {
    const simulator = newSimulator({ USDT: '10000', BTC: '0' });
    options.prepare?.(simulator);
    await simulator.start();
    const userId = await newUser(database, label);
    const { botId } = await newLiveBot(database, userId);
    if (options.riskLimits !== undefined) {
      await database.asService((tx) =>
        tx.query(`update public.bots set risk_limits = $2::text::jsonb where id = $1`, [
          botId,
          JSON.stringify(options.riskLimits),
        ]),
      );
    }
    const world = new LiveWorld(database, simulator, botId, userId);
    world.userDataStream = options.userDataStream ?? null;
    await world.restart();
    return world;
  }

  /** What a (new) worker does for a live bot: reconcile with the exchange, then run it with its live broker. */
  async restart(): Promise<void> {
    const bot = await this.database.asService((tx) => tx.bots.get(this.botId));
    const venue = testVenueSettings(this.simulator.url);
    if (this.userDataStream !== null) venue.env = { ...venue.env, KEEL_EXCHANGE_WS_URL_BINANCE: this.simulator.wsUrl };
    const { logger: _, ...extras } = this.userDataStream ?? {};
    const live = {
      ...extras,
      venue,
      onEvent: (event: ExecutionEvent) => this.events.push(event),
    };
    const logger = this.userDataStream?.logger ?? silentLogger;
    const started = await startLiveBot(this.database, bot, live, logger);
    if (started.status !== 'ready') throw new Error(`live bot not started: ${started.reason}`);
    this.unwatchStream();
    const runner = await BotRunner.start({
      database: this.database,
      bus: inProcessBus(),
      logger,
      bot,
      live: started.broker,
    });
    this.runner = runner;
    this.unwatchStream = started.broker.watchStream((report) => void runner.onStreamReport(report));
  }

  async feed(count = 1): Promise<void> {
    const series = candles();
    const runner = this.runner as BotRunner;
    for (let fed = 0; fed < count; fed++) {
      const index = this.next++;
      const followed = ((series.close[index] as number) * PRICE_DRIFT).toFixed(2);
      this.simulator.account.setPrice('BTCUSDT', this.pinnedPriceQuote ?? followed);
      await runner.onCandle(series, index);
      if (runner.failure !== null) throw runner.failure;
    }
  }

  async feedUntil(what: string, done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.next >= MAX_CANDLES) throw new Error(`no ${what} within ${MAX_CANDLES} candles`);
      await this.feed();
    }
  }

  ordersOf(type: SimulatedOrder['type'], side?: SimulatedOrder['side']): SimulatedOrder[] {
    return this.simulator.account.orders.filter(
      (order) => order.type === type && (side === undefined || order.side === side),
    );
  }

  entered(): boolean {
    return this.ordersOf('MARKET', 'BUY').length > 0;
  }

  rows(): Promise<Order[]> {
    return this.database.asService((tx) => tx.orders.list({ botId: this.botId, limit: 1000 }));
  }

  fills(): Promise<Fill[]> {
    return this.database.asService((tx) => tx.fills.list({ botId: this.botId, limit: 1000 }));
  }

  async positionQtyBase(): Promise<number> {
    const [position] = await this.database.asService((tx) => tx.positions.list({ botId: this.botId }));
    return Number(position?.qtyBase ?? 0);
  }

  /** Every trade of the account is exactly one fill in Postgres (trade ids, sorted). */
  async fillAndTradeIds(): Promise<{ fills: string[]; trades: string[] }> {
    return {
      fills: (await this.fills()).map((fill) => fill.tradeId).sort(),
      trades: this.simulator.account.trades.map((trade) => String(trade.id)).sort(),
    };
  }
}
