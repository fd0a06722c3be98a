/**
 * Fixtures of the notification and observability suites: their own database `<name>_notifications` (their workers
 * must not claim the bots other suites run), a clean slate of bots, users with verified channels, and a reader of
 * the Prometheus text format.
 */
import { createDatabase, type Database, type NotificationEventName } from '@keel/db';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { databaseRequired } from './harness.ts';

export async function openNotificationsDatabase(): Promise<{ db: Database; url: string } | null> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    if (databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL (scripts/services.sh)');
    return null;
  }
  const url = await suiteDatabaseUrl(serverUrl, 'notifications');
  const db = await createDatabase({ url, maxConnections: 5 });
  await db.migrate();
  return { db, url };
}

/** No bot from an earlier test or run is meant to run: each test's worker trades only the bots it starts. */
export async function stopEveryBot(db: Database): Promise<void> {
  await db.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
}

/** A verified, enabled channel (as the service records it once confirmed). */
export async function verifiedChannel(
  db: Database,
  userId: string,
  channel: { kind: 'email' | 'telegram'; target: string; events: NotificationEventName[] },
): Promise<void> {
  await db.asService((tx) =>
    tx.query(
      `insert into public.notification_channels (user_id, kind, target, events, verified_at)
       values ($1, $2, $3, $4::text[], now())`,
      [userId, channel.kind, channel.target, channel.events],
    ),
  );
}

/** The value of one sample in Prometheus text exposition, e.g. sample(text, 'keel_orders_total', {status: 'filled'}). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1] as string, pair[2] as string]),
    );
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([key, value]) => found[key] === value)) {
      return Number(match[4]);
    }
  }
  return null;
}
