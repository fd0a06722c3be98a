/**
 * Signals reach the worker's decisions: two paper bots replay real BTC-USDT candles while a loopback Fear & Greed
 * API serves an index published at one candle of the slice, read by a signal board whose clock stands an hour
 * after that publication (the replay's "now"). Every decision's rationale lists every signal; the index is
 * available to exactly the decisions within its 36 h of freshness after publication, masked before it (a decision
 * never sees its future) and after; the API is asked once for both bots.
 */

import { OUTSIDE_SIGNAL_NAMES } from '@keel/core/signals/signal-names.ts';
import type { Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startWorker } from '../../src/index.ts';
import { signalBoard } from '../../src/signals/signal-board.ts';
import { signalsFromEnv } from '../../src/signals/signals-from-env.ts';
import {
  claimsFor,
  databaseRequired,
  newRunningBot,
  newUser,
  openTestDatabase,
  realCandleSlice,
  waitFor,
} from '../harness.ts';
import { type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const CANDLES = 400;
const HOUR_MS = 3_600_000;
/** Fear & Greed is published (in this replay) at the close of this candle of the slice. */
const PUBLISHED_AT_CANDLE = 250;

let db: Database | null = null;
let api: LoopbackJsonApi;
let dataDir: string;
let publishedMs: number;

beforeAll(async () => {
  db = await openTestDatabase();
  const slice = realCandleSlice(CANDLES);
  dataDir = slice.dataDir;
  const openTime = Number(slice.csv.split('\n')[PUBLISHED_AT_CANDLE + 1]?.split(',')[0]);
  publishedMs = openTime + HOUR_MS;
  api = await startLoopbackJsonApi();
  api.answer('/fng/', {
    status: 200,
    body: {
      name: 'Fear and Greed Index',
      data: [{ value: '17', value_classification: 'Extreme Fear', timestamp: String(publishedMs / 1000) }],
      metadata: { error: null },
    },
  });
});
afterAll(async () => {
  await api?.close();
  await db?.close();
});

interface StoredSignal {
  name: string;
  available: boolean;
  value: number | null;
  maskedBecause: string | null;
}

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('signals in the worker', () => {
  it('fills each decision from the shared providers and lists the signals in its rationale', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'signals');
    const botIds = [
      await newRunningBot(database, userId, 'signals-1'),
      await newRunningBot(database, userId, 'signals-2'),
    ];
    const worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'signals-test',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      signals: signalBoard({
        providers: signalsFromEnv({ FEAR_GREED_URL: api.url }, silentLogger),
        logger: silentLogger,
        now: () => publishedMs + HOUR_MS,
      }),
    });
    try {
      await waitFor(
        'both bots to process every candle',
        async () => {
          const [row] = await database.asService((tx) =>
            tx.query('select count(*)::int as n from public.equity_snapshots where bot_id = any($1)', [botIds]),
          );
          return row?.n === 2 * CANDLES ? true : null;
        },
        120_000,
      );
    } finally {
      await worker.stop();
    }
    expect(api.requests).toHaveLength(1);
    const decisions = await database.asUser(claimsFor(userId), (tx) => tx.decisions.list({ limit: 1000 }));
    expect(decisions.length).toBeGreaterThan(4);
    let sawFearGreed = 0;
    for (const decision of decisions) {
      const signals = (decision.rationale as { signals: StoredSignal[] }).signals;
      expect(signals.map((signal) => signal.name)).toEqual([...OUTSIDE_SIGNAL_NAMES]);
      const fearGreed = signals[0] as StoredSignal;
      const ageMs = decision.time.getTime() - publishedMs;
      if (ageMs >= 0 && ageMs <= 36 * HOUR_MS) {
        expect(fearGreed).toEqual({ name: 'fear_greed', available: true, value: 17, maskedBecause: null });
        sawFearGreed++;
      } else {
        expect(fearGreed.available).toBe(false);
        expect(fearGreed.maskedBecause).toMatch(
          ageMs < 0 ? /observed after the decision time/ : /^stale at the decision/,
        );
      }
      expect(signals[1]?.maskedBecause).toMatch(/^not configured \(set COINGECKO_URL/);
    }
    expect(sawFearGreed).toBeGreaterThan(0);
  });
});
