/**
 * The worker's Prometheus metrics (prom-client), one registry per worker so several can live in one process (tests,
 * `keel start`). The names are a contract with the alert rules and the Grafana dashboard: change them together.
 * Labels are bounded sets (status, exchange, error kind, market, breaker state, channel, outcome): never a bot or
 * user id.
 */
import { BREAKER_STATES } from '@keel/core/risk/circuit-breaker.ts';
import type { BreakerState } from '@keel/core/risk/types.ts';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** 10 µs to 100 ms: a decision is a pure function of the candle and the bot's state; past 100 ms something is off. */
export const DECISION_LATENCY_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

export type NotificationOutcome = 'sent' | 'failed' | 'dropped';

/** How a backtest this worker took ended (backtests/backtest-queue.ts). */
export type BacktestOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'requeued';

/** How one refresh of a signal provider's API went (worker/src/signals/polled-http-signals.ts). */
export type SignalPollOutcome = 'ok' | 'timeout' | 'unreachable' | 'rate-limited' | 'http-error' | 'bad-answer';

/** What the gauges read when Prometheus scrapes (the worker holds the state; the registry asks for it). */
export interface WorkerGaugeSources {
  /** Bots this worker runs, per breaker state. */
  botsByBreakerState(): ReadonlyMap<BreakerState, number>;
  botsRunning(): number;
}

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  /** Close time (ms) of the newest candle seen, per market. */
  const newestCloseMs = new Map<string, { symbol: string; timeframe: string; closeMs: number }>();
  /** Per market, the time up to which every trade is in (the taker-flow reading cannot be newer). */
  const takerFlowCoveredMs = new Map<string, number>();
  /** Per outside signal, its source's time for the newest value it gave. */
  const signalObservedMs = new Map<string, number>();
  let gauges: WorkerGaugeSources = { botsByBreakerState: () => new Map(), botsRunning: () => 0 };

  const metrics = {
    registry,
    decisionLatency: new Histogram({
      name: 'keel_decision_latency_seconds',
      help: 'Time the decision pipeline took for one closed candle of one bot.',
      buckets: DECISION_LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    }),
    orders: new Counter({
      name: 'keel_orders_total',
      help: 'Order status changes the worker recorded, by the status reached.',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    fills: new Counter({ name: 'keel_fills_total', help: 'Fills booked.', registers: [registry] }),
    exchangeErrors: new Counter({
      name: 'keel_exchange_errors_total',
      help: 'Errors from exchanges, by exchange and kind (retryable, rate-limited, rejected, insufficient-funds, auth).',
      labelNames: ['exchange', 'kind'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'keel_notifications_total',
      help: 'Notification deliveries by channel (telegram, email) and outcome (sent, failed, dropped).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    marketTrades: new Counter({
      name: 'keel_market_trades_total',
      help: 'Trades taken from the venue for the taker-flow reading, per market and source (rest, websocket).',
      labelNames: ['symbol', 'source'] as const,
      registers: [registry],
    }),
    userDataEvents: new Counter({
      name: 'keel_user_data_events_total',
      help: "Order updates received on exchange keys' user-data streams, per exchange.",
      labelNames: ['exchange'] as const,
      registers: [registry],
    }),
    userDataStreams: new Gauge({
      name: 'keel_user_data_streams',
      help: 'User-data streams (one per live exchange key) per exchange and state: up, or down (orders polled).',
      labelNames: ['exchange', 'state'] as const,
      registers: [registry],
    }),
    signalPolls: new Counter({
      name: 'keel_signal_polls_total',
      help:
        "Refreshes of the signal providers' APIs, by provider (fear_greed, coingecko, whale_alert, etherscan) and " +
        'outcome (ok, timeout, unreachable, rate-limited, http-error, bad-answer).',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    backtests: new Counter({
      name: 'keel_backtests_total',
      help:
        'Backtests users submitted that this worker took, by outcome (succeeded, failed, timed-out, cancelled, ' +
        'requeued: put back in the queue as the worker stopped).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    backtestDuration: new Histogram({
      name: 'keel_backtest_duration_seconds',
      help: 'Wall time of a backtest that ran to a result, candles read included.',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    /** `signal` had a value its source observed at `observedAtMs` (signals/polled-http-signals.ts). */
    signalObserved(signal: string, observedAtMs: number): void {
      signalObservedMs.set(signal, Math.max(observedAtMs, signalObservedMs.get(signal) ?? observedAtMs));
    },
    /** Every trade of `symbol` up to `untilMs` is in (market/taker-flow-stream.ts). */
    takerFlowCovered(symbol: string, untilMs: number): void {
      takerFlowCoveredMs.set(symbol, Math.max(untilMs, takerFlowCoveredMs.get(symbol) ?? untilMs));
    },
    /** A candle of `symbol`/`timeframe` closing at `closeMs` was seen. */
    candleSeen(symbol: string, timeframe: string, closeMs: number): void {
      const key = `${symbol} ${timeframe}`;
      const seen = newestCloseMs.get(key);
      if (seen === undefined || closeMs > seen.closeMs) newestCloseMs.set(key, { symbol, timeframe, closeMs });
    },
    /** The worker names where the gauges read from, once its state exists. */
    readGaugesFrom(sources: WorkerGaugeSources): void {
      gauges = sources;
    },
  };

  new Gauge({
    name: 'keel_data_lag_seconds',
    help: 'Now minus the close time of the newest candle seen, per market.',
    labelNames: ['symbol', 'timeframe'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const { symbol, timeframe, closeMs } of newestCloseMs.values()) {
        this.set({ symbol, timeframe }, (now - closeMs) / 1000);
      }
    },
  });
  new Gauge({
    name: 'keel_taker_flow_age_seconds',
    help: 'Now minus the time up to which every trade is in: the age of the freshest taker-flow reading, per market.',
    labelNames: ['symbol'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const [symbol, untilMs] of takerFlowCoveredMs) this.set({ symbol }, (now - untilMs) / 1000);
    },
  });
  new Gauge({
    name: 'keel_signal_age_seconds',
    help: "Now minus the source's time of the newest value of each outside signal; it grows while the provider fails.",
    labelNames: ['signal'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const [signal, observedMs] of signalObservedMs) this.set({ signal }, (now - observedMs) / 1000);
    },
  });
  new Gauge({
    name: 'keel_bots_breaker_state',
    help: 'Bots on this worker per circuit-breaker state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = gauges.botsByBreakerState();
      for (const state of BREAKER_STATES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  new Gauge({
    name: 'keel_bots_running',
    help: 'Bots running on this worker.',
    registers: [registry],
    collect() {
      this.set(gauges.botsRunning());
    },
  });
  return metrics;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
