/**
 * What serving the cold tier costs a chart: GET /v1/candles for the newest 1,000 real BTC-USDT hours, through the
 * edge app (app.request, no socket) on PostgreSQL (DATABASE_URL) and VictoriaMetrics (VM_URL). Baseline: the same
 * page held entirely by the warm tier. Then the page split at the seam (720 warm hours + 280 from the cold tier,
 * one export read), a market whose cold tier holds nothing (the windows walked back to 2009: the most reads a page
 * makes), and a cold tier that is down (connection refused). Target: each p50 within 1.5× the baseline's (p50, not
 * p99: on a shared machine the tail is other processes' scheduling, not this path).
 */
import { randomUUID } from 'node:crypto';
import { closeTestDatabase, type Harness, harness, signUp } from '../edge/test/harness.ts';
import { hasSharedData } from '../packages/core/test/shared-data.ts';
import type { ColdCandleReader } from '../packages/db/src/cold-tier/cold-candle-reader.ts';
import { coldCandleReaderFor } from '../packages/db/src/cold-tier/cold-reader-for-store.ts';
import { realHours } from '../packages/db/test/cold-tier/real-candles.ts';
import { writeToVictoria } from '../packages/db/test/cold-tier/victoria-writes.ts';
import { printTable, verdict } from './table.ts';

const HOUR_MS = 3_600_000;
const PAGE = 1_000;
const WARM_HOURS = 720;
const REQUESTS = 200;
const P50_RATIO_TARGET = 1.5;

interface Timing {
  p50: number;
  p99: number;
}

async function timeRequests(h: Harness, token: string, symbol: string): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS + 10; i++) {
    const started = performance.now();
    const response = await h.request('GET', `/v1/candles?symbol=${symbol}&timeframe=1h&limit=${PAGE}`, { token });
    const body = (await response.json()) as { candles: unknown[] };
    if (i >= 10) samples.push(performance.now() - started);
    if (body.candles.length === 0) throw new Error(`no candles for ${symbol}`);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(0.5 * (samples.length - 1))] as number,
    p99: samples[Math.floor(0.99 * (samples.length - 1))] as number,
  };
}

const newSymbol = (letter: string) => `${letter}${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}-USDT`;

export async function benchColdCandles(): Promise<void> {
  const vmUrl = process.env.VM_URL;
  if (!process.env.DATABASE_URL || !vmUrl || !hasSharedData()) {
    console.log('\ncold candles: skipped (needs DATABASE_URL, VM_URL and the shared data)');
    return;
  }
  const lastOpen = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const real = realHours(PAGE);
  const shift = lastOpen - (real.at(-1)?.time ?? 0);
  const hours = real.map((candle) => ({ ...candle, time: candle.time + shift }));
  const store = { url: vmUrl, token: 'unused', org: 'keel', bucket: 'candles' };
  const reader = (url = vmUrl): ColdCandleReader =>
    coldCandleReaderFor({ ...store, url, queryApi: url === vmUrl ? 'victoria-export' : 'detect' });

  const h = await harness({ coldCandles: reader() });
  const down = await harness({ database: h.deps.database, coldCandles: reader('http://127.0.0.1:9') });
  const { token } = await signUp(h, 'bench-cold');
  const warmAll = newSymbol('W');
  const split = newSymbol('S');
  const noCold = newSymbol('N');
  const warmRows = (symbol: string, candles: typeof hours) =>
    candles.map((candle) => ({ symbol, timeframe: '1h' as const, ...candle }));
  await h.deps.database.asService(async (tx) => {
    await tx.candles.upsertMany(warmRows(warmAll, hours));
    await tx.candles.upsertMany(warmRows(split, hours.slice(-WARM_HOURS)));
    await tx.candles.upsertMany(warmRows(noCold, hours.slice(-WARM_HOURS)));
  });
  await writeToVictoria(vmUrl, split, '1h', hours.slice(0, -WARM_HOURS));

  const baseline = await timeRequests(h, token, warmAll);
  const rows: [string, Timing][] = [
    [`baseline: ${PAGE} warm hours`, baseline],
    [`${WARM_HOURS} warm + ${PAGE - WARM_HOURS} cold (VictoriaMetrics)`, await timeRequests(h, token, split)],
    [`${WARM_HOURS} warm, cold tier holds none (walk to 2009)`, await timeRequests(h, token, noCold)],
    [`${WARM_HOURS} warm, cold tier down (refused)`, await timeRequests(down, token, split)],
  ];
  await closeTestDatabase();
  printTable(
    `GET /v1/candles, newest ${PAGE} real 1h candles, ${REQUESTS} sequential requests (target: p50 ≤ ${P50_RATIO_TARGET}× baseline)`,
    ['page', 'p50 ms', 'p99 ms', 'p50 vs baseline', 'target'],
    rows.map(([name, timing], i) => [
      name,
      timing.p50.toFixed(2),
      timing.p99.toFixed(2),
      `${(timing.p50 / baseline.p50).toFixed(2)}×`,
      i === 0 ? '-' : verdict(timing.p50 <= P50_RATIO_TARGET * baseline.p50),
    ]),
  );
}
