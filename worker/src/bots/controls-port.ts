/**
 * The paper broker as the risk controls' execution port. The risk manager names its own orders (protective stops,
 * a halt's exits) `<botId>:<symbol>:<time>:<role>`, longer than the 36 characters the orders table and venues take,
 * so each gets a deterministic short id here — `<bot uuid's 12 hex digits>:r:<18 characters of its SHA-256>` —
 * and the manager keeps using its own names. Every order placed is noted, for the runner to record.
 */
import { createHash } from 'node:crypto';
import type { PaperBroker } from '@keel/core/execution/paper-broker.ts';
import type { OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import type { ExecutionPort } from '@keel/core/risk/types.ts';

const BOT_DIGITS = 12;
const HASH_CHARS = 18;

export class ControlsPort implements ExecutionPort {
  /** Orders placed since the runner last took them. */
  readonly placed: Readonly<OrderState>[] = [];
  private readonly broker: PaperBroker;
  private readonly prefix: string;

  constructor(broker: PaperBroker, botId: string) {
    this.broker = broker;
    this.prefix = `${botId.replaceAll('-', '').slice(0, BOT_DIGITS)}:r:`;
  }

  /** The stored id of a risk-manager order name (ids already short pass through: openOrders hands those out). */
  storedId(clientOrderId: string): string {
    if (clientOrderId.startsWith(this.prefix)) return clientOrderId;
    const digest = createHash('sha256').update(clientOrderId).digest('base64url');
    return `${this.prefix}${digest.slice(0, HASH_CHARS)}`;
  }

  submit(order: OrderRequest, decisionTime: number): Readonly<OrderState> {
    const state = this.broker.submit({ ...order, clientOrderId: this.storedId(order.clientOrderId) }, decisionTime);
    this.placed.push(state);
    return state;
  }

  cancel(clientOrderId: string): boolean {
    return this.broker.cancel(this.storedId(clientOrderId));
  }

  order(clientOrderId: string): Readonly<OrderState> | undefined {
    return this.broker.order(this.storedId(clientOrderId));
  }

  openOrders(): readonly Readonly<OrderState>[] {
    return this.broker.openOrders();
  }
}
