/**
 * One paper bot, live: the core's DecisionPipeline (the backtester's, unchanged) over the replayed candles of its
 * markets, a PaperBroker wired to its Ledger, and every outcome persisted through @keel/db and streamed to its owner.
 *
 * Per closed candle t of a symbol, in the backtester's order (backtest/engine.ts):
 *   1. the broker fills orders decided earlier against candle t; the ledger books the fills; the mark becomes t's close;
 *   2. bookCandle: fills, order states, positions and the equity point for t — one transaction;
 *   3. the pipeline decides on t (decision time = t's close). An order is persisted (decision + pending row) FIRST,
 *      then submitted to the broker, then its acceptance recorded; it can fill from candle t+1 on.
 * Candles at or before `resumeAfter` (already processed by an earlier run) and candles a late-joining bot catches
 * up on only warm the strategy up: nothing is filled, decided or written for them.
 * Candles are handled one at a time per bot (a queue), whichever market they come from.
 */

import { createPaperBroker } from '@keel/core/backtest/execution-costs.ts';
import { OrderValidationError } from '@keel/core/execution/errors.ts';
import type { PaperBroker } from '@keel/core/execution/paper-broker.ts';
import type { Fill, OrderState } from '@keel/core/execution/types.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { DecisionPipeline, type DecisionRecord } from '@keel/core/pipeline/decision-pipeline.ts';
import type { Ledger } from '@keel/core/portfolio/ledger.ts';
import { approveAll } from '@keel/core/risk/approve-all.ts';
import type { RiskStage } from '@keel/core/risk/types.ts';
import type { Bot, Database } from '@keel/db';
import type { StreamBus } from '@keel/realtime';
import type { Logger } from '../logger.ts';
import { timeframeMs } from '../market/timeframe.ts';
import { clientOrderIdFor } from './client-order-id.ts';
import { bookCandle, orderUpdate, persistOrder, upsertPosition } from './persist.ts';
import { restoreBot } from './restore.ts';
import { strategyForBot } from './strategy-for-bot.ts';
import { type Publish, streamPublisher } from './stream.ts';

export interface BotRunnerOptions {
  database: Database;
  bus: StreamBus;
  logger: Logger;
  bot: Bot;
  /**
   * The risk stage every intent passes. Default approveAll: the risk manager (core risk/) also needs per-candle
   * driving and its corrective orders must go through persist-then-send too, which this worker does not do yet.
   */
  risk?: RiskStage;
}

export class BotRunner {
  readonly bot: Bot;
  private readonly database: Database;
  private readonly logger: Logger;
  private readonly publish: Publish;
  private readonly ledger: Ledger;
  private readonly broker: PaperBroker;
  private readonly pipeline: DecisionPipeline;
  private readonly candleMs: number;
  private readonly resumeAfter: number;
  /** Time of the last equity point written (several markets may close a candle at the same time). */
  private lastEquityTime: number;
  /** Next candle index to feed the pipeline, per symbol (the catch-up cursor). */
  private readonly nextIndex: number[];
  /** Orders sent to the broker and still working: their state is compared after every candle. */
  private readonly working = new Map<string, { status: string; filledQtyBase: number }>();
  private readonly decisions: DecisionRecord[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** The error that stopped this bot, if any; the worker reports it and releases the bot. */
  failure: Error | null = null;

  private constructor(options: BotRunnerOptions, ledger: Ledger, resumeAfter: number) {
    this.bot = options.bot;
    this.database = options.database;
    this.logger = options.logger;
    this.publish = streamPublisher(options.bus, this.bot.userId, this.bot.id, options.logger);
    this.ledger = ledger;
    this.resumeAfter = resumeAfter;
    this.lastEquityTime = resumeAfter;
    this.candleMs = timeframeMs(this.bot.timeframe);
    this.nextIndex = this.bot.symbols.map(() => 0);
    this.broker = createPaperBroker({}, ledger);
    this.pipeline = new DecisionPipeline({
      botId: this.bot.id,
      strategy: strategyForBot(this.bot.agents, this.bot.symbols),
      risk: options.risk ?? approveAll,
      features: null,
      onDecision: (record) => this.decisions.push(record),
    });
  }

  /** Rebuilds the bot from the database (restore.ts) and re-derives its positions from the fills. */
  static async start(options: BotRunnerOptions): Promise<BotRunner> {
    const { bot, database, logger } = options;
    const restored = await database.asService(async (tx) => {
      const state = await restoreBot(tx, bot);
      for (const symbol of bot.symbols) await upsertPosition(tx, bot, state.ledger, symbol);
      await tx.audit.record({
        action: 'worker.bot_started',
        userId: bot.userId,
        entity: 'bot',
        entityId: bot.id,
        payload: {
          fillsReplayed: state.fillCount,
          resumeAfter: Number.isFinite(state.resumeAfter) ? new Date(state.resumeAfter).toISOString() : null,
          ordersClosedOnRestart: state.closedOrders.map((order) => order.clientOrderId),
        },
      });
      return state;
    });
    for (const order of restored.closedOrders) {
      logger.warn(
        { botId: bot.id, clientOrderId: order.clientOrderId, status: order.status },
        order.rejectReason ?? '',
      );
    }
    return new BotRunner(options, restored.ledger, restored.resumeAfter);
  }

  /** Candle `index` of `series` closed (a feed's listener): queued behind this bot's earlier candles. */
  onCandle(series: CandleSeries, index: number): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.failure !== null) return;
      try {
        await this.catchUp(series, index);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.logger.error({ botId: this.bot.id, error: String(error) }, 'bot stopped on error');
      }
    });
    return this.queue;
  }

  /** Resolves when every queued candle has been handled. */
  drain(): Promise<void> {
    return this.queue;
  }

  private async catchUp(series: CandleSeries, index: number): Promise<void> {
    const symbolIndex = this.bot.symbols.indexOf(series.symbol);
    for (let i = this.nextIndex[symbolIndex] as number; i <= index; i++) {
      const live = i === index && (series.time[i] as number) > this.resumeAfter;
      if (live) await this.trade(symbolIndex, series, i);
      else this.warmUp(symbolIndex, series, i);
      this.nextIndex[symbolIndex] = i + 1;
    }
  }

  private warmUp(symbolIndex: number, series: CandleSeries, index: number): void {
    this.ledger.mark(symbolIndex, series.close[index] as number);
    this.pipeline.onCandleClosed(
      symbolIndex,
      series,
      index,
      this.ledger,
      (series.time[index] as number) + this.candleMs,
    );
    this.decisions.length = 0;
  }

  private async trade(symbolIndex: number, series: CandleSeries, index: number): Promise<void> {
    const time = series.time[index] as number;
    const fills: Fill[] = [];
    this.broker.onCandle(
      series.symbol,
      time,
      series.open[index] as number,
      series.high[index] as number,
      series.low[index] as number,
      series.close[index] as number,
      series.volume[index] as number,
      (fill) => {
        this.ledger.applyFill(fill);
        fills.push(fill);
      },
    );
    this.ledger.mark(symbolIndex, series.close[index] as number);
    const writeEquity = time > this.lastEquityTime;
    const booked = await this.database.asService((tx) =>
      bookCandle(tx, this.bot, this.ledger, { fills, orders: this.changedOrders(), time, writeEquity }),
    );
    if (writeEquity) this.lastEquityTime = time;
    for (const fill of fills) this.publish('fills', fill);
    for (const order of booked.orders) this.publish('orders', order);
    for (const position of booked.positions) this.publish('positions', position);
    if (booked.equity !== null) this.publish('equity', booked.equity);

    const decisionTime = time + this.candleMs;
    const intent = this.pipeline.onCandleClosed(symbolIndex, series, index, this.ledger, decisionTime);
    const record = this.decisions.pop();
    this.decisions.length = 0;
    if (intent === null) return;
    const order = { ...intent, clientOrderId: clientOrderIdFor(this.bot.id, series.symbol, decisionTime) };
    const persisted = await this.database.asService((tx) => persistOrder(tx, this.bot, order, record));
    if (persisted.decision !== null) this.publish('decisions', persisted.decision);
    let state: Readonly<OrderState>;
    try {
      state = this.broker.submit(order, decisionTime);
    } catch (error) {
      if (!(error instanceof OrderValidationError)) throw error;
      const rejected = await this.database.asService((tx) =>
        tx.orders.update(order.clientOrderId, { status: 'rejected', rejectReason: error.message, submitted: true }),
      );
      this.publish('orders', rejected);
      return;
    }
    this.working.set(order.clientOrderId, { status: state.status, filledQtyBase: state.filledQtyBase });
    const accepted = await this.database.asService((tx) =>
      tx.orders.update(order.clientOrderId, orderUpdate(state, 'pending')),
    );
    this.publish('orders', accepted);
  }

  /** Working orders whose status or filled quantity moved since last seen; settled ones stop being watched. */
  private changedOrders(): Readonly<OrderState>[] {
    const changed: Readonly<OrderState>[] = [];
    for (const [clientOrderId, seen] of this.working) {
      const state = this.broker.order(clientOrderId);
      if (state === undefined) continue;
      if (state.status !== seen.status || state.filledQtyBase !== seen.filledQtyBase) {
        changed.push(state);
        seen.status = state.status;
        seen.filledQtyBase = state.filledQtyBase;
      }
      if (state.status !== 'open' && state.status !== 'partially_filled') this.working.delete(clientOrderId);
    }
    return changed;
  }
}
