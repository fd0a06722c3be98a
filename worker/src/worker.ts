/**
 * startWorker: the long-running service that runs every paper bot meant to be running. Every `pollMs` the
 * heartbeat renews the leases it holds in one statement (@keel/db bots.renewLeases), on a database connection of
 * its own (Database.ownConnection) and on a timer of its own, so neither the bots' writes filling the pool nor a
 * long lease round can hold a renewal back until leases lapse. Every `pollMs` too, a lease round looks at the held
 * bots whose desired state or kill switches changed, then claims bots new to it (bots.claimLeases: lease owner + expiry, SKIP
 * LOCKED, so N workers share the bots and each bot runs on one at a time) in batches of CLAIM_BATCH, again while a
 * full batch comes back, so a bot started from the API runs within one round and 10,000 bots within one round
 * too. Claimed bots are started a few at a time (START_CONCURRENCY). A claimed bot meant to run gets a BotRunner
 * subscribed to the replay feed of each of its markets; one that should not run is reported stopped or paused and
 * released. A lease lost to another worker stops the runner at once.
 *
 * The bots' candles that change nothing but the equity are written through one group commit (bots/equity-batcher.ts).
 *
 * stop() is graceful: no new claims, every feed finishes the candle in flight, runners drain (their last writes
 * through the group commit, their orders in flight recorded), then every bot is reported stopped and its lease
 * released, in one statement however many bots, so another worker (or the next start) takes them over at once.
 * Bots halted by a kill switch or told to stop are stopped the same way, all together.
 *
 * Around the trading: Prometheus metrics and /healthz, /readyz on a small HTTP server (observability/), and
 * notifications to each bot's owner (notifications/: Telegram, email, daily summaries), configured from `env`.
 * Both are off the trading path: a notification that cannot be delivered is counted and logged, never awaited.
 * Market signals (signals/: Fear & Greed, CoinGecko, Whale Alert, Etherscan, each enabled by its env variable) are
 * polled by one board for all the worker's bots and written into each decision's signal vector.
 */

import type { BreakerState } from '@keel/core/risk/types.ts';
import { type Bot, type Database, DatabaseUnreachableError } from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';
import { coldCandleReaderFor } from '@keel/db/cold-tier/cold-reader-for-store.ts';
import { coldStoreFromEnv } from '@keel/db/cold-tier/cold-store-settings.ts';
import type { StreamBus } from '@keel/realtime';
import { startBacktestQueue } from './backtests/backtest-queue.ts';
import { BotRunner } from './bots/bot-runner.ts';
import { equityBatcher } from './bots/equity-batcher.ts';
import { SharedFeatures } from './bots/shared-features.ts';
import { streamPublisher } from './bots/stream.ts';
import { executionListenerFor } from './events/execution-listener.ts';
import { observedEvents } from './events/observed-events.ts';
import { type LiveTradingOptions, pauseLiveBot, startLiveBot } from './exchange/live-bot-start.ts';
import { BotPausedError } from './exchange/live-broker.ts';
import { inParallel } from './in-parallel.ts';
import type { Logger } from './logger.ts';
import { candleRecorder } from './market/candle-recorder.ts';
import type { CandleSource } from './market/candle-source.ts';
import { marketExtrasFor } from './market/market-extras-from-env.ts';
import type { MarketExtrasHub } from './market/market-extras-hub.ts';
import { MarketHub } from './market/market-hub.ts';
import type { ReplaySpeed } from './market/replay-feed.ts';
import { candleSourceFor } from './market/source-for-dir.ts';
import { timeframeMs } from './market/timeframe.ts';
import { channelsFromEnv } from './notifications/channels-from-env.ts';
import { startDailySummaries } from './notifications/daily-summary.ts';
import type { DeliveryQueueOptions } from './notifications/delivery-queue.ts';
import { createNotifier } from './notifications/notifier.ts';
import { DEFAULT_WORKER_PORT, startWorkerHttpServer } from './observability/http-server.ts';
import { createWorkerMetrics, type WorkerMetrics } from './observability/metrics.ts';
import { type SignalBoard, signalBoard } from './signals/signal-board.ts';
import { signalsFromEnv } from './signals/signals-from-env.ts';
import type { MarketDataTiers } from './storage/market-data-tiers.ts';

export interface StartWorkerOptions {
  database: Database;
  bus: StreamBus;
  logger: Logger;
  /** Folder of candle CSVs; when it does not exist the bots trade the synthetic market (logged as such). */
  dataDir: string;
  /** Candles per second per market, or 'max'. */
  replaySpeed: ReplaySpeed;
  /** The lease owner name: unique per worker process. */
  workerId: string;
  /** How often leases are claimed and renewed; default 5 s. */
  pollMs?: number;
  /** Lease length; default 30 s (a crashed worker's bots are free after it). */
  leaseMs?: number;
  /** Overrides the source chosen from dataDir (tests). */
  source?: CandleSource;
  /** Overrides the signal board built from `env`'s providers (tests: one whose clock is the replay's). */
  signals?: SignalBoard;
  /**
   * Order books and funding rates for the features; default from `env` for a live ccxt source
   * (market/market-extras-from-env.ts), none otherwise (null: none). Overridden in tests.
   */
  marketExtras?: MarketExtrasHub | null;
  /** Live trading through ccxt (keyring for the bots' exchange keys); without it live bots are refused. */
  live?: LiveTradingOptions;
  /** Hot cache, cold store and their retention job (storage/tiers-from-env.ts); off when absent (tests). */
  marketData?: MarketDataTiers;
  /**
   * Where WORKER_PORT (metrics/health server; default 9464, 0: any free port, `off`: none), WORKER_HOST,
   * TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT and SMTP_URL / SMTP_HOST… come from; default process.env.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Notification outbox tuning (capacity, attempts, backoff); defaults in notifications/delivery-queue.ts. */
  notificationQueue?: Pick<DeliveryQueueOptions<unknown>, 'capacity' | 'maxAttempts' | 'retryBaseMs'>;
  /** The platform's PPO models folder (versions + CURRENT, `keel train --out`); absent: rule agents only. */
  modelsDir?: string;
  /** Wait before a failed bot is started again, doubling per failure (max 15 min); default 30 s. */
  failedRetryMs?: number;
  /**
   * Reads stored candles older than the database keeps, for backtests on a live source; default from `env`
   * (INFLUX_URL…, @keel/db cold-tier), null: none.
   */
  coldCandles?: ColdCandleReader | null;
  /** Runs the backtests users submit (backtests/backtest-queue.ts); default true. */
  backtests?: boolean;
  /**
   * Equity-only candles through one shared group commit (default true); false books every candle in its own
   * transaction (the benchmark's baseline).
   */
  groupCommit?: boolean;
}

export interface RunningWorker {
  stop(): Promise<void>;
  metrics: WorkerMetrics;
  /** The metrics/health server's URL; null when it is off or its port was taken (logged). */
  httpUrl: string | null;
  /** Resolves when every notification so far is delivered, given up or dropped. */
  notificationsSettled(): Promise<void>;
  /** Ids of the bots running on this worker now. */
  runningBots(): string[];
}

const DEFAULT_POLL_MS = 5_000;
const DEFAULT_LEASE_MS = 30_000;
/** A failed bot's first retry, doubling per failure up to FAILED_RETRY_MAX_MS. */
const DEFAULT_FAILED_RETRY_MS = 30_000;
const FAILED_RETRY_MAX_MS = 15 * 60_000;
/** Bots claimed per statement; a lease round claims again while a full batch comes back. */
const CLAIM_BATCH = 1_000;
/** Bots started at once: each start is a few short transactions, so a handful keep the pool busy. */
const START_CONCURRENCY = 8;
/** Most leases a restarted worker takes back in its first statement: all of them, in practice. */
const TAKE_BACK_LIMIT = 100_000;
/** Lease rounds that may be missed before the worker calls itself not ready. */
const MISSED_TICKS_BEFORE_NOT_READY = 3;
const READINESS_DATABASE_TIMEOUT_MS = 2_000;

function workerPortFrom(env: Readonly<Record<string, string | undefined>>): number | null {
  const raw = env.WORKER_PORT;
  if (raw === 'off') return null;
  if (raw === undefined || raw === '') return DEFAULT_WORKER_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`WORKER_PORT must be a port number (0: any free one) or "off", got "${raw}"`);
  }
  return port;
}

/** Backtests read a year of minutes at a time: far longer than a chart's read. */
const BACKTEST_COLD_READ_TIMEOUT_MS = 120_000;

function coldCandlesFromEnv(env: Readonly<Record<string, string | undefined>>): ColdCandleReader | null {
  const store = coldStoreFromEnv(env);
  return store === null ? null : coldCandleReaderFor(store, { timeoutMs: BACKTEST_COLD_READ_TIMEOUT_MS });
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface Running {
  runner: BotRunner;
  unsubscribe: (() => void)[];
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { database, workerId } = options;
  const bus = options.marketData?.tapEquity(options.bus) ?? options.bus;
  const logger = options.logger.child({ workerId });
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const source = options.source ?? candleSourceFor(options.dataDir, logger);
  logger.info({ source: source.description, replaySpeed: options.replaySpeed }, 'worker starting');
  // The warm tier (Postgres candles): each market's closed candles, written in batches off the bots' path.
  const recorder = candleRecorder({ database, logger });
  const hub = new MarketHub(source, options.replaySpeed, recorder);
  const running = new Map<string, Running>();
  /** Bots whose lease this worker holds (running, halted by a kill switch, or failed here). */
  const held = new Set<string>();
  /** The lease statements' own connection (PGlite: the database itself); closed by stop(). */
  const leases = database.ownConnection();
  /** The first round takes back the leases a run of this worker under the same name left (a restart). */
  let takeBackOwn = true;
  const equity = options.groupCommit === false ? null : equityBatcher(database);
  // One feature engine per market for the bots on it (shared-features.ts says which bots).
  const sharedFeatures = new SharedFeatures();
  /**
   * Bots that failed in this process and when they may start again: a doubling backoff, not a crash loop, and not
   * a bot stopped for good by a passing fault (a database restart fails every bot at once; they come back).
   */
  const failed = new Map<string, { attempts: number; retryAt: number }>();
  const failedRetryMs = options.failedRetryMs ?? DEFAULT_FAILED_RETRY_MS;
  const markFailed = (botId: string) => {
    const attempts = (failed.get(botId)?.attempts ?? 0) + 1;
    const backoff = Math.min(FAILED_RETRY_MAX_MS, failedRetryMs * 2 ** (attempts - 1));
    failed.set(botId, { attempts, retryAt: Date.now() + backoff });
  };
  const mayStart = (botId: string) => (failed.get(botId)?.retryAt ?? 0) <= Date.now();
  /**
   * Runners stopped by a lost lease that are still finishing the candle in hand: the bot is not started here again
   * until they are done, so two runners of one bot never write side by side in this process.
   */
  const halting = new Map<string, Promise<void>>();
  /**
   * Held here, not running, and free to start now: set aside while the database was away, past a failure's backoff,
   * or left when a write about it failed. attendHeld hands them to handleAll, which starts or stops each as it says.
   */
  const dueHeldNotRunning = () => [...held].filter((botId) => !running.has(botId) && mayStart(botId));
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> = Promise.resolve();
  let lastTickAt = Number.NEGATIVE_INFINITY;

  const env = options.env ?? process.env;
  const workerPort = workerPortFrom(env);
  const metrics = createWorkerMetrics();
  const breakerStates = new Map<string, BreakerState>();
  metrics.readGaugesFrom({
    botsRunning: () => running.size,
    botsByBreakerState() {
      const counts = new Map<BreakerState, number>();
      for (const botId of running.keys()) {
        const state = breakerStates.get(botId) ?? 'ACTIVE';
        counts.set(state, (counts.get(state) ?? 0) + 1);
      }
      return counts;
    },
  });
  const channels = channelsFromEnv(env, database, logger);
  const notifier =
    channels.senders.length === 0
      ? null
      : createNotifier({
          database,
          senders: channels.senders,
          metrics,
          logger,
          ...(options.notificationQueue ? { queue: options.notificationQueue } : {}),
        });
  const events = observedEvents({ metrics, notifier, breakerStates });
  const signals = options.signals ?? signalBoard({ providers: signalsFromEnv(env, logger, metrics), logger });
  const marketExtras =
    options.marketExtras === undefined ? marketExtrasFor(source, env, logger, metrics) : options.marketExtras;
  signals.start();
  channels.start();
  const summaries = notifier === null ? null : startDailySummaries({ database, notifier, logger });
  const http =
    workerPort === null
      ? null
      : await startWorkerHttpServer({
          registry: metrics.registry,
          port: workerPort,
          host: env.WORKER_HOST || undefined,
          readiness: {
            async notReadyBecause() {
              if (stopping) return 'shutting down';
              if (Date.now() - lastTickAt > MISSED_TICKS_BEFORE_NOT_READY * pollMs) return 'lease loop not ticking';
              try {
                await withTimeout(
                  database.asService((tx) => tx.query('select 1')),
                  READINESS_DATABASE_TIMEOUT_MS,
                  'database check',
                );
              } catch {
                return 'database unreachable';
              }
              return null;
            },
          },
        }).catch((error: unknown) => {
          logger.error({ port: workerPort, error: String(error) }, 'metrics/health server not started');
          return null;
        });
  if (http !== null) logger.info({ url: http.url }, 'metrics and health on /metrics, /healthz, /readyz');

  const report = (botId: string, state: Bot['state'], reason: string | null) =>
    database.asService((tx) => tx.bots.reportState(botId, state, reason));

  const announce = (bot: Bot, state: Bot['state'], reason: string | null) =>
    streamPublisher(bus, bot.userId, bot.id, logger)('bots', { state, reason });

  /** Bots started by the handleAll call under way: reported running together, in one statement. */
  let startedInBatch: Bot[] = [];

  async function startBot(bot: Bot): Promise<void> {
    // A paper bot starts in one transaction; a live one reconciles first, which can take a while: say so.
    if (bot.mode === 'live') await report(bot.id, 'starting', null);
    const botLogger = logger.child({ botId: bot.id });
    // A live bot trades only after reconciling with its exchange (fail-closed); paper bots have no venue to ask.
    const live =
      bot.mode === 'live' && options.live
        ? await startLiveBot(database, bot, withWorkerEvents(options.live, bot), botLogger)
        : null;
    if (live !== null && live.status === 'refused') {
      if (!live.retry) markFailed(bot.id);
      await stopBot(bot, 'error', live.reason.slice(0, 500));
      return;
    }
    const runner = await BotRunner.start({
      database,
      bus,
      logger: botLogger,
      bot,
      ...(live === null ? {} : { live: live.broker }),
      events,
      metrics,
      modelsDir: options.modelsDir ?? null,
      equityBatcher: equity,
      signals,
      marketExtras,
      sharedFeatures,
    });
    const candleMs = timeframeMs(bot.timeframe);
    for (const symbol of bot.symbols) {
      const closed = hub.closed(symbol, bot.timeframe);
      // Its failure, if any, is the runner's own (tick() handles it); the promise needs no other watcher.
      if (closed.index >= 0) void runner.catchUpClosed(closed.series, closed.index);
    }
    const unsubscribe = bot.symbols.map((symbol) =>
      hub.subscribe(symbol, bot.timeframe, (series, index) => {
        metrics.candleSeen(symbol, bot.timeframe, (series.time[index] as number) + candleMs);
        return runner.onCandle(series, index);
      }),
    );
    for (const symbol of bot.symbols) options.marketData?.watch(hub, symbol, bot.timeframe);
    if (marketExtras !== null && runner.readsFeatures) {
      unsubscribe.push(...bot.symbols.map((symbol) => marketExtras.watch(symbol)));
    }
    if (live !== null) unsubscribe.push(live.broker.watchStream((report) => void runner.onStreamReport(report)));
    breakerStates.set(bot.id, bot.breakerTrippedAt === null ? 'ACTIVE' : 'HALTED');
    running.set(bot.id, { runner, unsubscribe });
    startedInBatch.push(bot);
  }

  /**
   * Stops these bots together, all with the same state and reason: each runner unsubscribed, then all drained at
   * once (their pending writes meet in the group commit), then one statement reports them all and releases all
   * their leases (`releaseLease`), instead of two transactions per bot.
   */
  async function stopBots(
    bots: readonly Bot[],
    state: Bot['state'],
    reason: string | null,
    releaseLease = true,
  ): Promise<void> {
    if (bots.length === 0) return;
    const stopping = bots.flatMap((bot) => {
      const entry = running.get(bot.id);
      return entry === undefined ? [] : [{ bot, entry }];
    });
    for (const { entry } of stopping) for (const unsubscribe of entry.unsubscribe) unsubscribe();
    await Promise.all(stopping.map(({ entry }) => entry.runner.drain()));
    for (const { bot } of stopping) {
      running.delete(bot.id);
      if (state === 'paused') events.botPaused(bot, reason ?? 'paused by its owner');
    }
    const ids = bots.map((bot) => bot.id);
    await database.asService(async (tx) => {
      if (releaseLease) await tx.bots.releaseLeases(ids, workerId, { state, reason });
      else await tx.bots.reportStates(ids, state, reason);
    });
    // Only once released: had the write failed, the bots stay held and a later round stops them again.
    if (releaseLease) for (const id of ids) held.delete(id);
    for (const bot of bots) {
      if (state === 'error' && reason !== null) events.error(bot, reason);
      announce(bot, state, reason);
    }
  }

  const stopBot = (bot: Bot, state: Bot['state'], reason: string | null) => stopBots([bot], state, reason);

  /** A bot that is running or held here but must not run: how it is stopped (bots alike are stopped together). */
  interface StopPlan {
    state: Bot['state'];
    reason: string | null;
    releaseLease: boolean;
  }

  /** `killSwitch`: the engaged kill switch that keeps this bot halted, if any. */
  function planFor(bot: Bot, killSwitch: string | undefined): StopPlan | 'start' | 'leave' {
    if (bot.desiredState !== 'running') {
      failed.delete(bot.id);
      return { state: bot.desiredState === 'paused' ? 'paused' : 'stopped', reason: null, releaseLease: true };
    }
    if (killSwitch !== undefined) {
      // Halted, lease kept: this worker resumes the bot once the switch is released and its owner still wants it.
      if (!running.has(bot.id) && bot.state === 'halted' && bot.stateReason === killSwitch) return 'leave';
      logger.warn({ botId: bot.id, reason: killSwitch }, 'bot halted by a kill switch');
      return { state: 'halted', reason: killSwitch, releaseLease: false };
    }
    if (bot.mode !== 'paper' && options.live === undefined) {
      const reason = 'live trading is not configured on this worker (KEEL_MASTER_KEY is not set)';
      return { state: 'error', reason, releaseLease: true };
    }
    return 'start';
  }

  async function startIfDue(bot: Bot): Promise<void> {
    if (running.has(bot.id) || !mayStart(bot.id)) return;
    await halting.get(bot.id);
    if (running.has(bot.id)) return;
    try {
      await startBot(bot);
    } catch (error) {
      if (error instanceof DatabaseUnreachableError) {
        // Not the bot's fault: it stays held and starts in the first round that reaches the database.
        logger.warn({ botId: bot.id, error: error.message }, 'bot start deferred: the database is unreachable');
        return;
      }
      markFailed(bot.id);
      logger.error({ botId: bot.id, error: String(error) }, 'bot could not start');
      await stopBot(bot, 'error', String(error).slice(0, 500));
    }
  }

  async function tick(): Promise<void> {
    for (const [botId, entry] of running) {
      if (entry.runner.failure instanceof DatabaseUnreachableError) {
        await setAside(botId, entry);
        continue;
      }
      if (entry.runner.failure !== null) {
        markFailed(botId);
        const paused = entry.runner.failure instanceof BotPausedError;
        if (paused) await pauseLiveBot(database, botId);
        await stopBot(entry.runner.bot, paused ? 'paused' : 'error', entry.runner.failure.message.slice(0, 500));
      }
    }
    await attendHeld();
    lastTickAt = Date.now();
    for (;;) {
      // The take-back is one statement: repeated, it would find the same bots again.
      const which = takeBackOwn ? 'own' : 'new';
      const limit = takeBackOwn ? TAKE_BACK_LIMIT : CLAIM_BATCH;
      const claimed = await leases.asService((tx) => tx.bots.claimLeases(workerId, { leaseMs, limit, which }));
      for (const bot of claimed) held.add(bot.id);
      await handleAll(claimed);
      if (takeBackOwn) {
        takeBackOwn = false;
        continue;
      }
      if (claimed.length < CLAIM_BATCH) break;
    }
    hub.start();
  }

  /**
   * The heartbeat: one statement for every lease held (a lease lost means another worker has the bot: its runner
   * stops here at once). Only the leases held when it began are judged: a bot claimed meanwhile is not lost.
   */
  async function renewHeld(): Promise<void> {
    const ids = [...held];
    const stillHeld = new Set(await leases.asService((tx) => tx.bots.renewLeases(workerId, ids, leaseMs)));
    for (const botId of ids) {
      if (stillHeld.has(botId) || !held.has(botId)) continue;
      held.delete(botId);
      const entry = running.get(botId);
      if (entry === undefined) continue;
      logger.warn({ botId }, 'lease lost: stopping the bot here');
      for (const unsubscribe of entry.unsubscribe) unsubscribe();
      running.delete(botId);
      halting.set(
        botId,
        entry.runner.halt().finally(() => halting.delete(botId)),
      );
    }
  }

  /**
   * A runner stopped because the database went away (a restart, a failover): its bot did nothing wrong, so it is
   * neither marked failed nor reported in error. The runner goes (its state is in the database up to its last
   * committed candle); the lease stays, and attendHeld starts the bot afresh once the database answers, restoring
   * from what was committed and catching up on the candles it missed.
   */
  async function setAside(botId: string, entry: Running): Promise<void> {
    for (const unsubscribe of entry.unsubscribe) unsubscribe();
    await entry.runner.drain();
    running.delete(botId);
    logger.warn({ botId }, 'database unreachable: bot set aside until it answers');
  }

  /** The held bots whose desired state, reported state or kill switches call for handling: a few, not thousands. */
  async function attendHeld(): Promise<void> {
    const ids = [...held];
    const killSwitched = await leases.asService((tx) => tx.bots.killSwitched(ids));
    const alsoIds = [...killSwitched.keys(), ...dueHeldNotRunning()];
    const attention = await leases.asService((tx) => tx.bots.needingAttention(ids, alsoIds));
    await handleAll(attention, killSwitched);
  }

  let heartbeatOn = true;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let beating: Promise<void> = Promise.resolve();
  function scheduleHeartbeat(): void {
    heartbeatTimer = setTimeout(() => {
      beating = renewHeld()
        .catch((error: unknown) => logger.error({ error: String(error) }, 'lease heartbeat failed'))
        .finally(() => {
          if (heartbeatOn) scheduleHeartbeat();
        });
    }, pollMs);
  }
  async function stopHeartbeat(): Promise<void> {
    heartbeatOn = false;
    if (heartbeatTimer !== null) clearTimeout(heartbeatTimer);
    await beating;
  }

  /**
   * Each bot as its desired state and the kill switches say: those to stop, in one batch per state and reason
   * (stopBots); those to start, START_CONCURRENCY at a time.
   */
  async function handleAll(bots: readonly Bot[], knownKillSwitches?: ReadonlyMap<string, string>): Promise<void> {
    if (bots.length === 0) return;
    const killSwitched =
      knownKillSwitches ?? (await leases.asService((tx) => tx.bots.killSwitched(bots.map((bot) => bot.id))));
    const stops = new Map<string, { plan: StopPlan; bots: Bot[] }>();
    const toStart: Bot[] = [];
    for (const bot of bots) {
      const plan = planFor(bot, killSwitched.get(bot.id));
      if (plan === 'leave') continue;
      if (plan === 'start') {
        toStart.push(bot);
        continue;
      }
      const key = JSON.stringify(plan);
      const group = stops.get(key) ?? { plan, bots: [] };
      group.bots.push(bot);
      stops.set(key, group);
    }
    for (const { plan, bots: alike } of stops.values()) {
      await stopBots(alike, plan.state, plan.reason, plan.releaseLease);
    }
    startedInBatch = [];
    await inParallel(toStart, START_CONCURRENCY, startIfDue);
    // Only those still running: one may have failed, or lost its lease, since it started.
    const started = startedInBatch.filter((bot) => running.has(bot.id));
    if (started.length === 0) return;
    await database.asService((tx) =>
      tx.bots.reportStates(
        started.map((bot) => bot.id),
        'running',
      ),
    );
    for (const bot of started) {
      announce(bot, 'running', null);
      logger.info({ botId: bot.id, symbols: bot.symbols, timeframe: bot.timeframe }, 'bot running');
    }
  }

  function schedule(): void {
    if (stopping) return;
    ticking = tick()
      .catch((error: unknown) => logger.error({ error: String(error) }, 'lease round failed'))
      .finally(() => {
        if (!stopping) timer = setTimeout(schedule, pollMs);
      });
  }

  /** The live path's events reach the bot's owner and the metrics too (whoever else was listening still is). */
  function withWorkerEvents(live: LiveTradingOptions, bot: Bot): LiveTradingOptions {
    const toWorker = executionListenerFor(events, bot);
    return {
      ...live,
      metrics,
      onEvent(event) {
        live.onEvent?.(event);
        toWorker(event);
      },
    };
  }

  const retention = options.marketData?.startRetention(database);
  const backtests =
    options.backtests === false
      ? null
      : startBacktestQueue({
          database,
          source,
          cold: options.coldCandles === undefined ? coldCandlesFromEnv(env) : options.coldCandles,
          modelsDir: options.modelsDir ?? null,
          logger,
          metrics,
        });
  scheduleHeartbeat();
  schedule();
  await ticking;

  return {
    async stop() {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      await backtests?.stop();
      await ticking;
      await hub.stop();
      await marketExtras?.stop();
      await recorder.stop();
      await stopBots(
        [...running.values()].map(({ runner }) => runner.bot),
        'stopped',
        'worker shut down',
      );
      // Bots held but not running (halted by a kill switch, failed here) are free for the next worker too.
      const stillHeld = [...held];
      held.clear();
      if (stillHeld.length > 0) await database.asService((tx) => tx.bots.releaseLeases(stillHeld, workerId));
      await stopHeartbeat();
      await leases.close();
      await equity?.settled();
      summaries?.stop();
      await signals.stop();
      await notifier?.close();
      await channels.stop();
      await http?.close();
      await retention?.stop();
      await options.marketData?.flush();
      logger.info({}, 'worker stopped');
    },
    metrics,
    httpUrl: http?.url ?? null,
    notificationsSettled: async () => notifier?.settled(),
    runningBots: () => [...running.keys()],
  };
}
