/**
 * Insert throughput of fills and decisions through @keel/db on PostgreSQL, rows per second:
 * - as a user, with row-level security on (role authenticated, JWT claims, policies, composite references,
 *   statement-level audit triggers): batched (one statement per 1,000 rows) — target ≥ 20,000 rows/s — and
 *   unbatched (one statement per row inside one transaction; one transaction per row, as a request would);
 * - baseline in the same run: the same calls as service_role, which bypasses RLS; the ratio is what RLS costs.
 * A read (the newest 100 fills of a bot) is compared the same way. Each case: best of REPEATS runs after a warm-up
 * run. Needs DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, type NewDecision, type NewFill } from '@keel/db';
import postgres from 'postgres';
import { formatRate, printTable, verdict } from './table.ts';

const BATCH_ROWS = 1_000;
const BATCHED_TOTAL = 10_000;
const UNBATCHED_TOTAL = 1_000;
const READS = 200;
/** Best of this many timed runs per case and role (after a warm-up run): the least disturbed measurement. */
const REPEATS = 3;
const WRITERS = 2;
const BATCHED_TARGET = 20_000;

interface Fixture {
  userId: string;
  botId: string;
  clientOrderIds: string[];
}

async function fixture(db: Database): Promise<Fixture> {
  const userId = await db.asService((tx) => tx.users.create({ email: `bench-${randomUUID()}@bench.test` }));
  const claims = { sub: userId };
  const bot = await db.asUser(claims, (tx) =>
    tx.bots.create({ name: 'bench', exchange: 'binance', symbols: ['BTC-USDT'], timeframe: '1m' }),
  );
  const clientOrderIds = Array.from({ length: 16 }, () => `b-${randomUUID().replaceAll('-', '').slice(0, 24)}`);
  await db.asUser(claims, async (tx) => {
    for (const clientOrderId of clientOrderIds) {
      await tx.orders.place({
        botId: bot.id,
        clientOrderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'market',
        qtyBase: '1000000',
        reason: 'benchmark',
      });
    }
  });
  return { userId, botId: bot.id, clientOrderIds };
}

let tradeSequence = 0;

function fills(f: Fixture, count: number, orderIndex: number): NewFill[] {
  const clientOrderId = f.clientOrderIds[orderIndex] as string;
  return Array.from({ length: count }, () => {
    tradeSequence++;
    return {
      botId: f.botId,
      clientOrderId,
      symbol: 'BTC-USDT',
      side: 'buy',
      tradeId: String(tradeSequence),
      time: 1_700_000_000_000 + tradeSequence,
      priceQuote: '65000.12',
      qtyBase: '0.001',
      feeQuote: '0.065',
      liquidity: 'taker',
    };
  });
}

function decisions(f: Fixture, count: number): NewDecision[] {
  return Array.from({ length: count }, (_, i) => ({
    botId: f.botId,
    time: 1_700_000_000_000 + i * 60_000,
    symbol: 'BTC-USDT',
    action: 'buy',
    confidence: 0.72,
    rationale: {
      regime: 'trend',
      chosenAgent: 'momentum',
      votes: [
        { agent: 'momentum', action: 'buy', confidence: 0.8 },
        { agent: 'mean-reversion', action: 'hold', confidence: 0.4 },
        { agent: 'breakout', action: 'buy', confidence: 0.65 },
      ],
      topFeatures: [
        { name: 'rsi_14', contribution: 0.31 },
        { name: 'ret_24', contribution: 0.22 },
        { name: 'atr_14', contribution: -0.08 },
      ],
      riskTolerance: 'moderate',
      riskVerdict: { kind: 'approve', reasons: [] },
    },
  }));
}

async function seconds(body: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await body();
  return (performance.now() - started) / 1000;
}

async function bestOf(run: () => Promise<number>): Promise<number> {
  await run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) best = Math.min(best, await run());
  return best;
}

/** Fresh planner statistics after the bulk loads, as autovacuum would have them (ANALYZE needs the owner). */
async function analyze(url: string): Promise<void> {
  const owner = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await owner`analyze public.fills, public.decisions, public.audit_log`;
  } finally {
    await owner.end();
  }
}

type Case = (runAs: 'user' | 'service') => Promise<number>;

export async function benchDatabase(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log(
      '\nDatabase insert throughput: skipped — DATABASE_URL is not set. Start a throwaway PostgreSQL 15 with ' +
        '`bash scripts/services.sh install && bash scripts/services.sh start && eval "$(bash scripts/services.sh env)"`.',
    );
    return;
  }
  const db = await createDatabase({ url, maxConnections: WRITERS });
  try {
    await db.migrate();
    const f = await fixture(db);
    const claims = { sub: f.userId };

    const asService = <T extends object>(rows: T[]) => rows.map((row) => ({ ...row, userId: f.userId }));
    let order = 0;
    const nextOrder = () => order++ % f.clientOrderIds.length;

    // Each case inserts fresh rows (new trade ids), as the user (RLS on) or as the service (RLS bypassed).
    const cases: [string, number, Case][] = [
      [
        `fills, batched (${BATCH_ROWS} rows per statement)`,
        BATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            for (let done = 0; done < BATCHED_TOTAL; done += BATCH_ROWS) {
              const rows = fills(f, BATCH_ROWS, nextOrder());
              if (runAs === 'user') await db.asUser(claims, (tx) => tx.fills.insertMany(rows));
              else await db.asService((tx) => tx.fills.insertMany(asService(rows)));
            }
          }),
      ],
      [
        `fills, batched, ${WRITERS} writers at once`,
        BATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            const writer = async () => {
              for (let done = 0; done < BATCHED_TOTAL / WRITERS; done += BATCH_ROWS) {
                const rows = fills(f, BATCH_ROWS, nextOrder());
                if (runAs === 'user') await db.asUser(claims, (tx) => tx.fills.insertMany(rows));
                else await db.asService((tx) => tx.fills.insertMany(asService(rows)));
              }
            };
            await Promise.all(Array.from({ length: WRITERS }, writer));
          }),
      ],
      [
        'fills, one statement per row, one transaction',
        UNBATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            const rows = fills(f, UNBATCHED_TOTAL, nextOrder());
            if (runAs === 'user') {
              await db.asUser(claims, async (tx) => {
                for (const row of rows) await tx.fills.insert(row);
              });
            } else {
              await db.asService(async (tx) => {
                for (const row of asService(rows)) await tx.fills.insert(row);
              });
            }
          }),
      ],
      [
        'fills, one transaction per row (a request each)',
        UNBATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            const rows = fills(f, UNBATCHED_TOTAL, nextOrder());
            for (const row of rows) {
              if (runAs === 'user') await db.asUser(claims, (tx) => tx.fills.insert(row));
              else await db.asService((tx) => tx.fills.insert({ ...row, userId: f.userId }));
            }
          }),
      ],
      [
        `decisions, batched (${BATCH_ROWS} rows per statement)`,
        BATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            for (let done = 0; done < BATCHED_TOTAL; done += BATCH_ROWS) {
              const rows = decisions(f, BATCH_ROWS);
              if (runAs === 'user') await db.asUser(claims, (tx) => tx.decisions.insertMany(rows));
              else await db.asService((tx) => tx.decisions.insertMany(asService(rows)));
            }
          }),
      ],
      [
        `decisions, batched, ${WRITERS} writers at once`,
        BATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            const writer = async () => {
              for (let done = 0; done < BATCHED_TOTAL / WRITERS; done += BATCH_ROWS) {
                const rows = decisions(f, BATCH_ROWS);
                if (runAs === 'user') await db.asUser(claims, (tx) => tx.decisions.insertMany(rows));
                else await db.asService((tx) => tx.decisions.insertMany(asService(rows)));
              }
            };
            await Promise.all(Array.from({ length: WRITERS }, writer));
          }),
      ],
      [
        'decisions, one statement per row, one transaction',
        UNBATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            const rows = decisions(f, UNBATCHED_TOTAL);
            if (runAs === 'user') {
              await db.asUser(claims, async (tx) => {
                for (const row of rows) await tx.decisions.insert(row);
              });
            } else {
              await db.asService(async (tx) => {
                for (const row of asService(rows)) await tx.decisions.insert(row);
              });
            }
          }),
      ],
      [
        'decisions, one transaction per row (a request each)',
        UNBATCHED_TOTAL,
        (runAs) =>
          seconds(async () => {
            for (const row of decisions(f, UNBATCHED_TOTAL)) {
              if (runAs === 'user') await db.asUser(claims, (tx) => tx.decisions.insert(row));
              else await db.asService((tx) => tx.decisions.insert({ ...row, userId: f.userId }));
            }
          }),
      ],
      [
        'read: newest 100 fills of a bot, one transaction each',
        READS,
        (runAs) =>
          seconds(async () => {
            for (let i = 0; i < READS; i++) {
              if (runAs === 'user') await db.asUser(claims, (tx) => tx.fills.list({ botId: f.botId, limit: 100 }));
              else await db.asService((tx) => tx.fills.list({ botId: f.botId, limit: 100 }));
            }
          }),
      ],
    ];

    // Warm-up before any timing: connections, prepared statements and their plans, the JIT, and the first
    // autovacuum pass over tables that were empty a moment ago.
    for (const [, , run] of cases.filter(([name]) => name.includes('batched') && !name.includes('writers'))) {
      await run('user');
      await run('service');
    }
    await analyze(url);

    const rows: string[][] = [];
    for (const [name, count, run] of cases) {
      if (name.startsWith('read')) await analyze(url);
      const userRate = count / (await bestOf(() => run('user')));
      const serviceRate = count / (await bestOf(() => run('service')));
      const batched = name.includes('batched');
      rows.push([
        name,
        formatRate(userRate),
        formatRate(serviceRate),
        `${(userRate / serviceRate).toFixed(2)}×`,
        batched ? verdict(userRate >= BATCHED_TARGET) : '',
      ]);
    }
    printTable(
      `Database throughput through @keel/db — PostgreSQL at ${new URL(url).host}, sequential unless said, best of ` +
        `${REPEATS}; rows/s (reads: queries/s). Baseline: service_role (RLS bypassed) on the same calls.`,
      ['operation', 'as user (RLS on)', 'as service_role', 'user ÷ service', 'target ≥ 20 k/s'],
      rows,
    );
    await db.asService((tx) => tx.users.remove(f.userId));
  } finally {
    await db.close();
  }
}
