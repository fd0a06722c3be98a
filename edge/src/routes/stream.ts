/**
 * GET /v1/stream: the real-time stream over WebSocket. Authenticated like every user route (a browser passes its
 * access token as ?access_token=, since it cannot set headers on a WebSocket); `?channels=fills,positions` picks
 * channels (default: all). Messages are StreamMessage JSON, per user, from the worker through the stream bus.
 */
import { StreamChannel, type StreamMessage } from '@keel/contract';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, EdgeApp } from '../http/context.ts';
import { ProblemError, validationProblem } from '../http/problem.ts';
import { problems, type RouteKit } from '../http/route-kit.ts';
import { openStream, type StreamStats, TOO_MANY_STREAMS_CLOSE_CODE } from '../stream/connection.ts';
import { turnBatchedSend } from '../stream/turn-batched-send.ts';

function parseChannels(raw: string | undefined): Set<StreamMessage['channel']> {
  if (raw === undefined || raw === '') return new Set(StreamChannel.options);
  const channels = new Set<StreamMessage['channel']>();
  for (const name of raw.split(',')) {
    const parsed = StreamChannel.safeParse(name.trim());
    if (!parsed.success) {
      throw validationProblem(
        [
          {
            path: 'channels',
            message: `unknown channel "${name.slice(0, 30)}": use ${StreamChannel.options.join(', ')}`,
          },
        ],
        'query',
      );
    }
    channels.add(parsed.data);
  }
  return channels;
}

/** Registers /v1/stream; returns its counters (messages delivered, slow clients dropped). */
export function registerStreamRoutes(
  app: EdgeApp,
  kit: RouteKit,
  authenticate: MiddlewareHandler<AppEnv>,
): StreamStats {
  const { deps } = kit;
  const streamStats: StreamStats = { delivered: 0, dropped: 0 };
  const openPerUser = new Map<string, number>();

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/stream',
    tags: ['stream'],
    summary: 'Real-time stream (WebSocket): prices, fills, orders, positions, equity, decisions, alerts, bots',
    description:
      'Upgrade to WebSocket. Authenticate with `Authorization: Bearer` or `?access_token=`. ' +
      '`?channels=` is a comma-separated subset of the channels. Each message is a StreamMessage. ' +
      'A client that does not keep up is closed with code 1013; more than the per-user limit of streams with 1008.',
    security: [{ bearerAuth: [] }],
    request: {},
    responses: {
      101: { description: 'Switching to WebSocket; then StreamMessage JSON, one per frame' },
      ...problems(401, 403, 426, 501),
    },
  });

  app.get('/v1/stream', authenticate, async (c, next) => {
    if (!c.get('principal').scopes.has('read'))
      throw new ProblemError(403, 'Forbidden', { detail: 'this API token lacks the "read" scope' });
    const channels = parseChannels(c.req.query('channels'));
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ProblemError(426, 'Upgrade required', {
        detail: 'connect with a WebSocket client',
        headers: { upgrade: 'websocket' },
      });
    }
    const upgrade = deps.upgradeWebSocket;
    if (upgrade === undefined)
      throw new ProblemError(501, 'Not available in this deployment', { detail: 'this runtime serves no WebSockets' });
    const { userId } = c.get('principal');
    const logger = c.get('logger');
    const handler = upgrade(() => {
      let close: (() => void) | null = null;
      let counted = false;
      return {
        onOpen(_event, ws) {
          const open = openPerUser.get(userId) ?? 0;
          if (open >= deps.config.stream.maxConnectionsPerUser) {
            ws.close(
              TOO_MANY_STREAMS_CLOSE_CODE,
              `at most ${deps.config.stream.maxConnectionsPerUser} streams per user`,
            );
            return;
          }
          openPerUser.set(userId, open + 1);
          counted = true;
          const raw = ws.raw as { bufferedAmount?: number } | undefined;
          const batching = deps.frameBatchingOf?.(ws.raw) ?? null;
          close = openStream({
            bus: deps.bus,
            userId,
            channels,
            maxBufferedBytes: deps.config.stream.maxBufferedBytes,
            stats: streamStats,
            socket: {
              send: batching === null ? (text) => ws.send(text) : turnBatchedSend(batching, (text) => ws.send(text)),
              close: (code, reason) => ws.close(code, reason),
              bufferedAmount: () => raw?.bufferedAmount ?? 0,
            },
            onSlowClient: () => logger.warn({ userId }, 'stream: slow client dropped'),
          });
        },
        onMessage(event, ws) {
          if (event.data === 'ping') ws.send('pong');
        },
        onClose() {
          close?.();
          if (counted) {
            const left = (openPerUser.get(userId) ?? 1) - 1;
            if (left <= 0) openPerUser.delete(userId);
            else openPerUser.set(userId, left);
          }
        },
      };
    });
    return handler(c, next);
  });
  return streamStats;
}
