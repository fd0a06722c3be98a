/**
 * What the live path tells the outside world (notifications, metrics): one small typed callback, so the
 * notifications engineer hooks in without the broker knowing about Telegram or email. Messages carry no secrets.
 */
import type { ExchangeFailureKind } from './exchange-errors.ts';

export type ExecutionEvent =
  | {
      type: 'order_failed';
      botId: string;
      userId: string;
      clientOrderId: string;
      kind: ExchangeFailureKind;
      message: string;
    }
  | { type: 'bot_paused'; botId: string; userId: string; reason: string }
  /** A protective stop could not be placed: the position was exited at market (`exitClientOrderId`), or not. */
  | {
      type: 'stop_failed';
      botId: string;
      userId: string;
      symbol: string;
      clientOrderId: string;
      reason: string;
      exitClientOrderId: string | null;
    }
  | { type: 'reconciled'; botId: string; userId: string; ordersResolved: number; fillsRecovered: number }
  | { type: 'reconciliation_failed'; botId: string; userId: string; reason: string };

export type ExecutionEventListener = (event: ExecutionEvent) => void;

export const ignoreExecutionEvents: ExecutionEventListener = () => {};
