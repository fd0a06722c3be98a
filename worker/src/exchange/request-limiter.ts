/**
 * Request weight per exchange, shared by every bot of this process: exchanges limit (and ban) by IP, and one
 * multi-user worker is one IP, so all its users' bots draw from the same budget (Hummingbot's AsyncThrottler with
 * linked weight pools, freqtrade#7187). A token bucket of `weightPerMinute`, refilled continuously; callers wait in
 * arrival order. A 429's Retry-After holds every caller of that exchange, not just the one that got it.
 */

export interface RequestLimiterOptions {
  /** Budget per minute; default 4,800 (80 % of Binance spot's 6,000 REQUEST_WEIGHT per minute). */
  weightPerMinute?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_WEIGHT_PER_MINUTE = 4_800;
const MINUTE_MS = 60_000;

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RequestLimiter {
  readonly weightPerMinute: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private available: number;
  private refilledAt: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: RequestLimiterOptions = {}) {
    this.weightPerMinute = options.weightPerMinute ?? DEFAULT_WEIGHT_PER_MINUTE;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.available = this.weightPerMinute;
    this.refilledAt = this.now();
  }

  /** Resolves when `weight` may be spent; callers are served in the order they asked. */
  acquire(weight: number): Promise<void> {
    const turn = this.queue.then(() => this.waitFor(Math.min(weight, this.weightPerMinute)));
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** The venue said wait (Retry-After): nobody sends to it before then. */
  holdFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }

  private async waitFor(weight: number): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.blockedUntil) {
        await this.sleep(this.blockedUntil - now);
        continue;
      }
      this.available = Math.min(
        this.weightPerMinute,
        this.available + ((now - this.refilledAt) * this.weightPerMinute) / MINUTE_MS,
      );
      this.refilledAt = now;
      if (this.available >= weight) {
        this.available -= weight;
        return;
      }
      await this.sleep(Math.ceil(((weight - this.available) * MINUTE_MS) / this.weightPerMinute));
    }
  }
}

const sharedLimiters = new Map<string, RequestLimiter>();

/** The one limiter of `exchangeId` in this process (its budget configurable once, by the first caller). */
export function sharedLimiterFor(exchangeId: string, options: RequestLimiterOptions = {}): RequestLimiter {
  let limiter = sharedLimiters.get(exchangeId);
  if (limiter === undefined) {
    limiter = new RequestLimiter(options);
    sharedLimiters.set(exchangeId, limiter);
  }
  return limiter;
}
