/**
 * The shared store: Redis, one Lua script per hit, so read-decide-increment is atomic across every edge instance.
 * Keys are `<prefix>{<key>}:<window index>`; the braces keep a key's two windows in one cluster slot. The script
 * does the same arithmetic as sliding-window.ts in the same order (Lua numbers are doubles, like JS numbers).
 *
 * The client is injected (ioredis satisfies RedisEvalClient), so this file stays free of runtime imports.
 */
import { decide, windowOf } from './sliding-window.ts';
import type { RateLimitStore } from './store.ts';

export interface RedisEvalClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  ping(): Promise<unknown>;
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Redis's answer to EVALSHA of a script it has not cached (after a restart or SCRIPT FLUSH). */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

const HIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if (previous * (window - elapsed)) / window + current + 1 <= limit then
  current = redis.call('INCR', KEYS[1])
  if current == 1 then redis.call('PEXPIRE', KEYS[1], window * 2) end
  return {1, previous, current}
end
return {0, previous, current}
`;

export function redisRateLimitStore(client: RedisEvalClient, prefix = 'keel:rl:'): RateLimitStore {
  let scriptSha: Promise<string> | null = null;
  /** By digest (EVALSHA): every request sends 40 bytes instead of the script; EVAL loads it when Redis lacks it. */
  async function runHitScript(args: (string | number)[]): Promise<unknown> {
    scriptSha ??= sha1Hex(HIT_SCRIPT);
    try {
      return await client.evalsha(await scriptSha, 2, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(HIT_SCRIPT, 2, ...args);
    }
  }
  return {
    async hit(key, limit, windowMs, nowMs) {
      const { index, elapsedMs } = windowOf(nowMs, windowMs);
      const base = `${prefix}{${key}}:${windowMs}:`;
      const reply = (await runHitScript([`${base}${index}`, `${base}${index - 1}`, limit, windowMs, elapsedMs])) as [
        number,
        number,
        number,
      ];
      const [allowed, previous, current] = reply.map(Number) as [number, number, number];
      return decide({ previous, current, allowed: allowed === 1 }, elapsedMs, windowMs, limit);
    },
    async health() {
      try {
        await client.ping();
        return 'up';
      } catch {
        return 'down';
      }
    },
  };
}
