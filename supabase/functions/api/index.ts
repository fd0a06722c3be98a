/**
 * Keel's API as a Supabase Edge Function named `api`: the same Hono app as edge/src/deno.ts, mounted under the
 * function's path. Supabase hands the function requests whose path starts with its name (the public URL
 * https://<project>.supabase.co/functions/v1/api/v1/health arrives as /api/v1/health), so the app is mounted at
 * /api and its own routes stay /v1/….
 *
 * Supabase sets SUPABASE_URL (so tokens are verified as Supabase Auth's) and SUPABASE_DB_URL (used when
 * DATABASE_URL is not set). Exchange keys need KEEL_MASTER_KEY and KEEL_TRANSPORT_PRIVATE_KEY as function secrets.
 * Migrations are not applied here: `supabase db push` does that. Deploy: deploy/README.md.
 *
 *   supabase functions deploy api --no-verify-jwt
 */
import { createDatabase } from '@keel/db';
import { Hono } from 'hono';
import { denoApp } from '../../../edge/src/deno-app.ts';

/** The function's name, and so the first segment of every path it receives. */
const FUNCTION_PATH = '/api';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>): {
    finished: Promise<void>;
  };
};

const env = Deno.env.toObject();
const databaseUrl = env.DATABASE_URL || env.SUPABASE_DB_URL;
if (!databaseUrl) throw new Error('neither DATABASE_URL nor SUPABASE_DB_URL is set: the API needs the database');
const database = await createDatabase({ url: databaseUrl });
// Each function instance has its own bus and rate-limit counts: the stream carries nothing from the workers here
// (serve /v1/stream from a Node edge with REDIS_URL for that), and limits count per instance.
const app = denoApp(database, env, 'supabase-edge-function');
const mounted = new Hono().route(FUNCTION_PATH, app);
// Everything else goes to the app as it is: a request whose prefix a proxy already removed finds its route, and an
// unknown path gets the API's RFC 9457 404 rather than Hono's plain-text one.
mounted.notFound((c) => app.fetch(c.req.raw, c.env));

Deno.serve((request, info) => mounted.fetch(request, { remoteAddr: info.remoteAddr }));
