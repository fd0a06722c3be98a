/**
 * The live path's execution events (exchange/execution-events.ts) as WorkerEvents for one bot: a failed order is an
 * error from its exchange (counted by kind), a paused bot is a paused bot, a failed reconciliation is an anomaly.
 * Pass the result as `onEvent` when starting a live bot.
 */
import type { Bot } from '@keel/db';
import type { ExecutionEventListener } from '../exchange/execution-events.ts';
import type { WorkerEvents } from './worker-events.ts';

export function executionListenerFor(
  events: WorkerEvents,
  bot: Pick<Bot, 'id' | 'userId' | 'name' | 'exchange'>,
): ExecutionEventListener {
  return (event) => {
    switch (event.type) {
      case 'order_failed':
        events.error(bot, `order ${event.clientOrderId} failed: ${event.message}`, {
          exchange: bot.exchange,
          kind: event.kind,
        });
        return;
      case 'stop_failed':
        events.anomaly(
          bot,
          `${event.symbol}: protective stop ${event.clientOrderId} refused (${event.reason}); ` +
            (event.exitClientOrderId === null
              ? 'the market exit failed too: the position is UNPROTECTED'
              : `position exited at market (${event.exitClientOrderId})`),
        );
        return;
      case 'bot_paused':
        events.botPaused(bot, event.reason);
        return;
      case 'reconciliation_failed':
        events.anomaly(bot, `reconciliation with ${bot.exchange} failed: ${event.reason}`);
        return;
      case 'reconciled':
        if (event.ordersResolved > 0 || event.fillsRecovered > 0) {
          events.anomaly(
            bot,
            `reconciled with ${bot.exchange}: ${event.ordersResolved} order(s) resolved, ${event.fillsRecovered} fill(s) recovered`,
          );
        }
        return;
    }
  };
}
