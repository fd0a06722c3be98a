/**
 * Where the bots' candles come from, said in the log: the CSV replay when the data folder exists; else live ccxt
 * candles (websocket, REST polling as fallback) when KEEL_MARKET_SOURCE asks for it (`ccxt:binance`, fallbacks
 * after commas); else the synthetic market — said loudly, it is not real data. No automatic reachability probe:
 * trading live data is an explicit choice.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../logger.ts';
import type { CandleSource } from './candle-source.ts';
import { ccxtCandleSource, ccxtExchangesFrom } from './ccxt-candle-source.ts';
import { csvCandleSource } from './csv-source.ts';
import { syntheticCandleSource } from './synthetic-source.ts';

export function candleSourceFor(dataDir: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): CandleSource {
  if (existsSync(dataDir)) return csvCandleSource(dataDir);
  const exchangeIds = ccxtExchangesFrom(env.KEEL_MARKET_SOURCE);
  if (exchangeIds !== null) {
    const source = ccxtCandleSource({ exchangeIds, logger, env });
    logger.info({ dataDir, source: source.description }, `data folder ${dataDir} not found: ${source.description}`);
    return source;
  }
  logger.warn(
    { dataDir },
    `data folder ${dataDir} not found: bots trade the SYNTHETIC market (seeded random walk, NOT real data); set KEEL_DATA_DIR to replay real candles or KEEL_MARKET_SOURCE=ccxt:binance for live ones`,
  );
  return syntheticCandleSource();
}
