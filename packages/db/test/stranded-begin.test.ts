/**
 * A transaction whose BEGIN went to a connection that stopped answering, while the pool's other connection goes on:
 * what a PostgreSQL restart left behind in the faults bench (postgres.js kept a dead connection's state). The pool
 * moves, so the wedge rule (begin-timeout.test.ts) never fires; the transaction is given up once later ones have
 * been beginning for a while (BEGIN_STRANDED), the pool is replaced, and the next transactions run. Staged through
 * a loopback TCP proxy to PostgreSQL that stops forwarding one connection's bytes, both ways.
 */
import { createServer, type Server, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DatabaseUnreachableError } from '../src/index.ts';
import { databaseRequired, HOW_TO_GET_POSTGRES, openMigrated } from './test-database.ts';

const url = process.env.DATABASE_URL;
const BEGIN_TIMEOUT_MS = 1_000;

interface SilencingProxy {
  url: string;
  /** Client-side sockets in the order PostgreSQL connections were opened through the proxy. */
  connections: Socket[];
  /** From now on, connection `i` forwards nothing, either way (its sockets stay open). */
  silence(i: number): void;
  close(): Promise<void>;
}

async function silencingProxy(target: URL): Promise<SilencingProxy> {
  const connections: Socket[] = [];
  const upstreams: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => {});
    upstream.on('error', () => {});
    connections.push(client);
    upstreams.push(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const proxied = new URL(target.href);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(address.port);
  return {
    url: proxied.href,
    connections,
    silence(i) {
      const client = connections[i] as Socket;
      const upstream = upstreams[i] as Socket;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    },
    async close() {
      for (const socket of [...connections, ...upstreams]) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

describe.skipIf(!url && !databaseRequired)('a transaction stranded on a connection that stopped answering', () => {
  it('is given up while the pool moves on, and the next transactions get a fresh pool', async () => {
    if (!url) throw new Error(`DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`);
    const proxy = await silencingProxy(new URL(url));
    const db = await openMigrated({ url: proxy.url, maxConnections: 2, beginTimeoutMs: BEGIN_TIMEOUT_MS });
    try {
      // Both connections open (two transactions at once), then one goes silent.
      await Promise.all([0, 1].map(() => db.asService((tx) => tx.query('select pg_sleep(0.05)'))));
      expect(proxy.connections.length).toBe(2);
      proxy.silence(0);
      // A steady stream of short transactions: the live connection keeps beginning them, later ones included.
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 50));
          return db
            .asService((tx) => tx.query('select $1::int as i', [i]))
            .then(
              ([row]) => `ok ${row?.i}`,
              (error: unknown) => (error instanceof DatabaseUnreachableError ? error.code : String(error)),
            );
        }),
      );
      expect(outcomes).toContain('BEGIN_STRANDED');
      expect(outcomes.filter((outcome) => outcome.startsWith('ok')).length).toBeGreaterThan(30);
      const [row] = await db.asService((tx) => tx.query('select 7 as seven'));
      expect(row?.seven).toBe(7);
    } finally {
      await db.close();
      await proxy.close();
    }
  }, 30_000);
});
