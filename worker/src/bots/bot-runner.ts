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
 * up on only warm the strategy up: nothing is filled or decided for them, and the risk manager starts from the
 * bot's equity when it resumes (its peak, breaker and return history are not rebuilt from the past). A resumed bot's
 * candles that closed after `resumeAfter` while it was not running (a database outage, a restart) are too late to
 * trade on, but each gets its equity point, marked at its close (bookMissed), so the equity curve has no hole.
 * Candles are handled one at a time per bot (a queue), whichever market they come from.
 * A bot on one market without market extras reads the worker's feature vectors of that market (shared-features.ts:
 * the very vectors an engine of its own would compute) instead of running a FeatureEngine of its own.
 * A live bot runs under the same risk manager (stop + take profit as one OCO list), its controls' orders going to
 * the exchange through LiveControlsPort: each candle first asks the exchange about its working orders (a stop that
 * triggered has filled), and what the controls placed or cancelled is carried out right after they ran; an entry's
 * fills reach the controls before its provisional stop is placed, so the stop is sized on what was bought.
 */

import type { DecisionRationale, RiskTolerance } from '@keel/core/agents/types.ts';
import { createPaperBroker } from '@keel/core/backtest/execution-costs.ts';
import { OrderValidationError } from '@keel/core/execution/errors.ts';
import type { PaperBroker } from '@keel/core/execution/paper-broker.ts';
import type { Fill, OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import type { FeatureSource } from '@keel/core/features/types.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { DecisionPipeline, type DecisionRecord } from '@keel/core/pipeline/decision-pipeline.ts';
import type { Ledger } from '@keel/core/portfolio/ledger.ts';
import {
  type BreakerState,
  isRiskControls,
  type RiskControls,
  type RiskEvent,
  type RiskStage,
} from '@keel/core/risk/types.ts';
import { createSignalVector, maskAllSignals } from '@keel/core/signals/signal-vector.ts';
import { type Bot, type Database, type Order, orderFromCore } from '@keel/db';
import type { StreamBus } from '@keel/realtime';
import { quietEvents, type WorkerEvents } from '../events/worker-events.ts';
import type { LiveBroker } from '../exchange/live-broker.ts';
import { type FlushContext, LiveControlsPort } from '../exchange/live-controls-port.ts';
import type { StreamReport } from '../exchange/user-data-stream.ts';
import type { Logger } from '../logger.ts';
import type { MarketExtrasHub } from '../market/market-extras-hub.ts';
import { timeframeMs } from '../market/timeframe.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import type { SignalBoard, SignalNote } from '../signals/signal-board.ts';
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
import { liveRiskManagerForBot, riskManagerForBot } from './risk-for-bot.ts';
import { agentTolerance } from './risk-tolerance.ts';
import type { SharedFeatures } from './shared-features.ts';
import { type BotStrategy, strategyForBot } from './strategy-for-bot.ts';
import { equityForStream, type Publish, streamPublisher } from './stream.ts';

export interface BotRunnerOptions {
  database: Database;
  bus: StreamBus;
  logger: Logger;
  bot: Bot;
  /** The risk stage every intent passes. Default: the bot's own risk manager (risk-for-bot.ts). */
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
  /**
   * The worker's market signals (signals/signal-board.ts), written into the strategy's signal vector before each
   * live decision and listed in its rationale; default none: every signal masked, as in a backtest.
   */
  signals?: SignalBoard | null;
  /**
   * Order books and funding rates of live markets (market/market-extras-hub.ts): each live decision's features get
   * what was known at its candle's close. Default none: those features are masked, as in a backtest.
   */
  marketExtras?: MarketExtrasHub | null;
  /**
   * The worker's feature vectors shared per market (shared-features.ts), for a bot on one market without market
   * extras; default none: the bot's pipeline has a FeatureEngine of its own.
   */
  sharedFeatures?: SharedFeatures | null;
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
  /** The pipeline's feature source; null when the strategy reads candles only (sma-cross). */
  private readonly features: FeatureSource | null;
  /** The bot's own feature engine, which market extras are written into; null when it has none (shared or none). */
  private readonly ownFeatures: FeatureEngine | null;
  private readonly marketExtras: MarketExtrasHub | null;
  /** The risk stage's per-candle side, when it has one (the risk manager). */
  private readonly controls: RiskControls | null;
  /** The paper broker as the risk controls see it; it notes the orders they place. */
  private readonly controlsPort: ControlsPort;
  /** A live bot's controls port (its orders go to the exchange); null for paper bots. */
  private readonly livePort: LiveControlsPort | null;
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
  private readonly signals: SignalBoard | null;
  /** The pipeline's DecisionContext.signals: written before each live decision, masked while warming up. */
  private readonly signalVector = createSignalVector();
  private queue: Promise<void> = Promise.resolve();
  /** The error that stopped this bot, if any; the worker reports it and releases the bot. */
  failure: Error | null = null;
  /** Set by halt(): no further candle is started (the one in hand is finished). */
  private halted = false;

  private constructor(options: BotRunnerOptions, ledger: Ledger, resumeAfter: number, riskTolerance: RiskTolerance) {
    this.bot = options.bot;
    this.database = options.database;
    this.logger = options.logger;
    this.publish = streamPublisher(options.bus, this.bot.userId, this.bot.id, options.logger);
    this.events = options.events ?? quietEvents;
    this.metrics = options.metrics ?? null;
    this.equityBatcher = options.equityBatcher ?? null;
    this.signals = options.signals ?? null;
    this.ledger = ledger;
    this.resumeAfter = resumeAfter;
    this.lastEquityTime = resumeAfter;
    this.candleMs = timeframeMs(this.bot.timeframe);
    this.nextIndex = this.bot.symbols.map(() => 0);
    this.broker = createPaperBroker({}, ledger);
    this.live = options.live;
    this.controlsPort = new ControlsPort(this.broker, this.bot.id);
    this.livePort = this.live === undefined ? null : new LiveControlsPort(this.bot, this.database);
    this.strategy = strategyForBot(this.bot.agents, this.bot.symbols, {
      riskTolerance,
      modelsDir: options.modelsDir ?? null,
      logger: options.logger,
    });
    const onRiskEvent = (event: RiskEvent) => this.riskEvents.push(event);
    const risk =
      options.risk ??
      (this.live === undefined
        ? riskManagerForBot(this.bot, onRiskEvent)
        : liveRiskManagerForBot(this.bot, this.live.marketRules, onRiskEvent));
    this.controls = isRiskControls(risk) ? risk : null;
    this.controls?.start({
      botId: this.bot.id,
      symbols: this.bot.symbols,
      candleMs: this.bot.symbols.map(() => this.candleMs),
      execution: this.livePort ?? this.controlsPort,
    });
    this.marketExtras = options.marketExtras ?? null;
    const sharedFeatures = options.sharedFeatures ?? null;
    const shares =
      this.strategy.readsFeatures &&
      sharedFeatures !== null &&
      this.bot.symbols.length === 1 &&
      this.marketExtras === null;
    this.ownFeatures =
      this.strategy.readsFeatures && !shares
        ? new FeatureEngine({ symbols: this.bot.symbols, candleMs: this.candleMs })
        : null;
    this.features = shares
      ? (sharedFeatures as SharedFeatures).source(this.bot.symbols[0] as string, this.candleMs)
      : this.ownFeatures;
    this.pipeline = new DecisionPipeline({
      botId: this.bot.id,
      strategy: this.strategy.strategy,
      risk,
      features: this.features,
      signals: this.signalVector,
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
    const runner = new BotRunner(options, restored.ledger, restored.resumeAfter, riskTolerance);
    if (runner.livePort !== null) {
      // The controls learn the position's entries (its stop level) and take over the stops left working.
      for (const fill of restored.fills) runner.controls?.onFill(fill);
      runner.livePort.adopt(restored.workingOrders);
    }
    return runner;
  }

  /** Candle `index` of `series` closed (a feed's listener): queued behind this bot's earlier candles. */
  onCandle(series: CandleSeries, index: number): Promise<void> {
    return this.enqueue(() => this.catchUp(series, index, true));
  }

  /** A live bot's user-data stream reported (exchange/user-data-stream.ts): recorded between candles, in their queue. */
  onStreamReport(report: StreamReport): Promise<void> {
    return this.enqueue(() =>
      this.withExchange(Date.now(), (context) => this.livePort?.onStreamReport(report, context)),
    );
  }

  /** Runs `work` after this bot's earlier candles; its error stops the bot (`failure`), never the queue. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.failure !== null || this.halted) return;
      try {
        await work();
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.logger.error({ botId: this.bot.id, error: String(error) }, 'bot stopped on error');
      }
    });
    return this.queue;
  }

  /**
   * Candles up to `index` closed before this bot subscribed (it was restarted mid-stream): caught up at once, as
   * the past they are (warm-up, and equity points for those after its last booked one), without waiting for the
   * market's next candle. Queued like a candle, so it runs before any candle delivered after it.
   */
  catchUpClosed(series: CandleSeries, index: number): Promise<void> {
    return this.enqueue(() => this.catchUp(series, index, false));
  }

  /** Whether its decisions read the feature vector (and so the market extras of its symbols). */
  get readsFeatures(): boolean {
    return this.features !== null;
  }

  /** Resolves when every queued candle has been handled. */
  drain(): Promise<void> {
    return this.queue;
  }

  /**
   * Stops taking candles: the one in hand is finished (its writes complete or fail), the rest of a catch-up and
   * every queued candle are dropped. For a bot that must stop here at once (its lease is gone); drain() then
   * resolves as soon as the candle in hand is done.
   */
  halt(): Promise<void> {
    this.halted = true;
    return this.queue;
  }

  /** Candles from this bot's next one up to `index`; the last is traded when `tradeLast` (it just closed). */
  private async catchUp(series: CandleSeries, index: number, tradeLast: boolean): Promise<void> {
    const symbolIndex = this.bot.symbols.indexOf(series.symbol);
    let warmedUp = 0;
    for (let i = this.nextIndex[symbolIndex] as number; i <= index; i++) {
      const time = series.time[i] as number;
      if (this.halted) return;
      const live = tradeLast && i === index && time > this.resumeAfter;
      if (live) await this.trade(symbolIndex, series, i);
      else {
        this.warmUp(symbolIndex, series, i);
        if (Number.isFinite(this.resumeAfter) && time > this.lastEquityTime) await this.bookMissed(time);
      }
      this.nextIndex[symbolIndex] = i + 1;
      if (!live && ++warmedUp % WARM_UP_CANDLES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * A candle that closed after this bot's last booked one while it was not running (a database outage, a worker
   * restart): too late to decide on, but its equity point is booked, marked at its close, so the curve has no hole.
   * (-Infinity: a bot that never ran has nothing missed; its history is warm-up only.)
   */
  private async bookMissed(time: number): Promise<void> {
    const booked = await this.book({ fills: [], orders: [], time, writeEquity: true });
    this.lastEquityTime = time;
    if (booked.equity !== null) this.publish('equity', equityForStream(booked.equity));
  }

  private warmUp(symbolIndex: number, series: CandleSeries, index: number): void {
    // Catch-up candles are the past: today's signals say nothing about them.
    maskAllSignals(this.signalVector);
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
    if (this.livePort !== null) await this.withExchange(time, (context) => this.livePort?.poll(context));
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
    if (booked.equity !== null) this.publish('equity', equityForStream(booked.equity));
    if (this.hasControlsToRecord()) await this.recordControls();

    const decisionTime = time + this.candleMs;
    if (this.ownFeatures !== null) {
      this.marketExtras?.applyTo(this.ownFeatures, symbolIndex, series.symbol, decisionTime, this.signalVector);
    }
    const signalNotes = this.signals?.fill(this.signalVector, decisionTime) ?? null;
    const decideStart = performance.now();
    const intent = this.pipeline.onCandleClosed(symbolIndex, series, index, this.ledger, decisionTime);
    this.metrics?.decisionLatency.observe((performance.now() - decideStart) / 1000);
    const record = this.decisions.pop();
    this.decisions.length = 0;
    const rationale = this.strategy.takeRationale();
    if (intent === null) {
      if (record !== undefined) await this.recordRefusal(record, rationale, signalNotes);
      if (this.hasControlsToRecord()) await this.recordControls();
      return;
    }
    const order = { ...intent, clientOrderId: clientOrderIdFor(this.bot.id, series.symbol, decisionTime) };
    if (this.livePort !== null && order.side === 'sell') {
      await this.withExchange(decisionTime, (context) => this.livePort?.releaseSells(order.symbol, context));
    }
    const persisted = await this.database.asService((tx) =>
      persistOrder(tx, this.bot, order, record, rationale, signalNotes),
    );
    if (persisted.decision !== null) this.publish('decisions', persisted.decision);
    this.countOrder(persisted.order.status);
    if (this.live !== undefined) return this.sendLive(this.live, order, decisionTime);
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
    if (this.hasControlsToRecord()) await this.recordControls();
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

  /**
   * Whether recordControls has anything to do: a live bot's port always does (it asks the exchange); a paper bot's
   * controls mostly placed nothing and said nothing, and skipping the call saves two promises per bot and candle.
   */
  private hasControlsToRecord(): boolean {
    return this.livePort !== null || this.controlsPort.placed.length > 0 || this.riskEvents.length > 0;
  }

  /** Records what the risk controls did since last time: the orders they placed and their audit events. */
  private async recordControls(): Promise<void> {
    if (this.livePort !== null) {
      const port = this.livePort;
      await this.withExchange(this.lastEquityTime, (context) => port.flush(context));
    }
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
  private async recordRefusal(
    record: DecisionRecord,
    rationale: DecisionRationale | null,
    signals: SignalNote[] | null,
  ): Promise<void> {
    const decision = await this.database.asService((tx) => persistDecision(tx, this.bot, record, rationale, signals));
    this.publish('decisions', decision);
  }

  /** keel_orders_total{status}: one count per status an order reaches (as the worker writes it). */
  private countOrder(status: string): void {
    this.metrics?.orders.inc({ status });
  }

  /**
   * Persist-then-send, live: the exchange's report (order state, fills) is recorded before the next candle; the
   * fills reach the risk controls, then the order (an entry's provisional stop is sized on what was bought), and
   * what the controls placed goes to the exchange.
   */
  private async sendLive(live: LiveBroker, order: OrderRequest, decisionTime: number): Promise<void> {
    const outcome = await live.send(order);
    await this.withExchange(decisionTime, async (context) => {
      for (const fill of outcome.fills) context.onFill(fill);
      context.onOrder(outcome.order);
    });
    this.livePort?.track(order, outcome.order);
    if (outcome.order.status !== 'rejected') this.controls?.onSubmitted(order, decisionTime);
    if (this.hasControlsToRecord()) await this.recordControls();
  }

  /**
   * Runs `talk` (exchange calls through the live port) and then records what came of it: fills into the ledger
   * and the risk controls (already in Postgres), the positions they moved, and everything to the stream.
   */
  private async withExchange(time: number, talk: (context: FlushContext) => Promise<void> | undefined): Promise<void> {
    const live = this.live as LiveBroker;
    const fills: Fill[] = [];
    const orders: Order[] = [];
    await talk({
      broker: live,
      heldQtyBase: (symbol) => this.ledger.positionQtyBase(symbol),
      onFill: (fill) => {
        this.ledger.applyFill(fill);
        this.controls?.onFill(fill);
        fills.push(fill);
      },
      onOrder: (order) => orders.push(order),
      onRiskEvent: (event) => this.riskEvents.push(event),
      time,
    });
    if (fills.length === 0 && orders.length === 0) return;
    const positions = await this.database.asService(async (tx) => {
      const moved = [];
      for (const symbol of new Set(fills.map((fill) => fill.symbol))) {
        moved.push(await upsertPosition(tx, this.bot, this.ledger, symbol));
      }
      return moved;
    });
    for (const fill of fills) {
      this.publish('fills', fill);
      this.events.fill(this.bot, fill);
    }
    for (const order of orders) {
      this.publish('orders', order);
      this.countOrder(order.status);
    }
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
