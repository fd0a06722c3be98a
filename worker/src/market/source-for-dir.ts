/** The CSV replay when the data folder exists, else the synthetic market — said loudly, it is not real data. */
import { existsSync } from 'node:fs';
import type { Logger } from '../logger.ts';
import type { CandleSource } from './candle-source.ts';
import { csvCandleSource } from './csv-source.ts';
import { syntheticCandleSource } from './synthetic-source.ts';

export function candleSourceFor(dataDir: string, logger: Logger): CandleSource {
  if (existsSync(dataDir)) return csvCandleSource(dataDir);
  logger.warn(
    { dataDir },
    `data folder ${dataDir} not found: bots trade the SYNTHETIC market (seeded random walk, NOT real data); set KEEL_DATA_DIR to replay real candles`,
  );
  return syntheticCandleSource();
}
