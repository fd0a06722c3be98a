/**
 * The worker's notifications and observability end to end, on PostgreSQL and real BTC-USDT 1h candles replayed
 * through a paper bot: every fill reaches its owner's email (an in-process SMTP server, parsed with mailparser);
 * a broken SMTP server and a Telegram API answering 500 change nothing in the trading and are counted as failed;
 * /metrics agrees with the database after the run; /healthz answers and /readyz turns 503 when the database is gone.
 */
import { createDatabase, type Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startWorker } from '../src/index.ts';
import { startDailySummaries } from '../src/notifications/daily-summary.ts';
import { emailSender } from '../src/notifications/email-sender.ts';
import { createNotifier } from '../src/notifications/notifier.ts';
import { createWorkerMetrics } from '../src/observability/metrics.ts';
import { claimsFor, databaseRequired, newRunningBot, newUser, realCandleSlice, waitFor } from './harness.ts';
import { startLoopbackTelegram } from './loopback-telegram.ts';
import { openNotificationsDatabase, sample, stopEveryBot, verifiedChannel } from './notification-fixtures.ts';
import { startSmtpSink } from './smtp-sink.ts';

const CANDLES = 300;
const TELEGRAM_TOKEN = '123456:worker-loopback-token';

let db: Database | null = null;
let databaseUrl = '';
let dataDir: string;
let lastCandleTime: number;

beforeAll(async () => {
  const opened = await openNotificationsDatabase();
  db = opened?.db ?? null;
  databaseUrl = opened?.url ?? '';
  const slice = realCandleSlice(CANDLES);
  dataDir = slice.dataDir;
  const lastLine = slice.csv.trim().split('\n').at(-1) ?? '';
  lastCandleTime = Number(lastLine.split(',')[0]);
});
afterAll(async () => {
  await db?.close();
});

function database(): Database {
  if (db === null) throw new Error('no database');
  return db;
}

function replayDone(botId: string) {
  return waitFor(`bot ${botId} to process the last candle`, async () => {
    const rows = await database().asService((tx) =>
      tx.query('select max(time) as time from public.equity_snapshots where bot_id = $1', [botId]),
    );
    const time = rows[0]?.time;
    return time instanceof Date && time.getTime() === lastCandleTime ? true : null;
  });
}

async function countRows(sql: string, botId: string): Promise<number> {
  const rows = await database().asService((tx) => tx.query(sql, [botId]));
  return Number(rows[0]?.count);
}

const fillsOf = (botId: string) => countRows('select count(*) from public.fills where bot_id = $1', botId);
const equityPointsOf = (botId: string) =>
  countRows('select count(*) from public.equity_snapshots where bot_id = $1', botId);

function workerEnv(extra: Record<string, string>) {
  return { WORKER_PORT: '0', ...extra };
}

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('worker notifications and metrics', () => {
  beforeAll(async () => {
    if (db !== null) await stopEveryBot(db);
  });

  it('emails every fill to the owner and exposes metrics that agree with the database', async () => {
    const smtp = await startSmtpSink();
    const userId = await newUser(database(), 'mail');
    const address = `trader-${userId.slice(0, 8)}@example.test`;
    await verifiedChannel(database(), userId, { kind: 'email', target: address, events: ['fill'] });
    const botId = await newRunningBot(database(), userId, 'mailed-bot');
    const worker = await startWorker({
      database: database(),
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'worker-notifications',
      pollMs: 100,
      env: workerEnv({ SMTP_URL: smtp.url, SMTP_FROM: 'Keel <alerts@keel.test>' }),
    });
    try {
      await replayDone(botId);
      await worker.notificationsSettled();
      const fills = await fillsOf(botId);
      expect(fills).toBeGreaterThan(2);

      expect(smtp.inbox).toHaveLength(fills);
      const first = smtp.inbox[0];
      expect(first?.to).toEqual([address]);
      expect(first?.mail.from?.text).toContain('alerts@keel.test');
      expect(first?.mail.subject).toMatch(/^mailed-bot: (bought|sold) [0-9.]+ BTC$/);
      expect(first?.mail.text).toMatch(/(Bought|Sold) [0-9.]+ BTC at [0-9.]+ USDT \(fee [0-9.]+ USDT\)/);
      expect(first?.mail.html).toContain('<p>');
      // The first fill's amounts as the database holds them (exact decimals), in the first email.
      const [firstFill] = await database().asService((tx) =>
        tx.query(
          `select price_quote::text as price, qty_base::text as qty from public.fills where bot_id = $1
           order by time, id limit 1`,
          [botId],
        ),
      );
      expect(first?.mail.text).toContain(`${Number(firstFill?.qty)} BTC at ${Number(firstFill?.price)} USDT`);

      const url = worker.httpUrl;
      expect(url).not.toBeNull();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const metricsResponse = await fetch(`${url}/metrics`);
      expect(metricsResponse.headers.get('content-type')).toContain('text/plain');
      const metrics = await metricsResponse.text();
      const filledOrders = await countRows(
        `select count(*) from public.orders where bot_id = $1 and status = 'filled'`,
        botId,
      );
      // The pipeline's orders pass through pending (persist, then send); the risk manager's own protective orders are
      // recorded once placed, at their broker status.
      const decidedOrders = await countRows(
        'select count(*) from public.orders where bot_id = $1 and decision_id is not null',
        botId,
      );
      expect(sample(metrics, 'keel_fills_total')).toBe(fills);
      expect(sample(metrics, 'keel_orders_total', { status: 'filled' })).toBe(filledOrders);
      expect(sample(metrics, 'keel_orders_total', { status: 'pending' })).toBe(decidedOrders);
      expect(sample(metrics, 'keel_notifications_total', { channel: 'email', outcome: 'sent' })).toBe(fills);
      // One decision per candle traded live (the first candle after the bot started and every one after it).
      expect(sample(metrics, 'keel_decision_latency_seconds_count')).toBe(await equityPointsOf(botId));
      expect(sample(metrics, 'keel_decision_latency_seconds_bucket', { le: '0.00001' })).not.toBeNull();
      expect(sample(metrics, 'keel_decision_latency_seconds_bucket', { le: '0.1' })).not.toBeNull();
      expect(sample(metrics, 'keel_bots_running')).toBe(1);
      expect(sample(metrics, 'keel_bots_breaker_state', { state: 'ACTIVE' })).toBe(1);
      expect(sample(metrics, 'keel_bots_breaker_state', { state: 'HALTED' })).toBe(0);
      const lagSeconds = sample(metrics, 'keel_data_lag_seconds', { symbol: 'BTC-USDT', timeframe: '1h' });
      expect(lagSeconds).toBeCloseTo((Date.now() - (lastCandleTime + 3_600_000)) / 1000, -2);
      expect(metrics).toContain('# TYPE keel_exchange_errors_total counter');
      expect(sample(metrics, 'process_cpu_user_seconds_total')).not.toBeNull();
      // Bounded labels: no bot or user id anywhere in the exposition.
      expect(metrics).not.toContain(botId);
      expect(metrics).not.toContain(userId);
    } finally {
      await database().asService((tx) =>
        tx.query(`update public.bots set desired_state = 'stopped' where id = $1`, [botId]),
      );
      await worker.stop();
      await smtp.close();
    }
  });

  it('trades on when SMTP refuses every message and Telegram answers 500, and counts every failure', async () => {
    const smtp = await startSmtpSink({ refuseEveryRecipient: true });
    const telegram = await startLoopbackTelegram(TELEGRAM_TOKEN);
    telegram.state.failSendMessage = true;
    const userId = await newUser(database(), 'broken');
    // Fills only: the risk manager's events (anomalies, breaker moves) would add notifications of their own.
    await verifiedChannel(database(), userId, {
      kind: 'email',
      target: `b-${userId.slice(0, 8)}@example.test`,
      events: ['fill'],
    });
    await verifiedChannel(database(), userId, { kind: 'telegram', target: '424242', events: ['fill'] });
    const botId = await newRunningBot(database(), userId, 'unheard-bot');
    const worker = await startWorker({
      database: database(),
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'worker-broken-channels',
      pollMs: 100,
      env: workerEnv({ SMTP_URL: smtp.url, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot }),
      notificationQueue: { maxAttempts: 2, retryBaseMs: 1 },
    });
    try {
      await replayDone(botId);
      // Every candle was traded and booked (one equity point each), fills persisted, whatever the channels did.
      expect(await equityPointsOf(botId)).toBe(CANDLES);
      const fills = await fillsOf(botId);
      expect(fills).toBeGreaterThan(2);
      await worker.notificationsSettled();
      const metrics = await (await fetch(`${worker.httpUrl}/metrics`)).text();
      expect(sample(metrics, 'keel_notifications_total', { channel: 'email', outcome: 'failed' })).toBe(fills);
      expect(sample(metrics, 'keel_notifications_total', { channel: 'telegram', outcome: 'failed' })).toBe(fills);
      expect(sample(metrics, 'keel_notifications_total', { channel: 'email', outcome: 'sent' })).toBeNull();
      expect(telegram.state.sendMessageCalls).toBe(2 * fills);
      expect(sample(metrics, 'keel_fills_total')).toBe(fills);
    } finally {
      await database().asService((tx) =>
        tx.query(`update public.bots set desired_state = 'stopped' where id = $1`, [botId]),
      );
      await worker.stop();
      await telegram.close();
      await smtp.close();
    }
  });

  it('sends a daily summary once, after midnight in the user’s time zone, with exact amounts', async () => {
    const smtp = await startSmtpSink();
    const userId = await newUser(database(), 'daily');
    const address = `d-${userId.slice(0, 8)}@example.test`;
    await database().asUser(claimsFor(userId), (tx) => tx.profile.update({ settings: { timeZone: 'Asia/Tokyo' } }));
    await verifiedChannel(database(), userId, { kind: 'email', target: address, events: ['daily_summary'] });
    const botId = await newRunningBot(database(), userId, 'daily-bot');
    await database().asService((tx) =>
      tx.equity.insertMany([{ userId, botId, time: Date.now(), equityQuote: '10250.12345678', cashQuote: '10000' }]),
    );
    const sender = emailSender({ transport: smtp.url, from: 'alerts@keel.test' });
    const notifier = createNotifier({
      database: database(),
      senders: [sender],
      metrics: createWorkerMetrics(),
      logger: silentLogger,
    });
    // 23:50 on the 25th in Tokyo, then 00:10 on the 26th there (15:10 UTC on the 25th).
    let now = new Date('2026-11-25T14:50:00Z');
    const summaries = startDailySummaries({
      database: database(),
      notifier,
      logger: silentLogger,
      checkEveryMs: 3_600_000,
      now: () => now,
    });
    try {
      await summaries.check();
      now = new Date('2026-11-25T15:10:00Z');
      await summaries.check();
      await summaries.check();
      await notifier.settled();
      const mine = smtp.inbox.filter((mail) => mail.to.includes(address));
      expect(mine).toHaveLength(1);
      expect(mine[0]?.mail.subject).toBe('Keel daily summary 2026-11-25');
      expect(mine[0]?.mail.text).toContain('(Asia/Tokyo)');
      expect(mine[0]?.mail.text).toContain('daily-bot: equity 10250.12345678, profit 250.12345678, fills today 0');
    } finally {
      summaries.stop();
      await notifier.close();
      sender.close();
      await database().asService((tx) =>
        tx.query(`update public.bots set desired_state = 'stopped' where id = $1`, [botId]),
      );
      await smtp.close();
    }
  });

  it('answers /readyz 503 once its database is gone, /healthz still 200', async () => {
    const own = await createDatabase({ url: databaseUrl, maxConnections: 2 });
    const worker = await startWorker({
      database: own,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'worker-readiness',
      pollMs: 100,
      env: workerEnv({}),
    });
    try {
      expect((await fetch(`${worker.httpUrl}/readyz`)).status).toBe(200);
      await own.close();
      const response = await fetch(`${worker.httpUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('not ready: database unreachable\n');
      expect((await fetch(`${worker.httpUrl}/healthz`)).status).toBe(200);
    } finally {
      await worker.stop();
    }
  });
});
