/**
 * `npm run bench`: every benchmark, each printing a table with ratios against baselines measured in the same run.
 * Speed and memory targets live here, never in timed tests. `npm run bench -- memory` runs one by name.
 */
import { benchAgents } from './agents.ts';
import { benchApp } from './app.ts';
import { benchBacktest } from './backtest.ts';
import { benchCandleMemory } from './candle-memory.ts';
import { benchColdCandles } from './cold-candles.ts';
import { benchDatabase } from './db.ts';
import { benchEdge } from './edge.ts';
import { benchFaults } from './faults.ts';
import { benchFeatures } from './features.ts';
import { benchIndicators } from './indicators.ts';
import { benchLeaseAudit } from './lease-audit.ts';
import { benchLoad } from './load.ts';
import { benchMarketDataTiers } from './market-data-tiers.ts';
import { benchMarketWebSocket } from './market-websocket.ts';
import { benchNotifications } from './notifications.ts';
import { benchPpo } from './ppo.ts';
import { benchRisk } from './risk.ts';
import { benchTakerFlow } from './taker-flow.ts';
import { benchWorkerScale } from './worker-scale.ts';

const benchmarks: Record<string, () => void | Promise<void>> = {
  app: benchApp,
  backtest: benchBacktest,
  edge: benchEdge,
  memory: benchCandleMemory,
  features: benchFeatures,
  agents: benchAgents,
  indicators: benchIndicators,
  risk: benchRisk,
  ppo: benchPpo,
  db: benchDatabase,
  'lease-audit': benchLeaseAudit,
  notifications: benchNotifications,
  tiers: benchMarketDataTiers,
  'cold-candles': benchColdCandles,
  'market-ws': benchMarketWebSocket,
  'taker-flow': benchTakerFlow,
  'worker-scale': benchWorkerScale,
  faults: benchFaults,
  load: benchLoad,
};

const only = process.argv.slice(2);
console.log(`Keel benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length === 0 || only.includes(name)) await run();
}
