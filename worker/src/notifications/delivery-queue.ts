/**
 * One channel kind's outbox: bounded, delivered one at a time in order, each delivery retried with exponential
 * backoff. It never throws to whoever pushes: a full queue drops the newest item, a delivery that fails every
 * attempt is given up; both are reported through `onOutcome` (counted and logged by the notifier). One queue per
 * channel kind, so a dead SMTP server does not hold Telegram messages back.
 */
import type { NotificationOutcome } from '../observability/metrics.ts';

export interface DeliveryQueueOptions<Item> {
  deliver(item: Item): Promise<void>;
  onOutcome(outcome: NotificationOutcome, item: Item, error?: unknown): void;
  /** Items waiting at most; default 1,000. */
  capacity?: number;
  /** Tries per item, the first included; default 4. */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each next one; default 1 s. */
  retryBaseMs?: number;
}

export const DELIVERY_DEFAULTS = { capacity: 1_000, maxAttempts: 4, retryBaseMs: 1_000 } as const;

export interface DeliveryQueue<Item> {
  /** False when the item was dropped (queue full or closed). */
  push(item: Item): boolean;
  /** Resolves when every item pushed so far is delivered or given up. */
  drain(): Promise<void>;
  /** Stops taking items; pending retries are cut short (given up) so shutdown does not wait out backoffs. */
  close(): Promise<void>;
  readonly size: number;
}

export function createDeliveryQueue<Item>(options: DeliveryQueueOptions<Item>): DeliveryQueue<Item> {
  const capacity = options.capacity ?? DELIVERY_DEFAULTS.capacity;
  const maxAttempts = options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts;
  const retryBaseMs = options.retryBaseMs ?? DELIVERY_DEFAULTS.retryBaseMs;
  const waiting: Item[] = [];
  let closed = false;
  let running: Promise<void> | null = null;
  let cancelBackoff: (() => void) | null = null;

  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancelBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      cancelBackoff = null;
    });

  async function deliverOne(item: Item): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await options.deliver(item);
        options.onOutcome('sent', item);
        return;
      } catch (error) {
        lastError = error;
        if (attempt === maxAttempts || closed) break;
        await backoff(retryBaseMs * 2 ** (attempt - 1));
        if (closed) break;
      }
    }
    options.onOutcome('failed', item, lastError);
  }

  async function run(): Promise<void> {
    for (let item = waiting.shift(); item !== undefined; item = waiting.shift()) await deliverOne(item);
    running = null;
  }

  return {
    push(item) {
      if (closed || waiting.length >= capacity) {
        options.onOutcome('dropped', item);
        return false;
      }
      waiting.push(item);
      running ??= run();
      return true;
    },
    async drain() {
      while (running !== null) await running;
    },
    async close() {
      closed = true;
      cancelBackoff?.();
      while (running !== null) await running;
    },
    get size() {
      return waiting.length;
    },
  };
}
