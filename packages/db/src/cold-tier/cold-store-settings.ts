/**
 * Where the cold tier lives and how it is read, from the environment (a plain record, so Node's process.env and
 * Deno.env both fit): INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET (as the worker writes with them), and
 * INFLUX_QUERY_API — `flux` (InfluxDB v2), `victoria-export` (VictoriaMetrics), unset: asked of the store once.
 */

export type ColdQueryApi = 'flux' | 'victoria-export';
export const COLD_QUERY_APIS: readonly ColdQueryApi[] = ['flux', 'victoria-export'];

export interface ColdStoreSettings {
  url: string;
  /** Never logged. */
  token: string;
  org: string;
  bucket: string;
  /** 'detect': the store's GET /health says which (cold-reader-for-store.ts). */
  queryApi: ColdQueryApi | 'detect';
}

export class ColdTierConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColdTierConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** INFLUX_QUERY_API: unset or empty is 'detect'; anything but the two names is a mistake said at startup. */
export function coldQueryApiFromEnv(env: Env): ColdQueryApi | 'detect' {
  const raw = env.INFLUX_QUERY_API;
  if (raw === undefined || raw === '') return 'detect';
  if ((COLD_QUERY_APIS as readonly string[]).includes(raw)) return raw as ColdQueryApi;
  throw new ColdTierConfigError(
    `INFLUX_QUERY_API must be ${COLD_QUERY_APIS.join(' or ')} (or unset: asked of the store), got "${raw}"`,
  );
}

/** The cold store, or null when INFLUX_URL is unset (no cold tier). */
export function coldStoreFromEnv(env: Env): ColdStoreSettings | null {
  const queryApi = coldQueryApiFromEnv(env);
  const url = env.INFLUX_URL;
  if (!url) return null;
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
    throw new ColdTierConfigError(`INFLUX_URL must be a URL such as http://127.0.0.1:8086, got "${url}"`);
  }
  const missing = ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'].filter((name) => !env[name]);
  if (missing.length > 0) throw new ColdTierConfigError(`INFLUX_URL is set but ${missing.join(', ')} is not`);
  return {
    url: url.replace(/\/+$/, ''),
    token: env.INFLUX_TOKEN as string,
    org: env.INFLUX_ORG as string,
    bucket: env.INFLUX_BUCKET as string,
    queryApi,
  };
}
