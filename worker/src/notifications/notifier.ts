/**
 * The notifier: `notify(notification)` returns at once; the owner's enabled, verified channels that subscribe to the
 * event (no events listed: every event) are looked up off the trading path, and one delivery per channel goes to
 * that channel kind's outbox (delivery-queue.ts). Every outcome is counted in keel_notifications_total{channel,
 * outcome} and failures are logged without the message body or any credential. Nothing here can fail a candle.
 */
import type { Database, NotificationChannel } from '@keel/db';
import type { Logger } from '../logger.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import { createDeliveryQueue, type DeliveryQueue, type DeliveryQueueOptions } from './delivery-queue.ts';
import { renderNotification } from './format.ts';
import type { Notification, RenderedMessage } from './notification.ts';

export type ChannelKind = NotificationChannel['kind'];

/** One way out (Telegram, email). `target` is the channel's chat id or address. */
export interface ChannelSender {
  kind: ChannelKind;
  send(target: string, message: RenderedMessage): Promise<void>;
}

interface Delivery {
  target: string;
  event: Notification['event'];
  message: RenderedMessage;
}

export interface NotifierOptions {
  database: Database;
  senders: ChannelSender[];
  metrics: WorkerMetrics;
  logger: Logger;
  /** Per-queue tuning (capacity, attempts, backoff); defaults in delivery-queue.ts. */
  queue?: Pick<DeliveryQueueOptions<Delivery>, 'capacity' | 'maxAttempts' | 'retryBaseMs'>;
}

export interface Notifier {
  notify(notification: Notification): void;
  /** Resolves when everything notified so far is delivered, given up or dropped. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

function wants(channel: NotificationChannel, event: Notification['event']): boolean {
  return channel.events.length === 0 || channel.events.includes(event);
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { database, metrics, logger } = options;
  const queues = new Map<ChannelKind, DeliveryQueue<Delivery>>();
  for (const sender of options.senders) {
    queues.set(
      sender.kind,
      createDeliveryQueue<Delivery>({
        ...options.queue,
        deliver: (delivery) => sender.send(delivery.target, delivery.message),
        onOutcome(outcome, delivery, error) {
          metrics.notifications.inc({ channel: sender.kind, outcome });
          if (outcome !== 'sent') {
            logger.warn(
              {
                channel: sender.kind,
                event: delivery.event,
                outcome,
                error: error === undefined ? null : String(error),
              },
              'notification not delivered',
            );
          }
        },
      }),
    );
  }
  const routing = new Set<Promise<void>>();
  let closed = false;

  async function route(notification: Notification): Promise<void> {
    const channels = await database.asService((tx) => tx.notificationChannels.listDeliverable(notification.userId));
    const wanted = channels.filter((channel) => queues.has(channel.kind) && wants(channel, notification.event));
    if (wanted.length === 0) return;
    const message = renderNotification(notification);
    for (const channel of wanted) {
      queues.get(channel.kind)?.push({ target: channel.target, event: notification.event, message });
    }
  }

  return {
    notify(notification) {
      if (closed || queues.size === 0) return;
      const routed = route(notification)
        .catch((error: unknown) => {
          for (const kind of queues.keys()) metrics.notifications.inc({ channel: kind, outcome: 'failed' });
          logger.warn({ event: notification.event, error: String(error) }, 'notification channels not found');
        })
        .finally(() => routing.delete(routed));
      routing.add(routed);
    },
    async settled() {
      while (routing.size > 0) await Promise.all(routing);
      for (const queue of queues.values()) await queue.drain();
    },
    async close() {
      closed = true;
      while (routing.size > 0) await Promise.all(routing);
      for (const queue of queues.values()) await queue.close();
    },
  };
}
