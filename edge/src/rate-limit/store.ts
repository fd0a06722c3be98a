/** Where rate-limit counts live: in process (one edge) or in Redis (every edge instance shares the counts). */
import type { RateLimitDecision } from './sliding-window.ts';

export interface RateLimitStore {
  /**
   * Counts one hit on `key` if it is within `limit` per sliding `windowMs` at `nowMs`, atomically. The caller's
   * clock decides the time (tests inject theirs), so every store decides alike.
   */
  hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateLimitDecision>;
  health(): Promise<'up' | 'down'>;
}

export type { RateLimitDecision };
