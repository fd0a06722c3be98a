/**
 * The shared store: Redis, a Lua script, so read-decide-increment is atomic across every edge instance. Keys are
 * `<prefix>{<key>}:<window>:<window index>`. The script does the same arithmetic as sliding-window.ts in the same
 * order (Lua numbers are doubles, like JS numbers).
 *
 * The hits asked for in one turn of the event loop (every request that arrived together, each with its per-IP and
 * per-user hit) leave in one script call and are counted in the order they were asked for: per request, that is a
 * share of one command to encode, run and decode instead of two commands of its own. A script with many keys needs
 * them on one Redis node: Keel's rate limits use one Redis (no cluster).
 *
 * The client is injected (ioredis satisfies RedisEvalClient), so this file stays free of runtime imports.
 */
import { decide, windowOf } from './sliding-window.ts';
import type { RateLimitDecision, RateLimitStore } from './store.ts';

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

/**
 * Hits in order: KEYS are each hit's current and previous window, ARGV each hit's limit, window and elapsed time;
 * the answer is one (allowed, previous, current) triple per hit. A key hit twice sees its first hit's count.
 */
const HITS_SCRIPT = `
local answer = {}
for i = 1, #KEYS / 2 do
  local limit = tonumber(ARGV[3 * i - 2])
  local window = tonumber(ARGV[3 * i - 1])
  local elapsed = tonumber(ARGV[3 * i])
  local currentKey = KEYS[2 * i - 1]
  local counts = redis.call('MGET', currentKey, KEYS[2 * i])
  local current = tonumber(counts[1] or '0')
  local previous = tonumber(counts[2] or '0')
  local allowed = 0
  if (previous * (window - elapsed)) / window + current + 1 <= limit then
    current = redis.call('INCR', currentKey)
    if current == 1 then redis.call('PEXPIRE', currentKey, window * 2) end
    allowed = 1
  end
  answer[3 * i - 2] = allowed
  answer[3 * i - 1] = previous
  answer[3 * i] = current
end
return answer
`;

/** Most hits in one script call: Redis runs nothing else during a script, so one call stays short. */
const MAX_HITS_PER_CALL = 256;

interface QueuedHit {
  key: string;
  limit: number;
  windowMs: number;
  nowMs: number;
  resolve(decision: RateLimitDecision): void;
  reject(error: unknown): void;
}

/** After the I/O callbacks of this turn of the event loop (setImmediate where the runtime has it). */
const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);

export function redisRateLimitStore(client: RedisEvalClient, prefix = 'keel:rl:'): RateLimitStore {
  let scriptSha: Promise<string> | null = null;
  let queued: QueuedHit[] = [];

  /** By digest (EVALSHA): every call sends 40 bytes instead of the script; EVAL loads it when Redis lacks it. */
  async function runHitsScript(numKeys: number, args: (string | number)[]): Promise<unknown> {
    scriptSha ??= sha1Hex(HITS_SCRIPT);
    try {
      return await client.evalsha(await scriptSha, numKeys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(HITS_SCRIPT, numKeys, ...args);
    }
  }

  async function send(hits: readonly QueuedHit[]): Promise<void> {
    const keys: string[] = [];
    const hitArgs: number[] = [];
    const windows = hits.map(({ key, limit, windowMs, nowMs }) => {
      const window = windowOf(nowMs, windowMs);
      const base = `${prefix}{${key}}:${windowMs}:`;
      keys.push(`${base}${window.index}`, `${base}${window.index - 1}`);
      hitArgs.push(limit, windowMs, window.elapsedMs);
      return window;
    });
    try {
      const reply = (await runHitsScript(keys.length, [...keys, ...hitArgs])) as number[];
      hits.forEach(({ limit, windowMs, resolve }, i) => {
        const counts = {
          allowed: Number(reply[3 * i]) === 1,
          previous: Number(reply[3 * i + 1]),
          current: Number(reply[3 * i + 2]),
        };
        resolve(decide(counts, (windows[i] as { elapsedMs: number }).elapsedMs, windowMs, limit));
      });
    } catch (error) {
      for (const hit of hits) hit.reject(error);
    }
  }

  function flush(): void {
    const hits = queued;
    queued = [];
    for (let start = 0; start < hits.length; start += MAX_HITS_PER_CALL) {
      void send(hits.slice(start, start + MAX_HITS_PER_CALL));
    }
  }

  return {
    hit(key, limit, windowMs, nowMs) {
      return new Promise((resolve, reject) => {
        if (queued.length === 0) nextTurn(flush);
        queued.push({ key, limit, windowMs, nowMs, resolve, reject });
      });
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
