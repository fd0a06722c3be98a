/**
 * The publisher's outbox: messages in publish order, bounded, so a transport outage costs waiting, not messages,
 * up to a point. Each message is numbered (its publisher sequence number) and stays unsent until the transport
 * took it; then it is kept `retainMs` longer, so it can be sent again if the transport restarts empty before
 * every reader read it (readers drop what they already delivered, by sequence number).
 *
 * Past `maxMessages` the oldest message goes: a sent one costs nothing, an unsent one is a dropped message — its
 * publish() is rejected with StreamMessageDroppedError and it is counted. Memory is bounded by `maxMessages`.
 */
import { StreamMessageDroppedError } from './stream-bus.ts';

export interface OutboxMessage {
  readonly seq: number;
  readonly userId: string;
  readonly json: string;
}

interface Entry extends OutboxMessage {
  /** When the transport took it; null while unsent. */
  sentAtMs: number | null;
  resolve(): void;
  reject(error: Error): void;
}

export interface OutboxOptions {
  maxMessages: number;
  /** How long a sent message is kept to be sent again after a transport restart. */
  retainMs: number;
}

/** Below this many spent slots the array is not compacted: compaction copies, so it waits for a real gain. */
const COMPACT_AFTER = 1024;

export class Outbox {
  private readonly maxMessages: number;
  private readonly retainMs: number;
  /** entries[head..] are held, oldest first; the ones before head are spent (compacted away now and then). */
  private entries: Entry[] = [];
  private head = 0;
  private nextSeq = 1;
  /** The sequence number of the first unsent message (every held message from it on is unsent). */
  private firstUnsentSeq = 1;
  private droppedSinceReport = 0;

  constructor(options: OutboxOptions) {
    if (!Number.isInteger(options.maxMessages) || options.maxMessages < 1) {
      throw new RangeError(`maxMessages must be a whole number ≥ 1, got ${options.maxMessages}`);
    }
    this.maxMessages = options.maxMessages;
    this.retainMs = options.retainMs;
  }

  /** Queues a message; the promise settles when the transport took it, or when it is dropped. */
  add(userId: string, json: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.entries.push({ seq: this.nextSeq++, userId, json, sentAtMs: null, resolve, reject });
      if (this.size > this.maxMessages) this.evictOldest();
    });
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  get unsentCount(): number {
    const held = this.size;
    return held === 0 ? 0 : Math.min(held, this.nextSeq - this.firstUnsentSeq);
  }

  /** Up to `limit` unsent messages, oldest first. */
  unsent(limit: number): OutboxMessage[] {
    const start = this.indexOf(this.firstUnsentSeq);
    return this.entries.slice(start, Math.min(start + limit, this.entries.length));
  }

  /** The transport took every message up to `seq`, in order. */
  markSent(seq: number, nowMs: number): void {
    if (seq < this.firstUnsentSeq) return;
    const end = Math.min(this.indexOf(seq + 1), this.entries.length);
    for (let i = this.indexOf(this.firstUnsentSeq); i < end; i++) {
      const entry = this.entries[i] as Entry;
      entry.sentAtMs = nowMs;
      entry.resolve();
    }
    this.firstUnsentSeq = seq + 1;
    this.forgetSentBefore(nowMs - this.retainMs);
  }

  /** The transport lost what it took (it restarted empty): every message still held is sent again, in order. */
  resendRetained(): void {
    if (this.size > 0) this.firstUnsentSeq = (this.entries[this.head] as Entry).seq;
  }

  /** Drops every unsent message (the bus is closing and cannot wait); returns how many. */
  dropUnsent(error: Error): number {
    const start = this.indexOf(this.firstUnsentSeq);
    const dropped = this.entries.length - start;
    for (let i = start; i < this.entries.length; i++) (this.entries[i] as Entry).reject(error);
    this.entries.length = start;
    this.droppedSinceReport += dropped;
    this.firstUnsentSeq = this.nextSeq;
    return dropped;
  }

  /** Unsent messages dropped since the last call. */
  takeDroppedCount(): number {
    const dropped = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    return dropped;
  }

  private indexOf(seq: number): number {
    if (this.size === 0) return this.entries.length;
    return this.head + Math.max(0, seq - (this.entries[this.head] as Entry).seq);
  }

  private evictOldest(): void {
    const oldest = this.entries[this.head] as Entry;
    this.advanceHead();
    if (oldest.seq >= this.firstUnsentSeq) this.firstUnsentSeq = oldest.seq + 1;
    // One the transport took once (held to be sent again after a restart) was published: its promise resolved.
    if (oldest.sentAtMs !== null) return;
    this.droppedSinceReport++;
    oldest.reject(new StreamMessageDroppedError(`more than ${this.maxMessages} messages waited for the transport`));
  }

  private forgetSentBefore(cutoffMs: number): void {
    while (this.size > 0) {
      const oldest = this.entries[this.head] as Entry;
      if (oldest.sentAtMs === null || oldest.sentAtMs >= cutoffMs) return;
      this.advanceHead();
    }
  }

  private advanceHead(): void {
    this.entries[this.head] = undefined as unknown as Entry;
    this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
