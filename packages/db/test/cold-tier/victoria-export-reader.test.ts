/**
 * The VictoriaMetrics reader against a real VictoriaMetrics (VM_URL, started by scripts/services.sh): points written
 * through its InfluxDB write API, as the worker writes them, read back through the export API.
 */
import { describe, expect, it } from 'vitest';
import { ColdTierReadError } from '../../src/cold-tier/cold-candle-reader.ts';
import { victoriaExportCandleReader } from '../../src/cold-tier/victoria-export-reader.ts';
import { coldCandleReaderContract } from './cold-candle-reader.contract.ts';
import { hasSharedData } from './real-candles.ts';
import { missingVictoria, writeToVictoria } from './victoria-writes.ts';

const skipReason = missingVictoria() ?? (hasSharedData() ? null : 'no shared market data');

describe.skipIf(skipReason !== null)(`VictoriaMetrics export reader ${skipReason ?? ''}`, () => {
  const url = process.env.VM_URL as string;
  const samples = new Map<string, number>();

  coldCandleReaderContract('VictoriaMetrics export API', async () => ({
    reader: victoriaExportCandleReader({ url }),
    async store(symbol, timeframe, candles) {
      const key = `${symbol}@${timeframe}`;
      samples.set(key, await writeToVictoria(url, symbol, timeframe, candles, samples.get(key)));
    },
  }));
});

describe('VictoriaMetrics export reader, store unreachable', () => {
  it('fails with a ColdTierReadError naming the store', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const reader = victoriaExportCandleReader({ url: 'http://127.0.0.1:9' });
    const failure = await reader
      .read({ symbol: 'BTC-USDT', timeframe: '1h', fromMs: 0, toMs: 1 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ColdTierReadError);
    expect((failure as Error).message).toMatch(/^cold tier \(VictoriaMetrics at http:\/\/127\.0\.0\.1:9\) unreachable/);
  });
});
