/**
 * One paper bot, live: the core's DecisionPipeline (the backtester's, unchanged) over the replayed candles of its
 * markets, a PaperBroker wired to its Ledger, and every outcome persisted through @keel/db and streamed to its owner.
 *
 * Per closed candle t of a symbol, in the backtester's order (backtest/engine.ts):
 *   1. the broker fills orders decided earlier against candle t; the ledger books the fills; the mark becomes t's close;
 *   2. bookCandle: fills, order states, positions and the equity point for t — one transaction; a candle that
 *      changed nothing but the equity (most candles of most bots) sends its point through the worker's group
 *      commit instead (equity-batcher.ts) and waits for it to be committed, just the same;
 *   3. the pipeline decides on t (decision time = t's close). An order is persisted (decision + pending row) FIRST,
 *      then submitted to the broker, then its acceptance recorded; it can fill from candle t+1 on.
 *      A live bot's order goes to the exchange instead (LiveBroker): its fills are recorded when the exchange
 *      reports them, before the next candle.
 * A paper bot's risk manager (risk-for-bot.ts) is driven exactly as the backtester drives it: fills, then each
 * candle and the time step (breaker, protective stops, kill switch), then the pipeline's review, then onSubmitted.
 * Orders the manager places itself (protective stops, a halt's market exits) are recorded right after it placed them
 * in the paper broker, before any of them can fill (fills come from the next candle on); its events go to the audit
 * trail, and a breaker move or an anomaly to the bot's observers. Decisions the risk stage refused are recorded too.
 * Candles at or before `resumeAfter` (already processed by an earlier run) and candles a late-joining bot catches
 * up on only warm the strategy up: nothing is filled, decided or written for them, and the risk manager starts
 * from the bot's equity when it resumes (its peak, breaker and return history are not rebuilt from the past).
 * Candles are handled one at a time per bot (a queue), whichever market they come from.
 */

import type { DecisionRationale, RiskTolerance } from '@keel/core/agents/types.ts';
import { createPaperBroker } from '@keel/core/backtest/execution-costs.ts';
import { OrderValidationError } from '@keel/core/execution/errors.ts';
import type { PaperBroker } from '@keel/core/execution/paper-broker.ts';
import type { Fill, OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { DecisionPipeline, type DecisionRecord } from '@keel/core/pipeline/decision-pipeline.ts';
import type { Ledger } from '@keel/core/portfolio/ledger.ts';
import { approveAll } from '@keel/core/risk/approve-all.ts';
import {
  type BreakerState,
  isRiskControls,
  type RiskControls,
  type RiskEvent,
  type RiskStage,
} from '@keel/core/risk/types.ts';
import { type Bot, type Database, orderFromCore } from '@keel/db';
import type { StreamBus } from '@keel/realtime';
import { quietEvents, type WorkerEvents } from '../events/worker-events.ts';
import type { LiveBroker } from '../exchange/live-broker.ts';
import type { Logger } from '../logger.ts';
import { timeframeMs } from '../market/timeframe.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import { clientOrderIdFor } from './client-order-id.ts';
import { ControlsPort } from './controls-port.ts';
import { type EquityBatcher, equityPoint } from './equity-batcher.ts';
import {
  type BookedCandle,
  bookCandle,
  type CandleBooking,
  orderUpdate,
  persistDecision,
  persistOrder,
  upsertPosition,
} from './persist.ts';
import { restoreBot } from './restore.ts';
import { recordRiskEvents } from './risk-events.ts';
import { riskManagerForBot } from './risk-for-bot.ts';
import { agentTolerance } from './risk-tolerance.ts';
import { type BotStrategy, strategyForBot } from './strategy-for-bot.ts';
import { type Publish, streamPublisher } from './stream.ts';

export interface BotRunnerOptions {
  database: Database;
  bus: StreamBus;
  logger: Logger;
  bot: Bot;
  /**
   * The risk stage every intent passes. Default: a paper bot's own risk manager (risk-for-bot.ts); a live bot's
   * is approveAll until the live broker takes the manager's stop orders (it sends market orders only).
   */
  risk?: RiskStage;
  /** The platform's PPO models folder (KEEL_MODELS_DIR); default none (the rule agents decide alone). */
  modelsDir?: string | null;
  /** A live bot's broker (exchange/live-broker.ts): orders go to the exchange instead of the paper broker. */
  live?: LiveBroker;
  /** Told of fills (after they are persisted) and the like; default: nobody. */
  events?: WorkerEvents;
  /** Decision latency and order statuses are counted here when given. */
  metrics?: WorkerMetrics;
  /**
   * The worker's group commit for candles that write only their equity point (shared by all its bots); default
   * none: every candle is booked in a transaction of its own.
   */
  equityBatcher?: EquityBatcher | null;
}

/**
 * Candles a catching-up bot warms up on before it lets the event loop turn: 10,000 bots warming up on 700 candles
 * at once would otherwise hold off timers and I/O — the lease heartbeat among them — for longer than a lease.
 */
const WARM_UP_CANDLES_PER_TURN = 50;

export class BotRunner {
  readonly bot: Bot;
  private readonly database: Database;
  private readonly logger: Logger;
  private readonly publish: Publish;
  private readonly events: WorkerEvents;
  private readonly metrics: WorkerMetrics | null;
  private readonly equityBatcher: EquityBatcher | null;
  private readonly ledger: Ledger;
  private readonly broker: PaperBroker;
  private readonly live: LiveBroker | undefined;
  private readonly pipeline: DecisionPipeline;
  private readonly strategy: BotStrategy;
  /** The risk stage's per-candle side, when it has one (the risk manager). */
  private readonly controls: RiskControls | null;
  /** The paper broker as the risk controls see it; it notes the orders they place. */
  private readonly controlsPort: ControlsPort;
  /** Risk events since they were last written to the audit trail. */
  private readonly riskEvents: RiskEvent[] = [];
  /** Symbols whose candle at `stepTime` is in: the time step closes when all are (or a later candle arrives). */
  private stepTime = Number.NEGATIVE_INFINITY;
  private stepCandles = 0;
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

  private constructor(options: BotRunnerOptions, ledger: Ledger, resumeAfter: number, riskTolerance: RiskTolerance) {
    this.bot = options.bot;
    this.database = options.database;
    this.logger = options.logger;
    this.publish = streamPublisher(options.bus, this.bot.userId, this.bot.id, options.logger);
    this.events = options.events ?? quietEvents;
    this.metrics = options.metrics ?? null;
    this.equityBatcher = options.equityBatcher ?? null;
    this.ledger = ledger;
    this.resumeAfter = resumeAfter;
    this.lastEquityTime = resumeAfter;
    this.candleMs = timeframeMs(this.bot.timeframe);
    this.nextIndex = this.bot.symbols.map(() => 0);
    this.broker = createPaperBroker({}, ledger);
    this.live = options.live;
    this.controlsPort = new ControlsPort(this.broker, this.bot.id);
    this.strategy = strategyForBot(this.bot.agents, this.bot.symbols, {
      riskTolerance,
      modelsDir: options.modelsDir ?? null,
      logger: options.logger,
    });
    const risk =
      options.risk ??
      (this.live === undefined ? riskManagerForBot(this.bot, (event) => this.riskEvents.push(event)) : approveAll);
    this.controls = isRiskControls(risk) ? risk : null;
    this.controls?.start({
      botId: this.bot.id,
      symbols: this.bot.symbols,
      candleMs: this.bot.symbols.map(() => this.candleMs),
      execution: this.controlsPort,
    });
    this.pipeline = new DecisionPipeline({
      botId: this.bot.id,
      strategy: this.strategy.strategy,
      risk,
      features: this.strategy.readsFeatures ? new FeatureEngine({ symbols: this.bot.symbols }) : null,
      onDecision: (record) => this.decisions.push(record),
    });
    options.logger.info({ botId: this.bot.id, strategy: this.strategy.description }, 'bot strategy');
  }

  /** Rebuilds the bot from the database (restore.ts) and re-derives its positions from the fills. */
  static async start(options: BotRunnerOptions): Promise<BotRunner> {
    const { bot, database, logger } = options;
    // One transaction per start: at 10,000 bots a worker's pickup time is mostly round trips.
    const { riskTolerance, restored } = await database.asService(async (tx) => {
      const riskTolerance = agentTolerance((await tx.profiles.get(bot.userId)).riskTolerance);
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
      return { riskTolerance, restored: state };
    });
    for (const order of restored.closedOrders) {
      logger.warn(
        { botId: bot.id, clientOrderId: order.clientOrderId, status: order.status },
        order.rejectReason ?? '',
      );
    }
    return new BotRunner(options, restored.ledger, restored.resumeAfter, riskTolerance);
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
    let warmedUp = 0;
    for (let i = this.nextIndex[symbolIndex] as number; i <= index; i++) {
      const live = i === index && (series.time[i] as number) > this.resumeAfter;
      if (live) await this.trade(symbolIndex, series, i);
      else this.warmUp(symbolIndex, series, i);
      this.nextIndex[symbolIndex] = i + 1;
      if (!live && ++warmedUp % WARM_UP_CANDLES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
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
        this.controls?.onFill(fill);
      },
    );
    this.ledger.mark(symbolIndex, series.close[index] as number);
    this.driveControls(symbolIndex, series, index, time);
    const writeEquity = time > this.lastEquityTime;
    const booked = await this.book({ fills, orders: this.changedOrders(), time, writeEquity });
    if (writeEquity) this.lastEquityTime = time;
    for (const fill of fills) {
      this.publish('fills', fill);
      this.events.fill(this.bot, fill);
    }
    for (const order of booked.orders) {
      this.publish('orders', order);
      this.countOrder(order.status);
    }
    for (const position of booked.positions) this.publish('positions', position);
    if (booked.equity !== null) this.publish('equity', booked.equity);
    await this.recordControls();

    const decisionTime = time + this.candleMs;
    const decideStart = performance.now();
    const intent = this.pipeline.onCandleClosed(symbolIndex, series, index, this.ledger, decisionTime);
    this.metrics?.decisionLatency.observe((performance.now() - decideStart) / 1000);
    const record = this.decisions.pop();
    this.decisions.length = 0;
    const rationale = this.strategy.takeRationale();
    if (intent === null) {
      if (record !== undefined) await this.recordRefusal(record, rationale);
      await this.recordControls();
      return;
    }
    const order = { ...intent, clientOrderId: clientOrderIdFor(this.bot.id, series.symbol, decisionTime) };
    const persisted = await this.database.asService((tx) => persistOrder(tx, this.bot, order, record, rationale));
    if (persisted.decision !== null) this.publish('decisions', persisted.decision);
    this.countOrder(persisted.order.status);
    if (this.live !== undefined) return this.sendLive(this.live, order);
    let state: Readonly<OrderState>;
    try {
      state = this.broker.submit(order, decisionTime);
    } catch (error) {
      if (!(error instanceof OrderValidationError)) throw error;
      const rejected = await this.database.asService((tx) =>
        tx.orders.update(order.clientOrderId, { status: 'rejected', rejectReason: error.message, submitted: true }),
      );
      this.publish('orders', rejected);
      this.countOrder(rejected.status);
      return;
    }
    this.controls?.onSubmitted(order, decisionTime);
    this.working.set(order.clientOrderId, { status: state.status, filledQtyBase: state.filledQtyBase });
    const accepted = await this.database.asService((tx) =>
      tx.orders.update(order.clientOrderId, orderUpdate(state, 'pending')),
    );
    this.publish('orders', accepted);
    if (accepted.status !== persisted.order.status) this.countOrder(accepted.status);
    await this.recordControls();
  }

  /** Writes the candle's outcome: its own transaction when anything traded, else the equity point alone. */
  private async book(booking: CandleBooking): Promise<BookedCandle> {
    const equityOnly = booking.fills.length === 0 && booking.orders.length === 0;
    if (equityOnly && !booking.writeEquity) return { orders: [], positions: [], equity: null };
    if (equityOnly && this.equityBatcher !== null) {
      const equity = await this.equityBatcher.write(equityPoint(this.bot, this.ledger, booking.time));
      return { orders: [], positions: [], equity };
    }
    return this.database.asService((tx) => bookCandle(tx, this.bot, this.ledger, booking));
  }

  /**
   * The risk controls' hooks for this candle, in the backtester's order: the candle, then — once every market's
   * candle of this time is in, or a later one arrives — the time step (portfolio checks, breaker, stops).
   */
  private driveControls(symbolIndex: number, series: CandleSeries, index: number, time: number): void {
    const controls = this.controls;
    if (controls === null) return;
    if (time > this.stepTime) {
      if (this.stepCandles > 0) controls.onTimeStep(this.stepTime, this.ledger);
      this.stepTime = time;
      this.stepCandles = 0;
    }
    controls.onCandle(symbolIndex, series, index, this.ledger);
    this.stepCandles++;
    if (this.stepCandles === this.bot.symbols.length) {
      controls.onTimeStep(time, this.ledger);
      this.stepCandles = 0;
    }
  }

  /** Records what the risk controls did since last time: the orders they placed and their audit events. */
  private async recordControls(): Promise<void> {
    const placed = this.controlsPort.placed.splice(0);
    const events = this.riskEvents.splice(0);
    if (placed.length === 0 && events.length === 0) return;
    const orders = await this.database.asService(async (tx) => {
      const rows = [];
      for (const state of placed) {
        const row = await tx.orders.persist({
          ...orderFromCore(state.request, { botId: this.bot.id }),
          userId: this.bot.userId,
        });
        rows.push(await tx.orders.update(state.request.clientOrderId, orderUpdate(state, row.status)));
      }
      await recordRiskEvents(tx, this.bot, events);
      return rows;
    });
    for (const state of placed) {
      this.working.set(state.request.clientOrderId, { status: state.status, filledQtyBase: state.filledQtyBase });
    }
    for (const order of orders) {
      this.publish('orders', order);
      this.countOrder(order.status);
    }
    for (const event of events) {
      if (event.type === 'breaker' && event.to !== null) {
        this.events.breaker(this.bot, event.to as BreakerState, event.reason);
      } else if (event.type === 'anomaly') {
        this.events.anomaly(this.bot, event.reason);
      }
    }
  }

  /** A decision the risk stage refused: recorded with its verdict, so the decision log says why nothing traded. */
  private async recordRefusal(record: DecisionRecord, rationale: DecisionRationale | null): Promise<void> {
    const decision = await this.database.asService((tx) => persistDecision(tx, this.bot, record, rationale));
    this.publish('decisions', decision);
  }

  /** keel_orders_total{status}: one count per status an order reaches (as the worker writes it). */
  private countOrder(status: string): void {
    this.metrics?.orders.inc({ status });
  }

  /** Persist-then-send, live: the exchange's report (order state, fills) is recorded before the next candle. */
  private async sendLive(live: LiveBroker, order: OrderRequest): Promise<void> {
    const outcome = await live.send(order);
    for (const fill of outcome.fills) this.ledger.applyFill(fill);
    const positions = await this.database.asService(async (tx) => {
      const moved = [];
      for (const symbol of new Set(outcome.fills.map((fill) => fill.symbol))) {
        moved.push(await upsertPosition(tx, this.bot, this.ledger, symbol));
      }
      return moved;
    });
    for (const fill of outcome.fills) this.publish('fills', fill);
    this.publish('orders', outcome.order);
    for (const position of positions) this.publish('positions', position);
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
