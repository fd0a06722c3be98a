/**
 * The paper broker as the risk controls' execution port. The risk manager names its own orders (protective stops,
 * a halt's exits) `<botId>:<symbol>:<time>:<role>`, longer than the 36 characters the orders table and venues take,
 * so each gets a deterministic short id here — `<bot uuid's 12 hex digits>:r:<18 characters of its SHA-256>` —
 * and the manager keeps using its own names. Every order placed is noted, for the runner to record.
 */
import type { PaperBroker } from '@keel/core/execution/paper-broker.ts';
import type { OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import type { ExecutionPort } from '@keel/core/risk/types.ts';
import { riskOrderId } from './client-order-id.ts';

export class ControlsPort implements ExecutionPort {
  /** Orders placed since the runner last took them. */
  readonly placed: Readonly<OrderState>[] = [];
  private readonly broker: PaperBroker;
  private readonly botId: string;

  constructor(broker: PaperBroker, botId: string) {
    this.broker = broker;
    this.botId = botId;
  }

  storedId(clientOrderId: string): string {
    return riskOrderId(this.botId, clientOrderId);
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
