/**
 * Supabase's signing keys from `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`, cached. An unknown kid triggers a
 * refetch (keys rotate), at most once per REFETCH_MIN_INTERVAL_MS so forged kids cannot make the edge hammer
 * Supabase.
 */
import { importJwk, type VerificationKey } from './jwt.ts';

const CACHE_TTL_MS = 10 * 60_000;
const REFETCH_MIN_INTERVAL_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

export interface JwksCache {
  key(kid: string | undefined): Promise<VerificationKey | null>;
}

export function jwksCache(url: string, now: () => number, fetcher: typeof fetch = fetch): JwksCache {
  let keys = new Map<string, VerificationKey>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | null = null;

  async function load(): Promise<void> {
    const response = await fetcher(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
    const body = (await response.json()) as { keys?: (JsonWebKey & { kid?: string; alg?: string })[] };
    const next = new Map<string, VerificationKey>();
    for (const jwk of body.keys ?? []) {
      const imported = await importJwk(jwk).catch(() => null);
      if (imported !== null) next.set(jwk.kid ?? '', imported);
    }
    keys = next;
    fetchedAt = now();
  }

  function refresh(): Promise<void> {
    attemptedAt = now();
    inflight ??= load().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async key(kid) {
      const stale = now() - fetchedAt > CACHE_TTL_MS || !keys.has(kid ?? '');
      if (stale && now() - attemptedAt > REFETCH_MIN_INTERVAL_MS) {
        await refresh().catch(() => {});
      }
      return keys.get(kid ?? '') ?? null;
    },
  };
}
