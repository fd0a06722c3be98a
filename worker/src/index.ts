/** @keel/worker — the trading service. See worker.ts for the lifecycle, bots/bot-runner.ts for a candle's path. */
export { clientOrderIdFor } from './bots/client-order-id.ts';
export { LOST_ON_RESTART, NEVER_SENT } from './bots/restore.ts';
export { streamBusFromEnv } from './bots/stream-bus-from-env.ts';
export type { BotIdentity, ExchangeErrorSource, WorkerEvents } from './events/worker-events.ts';
export { createLogger, type Logger, silentLogger } from './logger.ts';
export type { CandleSource } from './market/candle-source.ts';
export { csvCandleSource } from './market/csv-source.ts';
export { defaultDataDir } from './market/data-dir.ts';
export type { ReplaySpeed } from './market/replay-feed.ts';
export { syntheticCandleSource } from './market/synthetic-source.ts';
export type { WorkerMetrics } from './observability/metrics.ts';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './worker.ts';
