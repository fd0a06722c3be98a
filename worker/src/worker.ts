/**
 * startWorker: the long-running service that runs every paper bot meant to be running. Every `pollMs` it claims
 * bot leases (@keel/db bots.claimLeases: lease owner + expiry, SKIP LOCKED, so N workers share the bots and each
 * bot runs on one at a time); claiming again is the heartbeat that renews its own leases. A claimed bot meant to
 * run gets a BotRunner subscribed to the replay feed of each of its markets; one that should not run is reported
 * stopped or paused and released. A lease lost to another worker stops the runner at once.
 *
 * stop() is graceful: no new claims, every feed finishes the candle in flight, runners drain, bots are reported
 * stopped and their leases released, so another worker (or the next start) takes them over immediately.
 */
import type { Bot, Database } from '@keel/db';
import type { StreamBus } from '@keel/realtime';
import { BotRunner } from './bots/bot-runner.ts';
import { streamPublisher } from './bots/stream.ts';
import { BotPausedError } from './exchange/live-broker.ts';
import { type LiveTradingOptions, pauseLiveBot, startLiveBot } from './exchange/live-bot-start.ts';
import type { Logger } from './logger.ts';
import type { CandleSource } from './market/candle-source.ts';
import { MarketHub } from './market/market-hub.ts';
import type { ReplaySpeed } from './market/replay-feed.ts';
import { candleSourceFor } from './market/source-for-dir.ts';

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
  /** Live trading through ccxt (keyring for the bots' exchange keys); without it live bots are refused. */
  live?: LiveTradingOptions;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 5_000;
const DEFAULT_LEASE_MS = 30_000;

interface Running {
  runner: BotRunner;
  unsubscribe: (() => void)[];
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { database, bus, workerId } = options;
  const logger = options.logger.child({ workerId });
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const source = options.source ?? candleSourceFor(options.dataDir, logger);
  logger.info({ source: source.description, replaySpeed: options.replaySpeed }, 'worker starting');
  const hub = new MarketHub(source, options.replaySpeed);
  const running = new Map<string, Running>();
  /** Bots that failed in this process: not restarted until the worker restarts (no crash loop). */
  const failed = new Set<string>();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> = Promise.resolve();

  const release = (botId: string) => database.asService((tx) => tx.bots.releaseLease(botId, workerId));
  const report = (botId: string, state: Bot['state'], reason: string | null) =>
    database.asService((tx) => tx.bots.reportState(botId, state, reason));

  const announce = (bot: Bot, state: Bot['state'], reason: string | null) =>
    streamPublisher(bus, bot.userId, bot.id, logger)('bots', { state, reason });

  async function startBot(bot: Bot): Promise<void> {
    await report(bot.id, 'starting', null);
    const botLogger = logger.child({ botId: bot.id });
    // A live bot trades only after reconciling with its exchange (fail-closed); paper bots have no venue to ask.
    const live = bot.mode === 'live' && options.live ? await startLiveBot(database, bot, options.live, botLogger) : null;
    if (live !== null && live.status === 'refused') {
      if (!live.retry) failed.add(bot.id);
      await stopBot(bot, 'error', live.reason.slice(0, 500));
      return;
    }
    const runner = await BotRunner.start({
      database,
      bus,
      logger: botLogger,
      bot,
      ...(live === null ? {} : { live: live.broker }),
    });
    const unsubscribe = bot.symbols.map((symbol) =>
      hub.subscribe(symbol, bot.timeframe, (series, index) => runner.onCandle(series, index)),
    );
    running.set(bot.id, { runner, unsubscribe });
    await report(bot.id, 'running', null);
    announce(bot, 'running', null);
    logger.info({ botId: bot.id, symbols: bot.symbols, timeframe: bot.timeframe }, 'bot running');
  }

  async function stopBot(bot: Bot, state: Bot['state'], reason: string | null, releaseLease = true): Promise<void> {
    const entry = running.get(bot.id);
    if (entry !== undefined) {
      for (const unsubscribe of entry.unsubscribe) unsubscribe();
      await entry.runner.drain();
      running.delete(bot.id);
    }
    await report(bot.id, state, reason);
    if (releaseLease) await release(bot.id);
    announce(bot, state, reason);
  }

  /** `killSwitch`: the engaged kill switch that keeps this bot halted, if any. */
  async function handle(bot: Bot, killSwitch: string | undefined): Promise<void> {
    const isRunning = running.has(bot.id);
    if (bot.desiredState !== 'running') {
      await stopBot(bot, bot.desiredState === 'paused' ? 'paused' : 'stopped', null);
    } else if (killSwitch !== undefined) {
      // Halted, lease kept: this worker resumes the bot once the switch is released and its owner still wants it.
      if (isRunning || bot.state !== 'halted' || bot.stateReason !== killSwitch) {
        await stopBot(bot, 'halted', killSwitch, false);
        logger.warn({ botId: bot.id, reason: killSwitch }, 'bot halted by a kill switch');
      }
    } else if (bot.mode !== 'paper' && options.live === undefined) {
      await stopBot(bot, 'error', 'live trading is not configured on this worker (KEEL_MASTER_KEY is not set)');
    } else if (!isRunning && !failed.has(bot.id)) {
      try {
        await startBot(bot);
      } catch (error) {
        failed.add(bot.id);
        logger.error({ botId: bot.id, error: String(error) }, 'bot could not start');
        await stopBot(bot, 'error', String(error).slice(0, 500));
      }
    }
  }

  async function tick(): Promise<void> {
    for (const [botId, entry] of running) {
      if (entry.runner.failure !== null) {
        failed.add(botId);
        const paused = entry.runner.failure instanceof BotPausedError;
        if (paused) await pauseLiveBot(database, botId);
        await stopBot(entry.runner.bot, paused ? 'paused' : 'error', entry.runner.failure.message.slice(0, 500));
      }
    }
    const claimed = await database.asService((tx) => tx.bots.claimLeases(workerId, { leaseMs }));
    const claimedIds = new Set(claimed.map((bot) => bot.id));
    const killSwitched = await database.asService((tx) => tx.bots.killSwitched([...claimedIds]));
    for (const bot of claimed) await handle(bot, killSwitched.get(bot.id));
    hub.start();
    // Running bots beyond the claim's limit: renew one by one; a lease lost means another worker has the bot.
    for (const [botId, entry] of running) {
      if (claimedIds.has(botId)) continue;
      const renewed = await database.asService((tx) => tx.bots.renewLease(botId, workerId, leaseMs));
      if (!renewed) {
        logger.warn({ botId }, 'lease lost: stopping the bot here');
        for (const unsubscribe of entry.unsubscribe) unsubscribe();
        running.delete(botId);
      }
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

  schedule();
  await ticking;

  return {
    async stop() {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      await ticking;
      await hub.stop();
      for (const { runner } of [...running.values()]) {
        await stopBot(runner.bot, 'stopped', 'worker shut down');
      }
      logger.info({}, 'worker stopped');
    },
  };
}
