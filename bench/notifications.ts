/**
 * What a notification costs the trading path: the synchronous time of one `events.fill(bot, fill)` call as BotRunner
 * makes it after booking a candle. Target: p99 < 50 µs — the delivery (a channel lookup in the database, rendering,
 * SMTP) happens after the call returns. Each call is timed alone (performance.now), so percentiles include timer
 * overhead. Rows, measured in the same run:
 * - baseline: the null WorkerEvents (what a runner without observers pays);
 * - metrics only (no channel configured);
 * - metrics + notifier, the owner having a verified email channel: routing reads embedded PostgreSQL (PGlite) and
 *   delivery goes to an in-process SMTP server through nodemailer; the drain time and what was sent, failed or
 *   dropped (the outbox holds 1,000) are shown for the record.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Fill } from '../packages/core/src/execution/types.ts';
import { createDatabase } from '../packages/db/src/index.ts';
import { observedEvents } from '../worker/src/events/observed-events.ts';
import { quietEvents, type WorkerEvents } from '../worker/src/events/worker-events.ts';
import { silentLogger } from '../worker/src/logger.ts';
import { emailSender } from '../worker/src/notifications/email-sender.ts';
import { createNotifier } from '../worker/src/notifications/notifier.ts';
import { createWorkerMetrics } from '../worker/src/observability/metrics.ts';
import { printTable, verdict } from './table.ts';

const CALLS = 2_000;
const P99_TARGET_US = 50;

interface Timing {
  p50: number;
  p99: number;
}

function timeCalls(events: WorkerEvents, bot: { id: string; userId: string; name: string }): Timing {
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const fill: Fill = {
      clientOrderId: `bench:${i}`,
      symbol: 'BTC-USDT',
      side: i % 2 === 0 ? 'buy' : 'sell',
      time: 1_700_000_000_000 + i * 3_600_000,
      priceQuote: 43_210.5 + i,
      qtyBase: 0.01234,
      feeQuote: 0.43,
      liquidity: 'taker',
    };
    const started = performance.now();
    events.fill(bot, fill);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(0.5 * (CALLS - 1))] as number,
    p99: samples[Math.floor(0.99 * (CALLS - 1))] as number,
  };
}

async function smtpSink(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function benchNotifications(): Promise<void> {
  const database = await createDatabase({ pglite: {} });
  await database.migrate();
  const userId = await database.asService((tx) => tx.users.create({ email: 'bench@notifications.test' }));
  await database.asService((tx) =>
    tx.query(
      `insert into public.notification_channels (user_id, kind, target, events, verified_at)
       values ($1, 'email', 'bench@notifications.test', '{fill}', now())`,
      [userId],
    ),
  );
  const bot = { id: '00000000-0000-4000-8000-000000000000', userId, name: 'bench-bot' };
  const smtp = await smtpSink();
  const sender = emailSender({ transport: smtp.url, from: 'bench@keel.test' });
  const metrics = createWorkerMetrics();
  const notifier = createNotifier({ database, senders: [sender], metrics, logger: silentLogger });

  const baseline = timeCalls(quietEvents, bot);
  const metricsOnly = timeCalls(
    observedEvents({ metrics: createWorkerMetrics(), notifier: null, breakerStates: new Map() }),
    bot,
  );
  const withNotifier = timeCalls(observedEvents({ metrics, notifier, breakerStates: new Map() }), bot);
  const drainStarted = performance.now();
  await notifier.settled();
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const outcome = async (name: string) =>
    (await metrics.notifications.get()).values.find((value) => value.labels.outcome === name)?.value ?? 0;

  const us = (value: number) => value.toFixed(2);
  const ratio = (value: number) => `${(value / baseline.p50).toFixed(2)}×`;
  printTable(
    `Notifications: caller cost of events.fill() (${CALLS} calls each; PGlite, in-process SMTP)`,
    ['path', 'p50 µs', 'p99 µs', 'p50 vs null events', `target p99 < ${P99_TARGET_US} µs`],
    [
      ['null WorkerEvents (baseline)', us(baseline.p50), us(baseline.p99), '1.00×', ''],
      [
        'metrics only',
        us(metricsOnly.p50),
        us(metricsOnly.p99),
        ratio(metricsOnly.p50),
        verdict(metricsOnly.p99 < P99_TARGET_US),
      ],
      [
        'metrics + notifier (email channel)',
        us(withNotifier.p50),
        us(withNotifier.p99),
        ratio(withNotifier.p50),
        verdict(withNotifier.p99 < P99_TARGET_US),
      ],
    ],
  );
  console.log(
    `  after the calls: drained in ${drainSeconds.toFixed(2)} s — sent ${await outcome('sent')}, failed ${await outcome('failed')}, dropped ${await outcome('dropped')} (outbox 1,000); SMTP received ${smtp.received()}`,
  );
  await notifier.close();
  sender.close();
  await smtp.close();
  await database.close();
}
