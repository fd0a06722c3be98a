/**
 * The reconnect loop shared by the ccxt.pro market streams (ccxt-kline-stream.ts, ccxt-trade-stream.ts): connect a
 * fresh client (ccxt-pro-client.ts), then take one watch answer at a time under a stall deadline. Each answer is
 * first `take`n (checked, turned into what the stream delivers; throwing counts as a failed socket), then the
 * stream is marked up, then the result is delivered. On any failure — the watch, the stall, a refused answer — the
 * client is closed, the stream is told it is down and why, and it reconnects after a backoff with jitter. stop()
 * wakes a backoff and ends the loop once the answer in hand is done.
 */
import type { Exchange } from 'ccxt';
import { backoffDelayMs, DEFAULT_RETRY } from '../exchange/retry.ts';
import type { Logger } from '../logger.ts';
import { connectProClient } from './ccxt-pro-client.ts';

const DEFAULT_RECONNECT_MS = 1_000;
const DEFAULT_MAX_RECONNECT_MS = 60_000;

export interface ProStreamLoopOptions<Answer, Taken> {
  exchangeId: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** Fields naming the stream in its failure log line, and that line's message. */
  logFields: Record<string, unknown>;
  failureMessage: string;
  /** The health reason given when the first answer of a connection arrives. */
  upReason: string;
  /** No answer for this long: the socket counts as stalled (`stalledError`). */
  stallMs: number;
  stalledError(stallMs: number): Error;
  /** First wait before reconnecting; doubled per failure up to `maxReconnectMs`, with jitter. Default 1 s. */
  reconnectMs?: number;
  /** Default 60 s. */
  maxReconnectMs?: number;
  /** One watch call on the client: its next answer. */
  watch(client: Exchange): Promise<Answer>;
  /** Checks an answer and turns it into what is delivered; throws to refuse it. */
  take(answer: Answer): Taken;
  deliver(taken: Taken): void;
  /** The stream went up or down, and why. */
  health(up: boolean, reason: string): void;
  /** After a failure, before reconnecting: forget what the old socket sent (e.g. a kline not yet closed). */
  onFailure?(): void;
}

export class ProStreamLoop<Answer, Taken> {
  /** An answer came on the current socket and no failure since. */
  up = false;
  private readonly options: ProStreamLoopOptions<Answer, Taken>;
  private client: Exchange | null = null;
  private stopping = false;
  private running: Promise<void> | null = null;
  private wakeFromBackoff: (() => void) | null = null;

  constructor(options: ProStreamLoopOptions<Answer, Taken>) {
    this.options = options;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();
    await this.closeClient();
    await this.running;
  }

  private async run(): Promise<void> {
    const options = this.options;
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.client === null) {
          const client = await connectProClient(options.exchangeId, options.env);
          // stop() came while connecting: it had no client to close yet.
          if (this.stopping) await client.close();
          else this.client = client;
          continue;
        }
        const taken = options.take(await this.nextAnswer(this.client));
        failures = 0;
        if (!this.up) {
          this.up = true;
          options.health(true, options.upReason);
        }
        options.deliver(taken);
      } catch (error) {
        if (this.stopping) break;
        const reason = error instanceof Error ? error.message : String(error);
        options.logger.warn({ ...options.logFields, error: reason }, options.failureMessage);
        await this.closeClient();
        options.onFailure?.();
        if (this.up) {
          this.up = false;
          options.health(false, reason);
        }
        await this.backoff(failures++);
      }
    }
  }

  /** The next watch answer, or the stall error when none comes within the deadline. */
  private async nextAnswer(client: Exchange): Promise<Answer> {
    const watch = this.options.watch(client);
    // The losing promise of the race still settles (rejected when the socket is closed): nobody waits for it.
    watch.catch(() => {});
    const stallMs = this.options.stallMs;
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.options.stalledError(stallMs)), stallMs);
    });
    try {
      return await Promise.race([watch, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => {});
  }

  private backoff(failures: number): Promise<void> {
    const delayMs = backoffDelayMs(failures, {
      ...DEFAULT_RETRY,
      baseDelayMs: this.options.reconnectMs ?? DEFAULT_RECONNECT_MS,
      maxDelayMs: this.options.maxReconnectMs ?? DEFAULT_MAX_RECONNECT_MS,
    });
    return new Promise((resolve) => {
      const timer = setTimeout(done, delayMs);
      this.wakeFromBackoff = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
