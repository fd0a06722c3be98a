/**
 * The edge on Deno (and Supabase Edge Functions): Deno.serve and hono/deno's WebSocket upgrade. A runtime entry
 * point, like node.ts. Needs DATABASE_URL (PostgreSQL/Supabase), and for self-hosted auth JWT_SECRET; exchange keys
 * need KEEL_MASTER_KEY and KEEL_TRANSPORT_PRIVATE_KEY. Rate limits and the stream are in process here (a Redis
 * store plugs in through the same ports).
 *
 *   deno run --allow-net --allow-env --allow-read --allow-sys edge/src/deno.ts
 */
import { createDatabase } from '@keel/db';
import { apiPortFromEnv } from './config.ts';
import { denoApp } from './deno-app.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (address: { port: number }) => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): { finished: Promise<void> };
};

const env = Deno.env.toObject();
if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: the edge on Deno needs PostgreSQL or Supabase');
const database = await createDatabase({ url: env.DATABASE_URL });
if (env.KEEL_MIGRATE === '1') await database.migrate();
const app = denoApp(database, env, 'deno');
Deno.serve(
  {
    port: apiPortFromEnv(env),
    hostname: env.API_HOST ?? '127.0.0.1',
    onListen: ({ port }) =>
      console.log(JSON.stringify({ level: 'info', msg: 'edge listening', port, runtime: 'deno' })),
  },
  (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }),
);
