/** /v1/backtests: submit a backtest, follow its status, read its results; the worker runs them. */
import { Backtest, BacktestCreate, PageQuery, page } from '@keel/contract';
import type { Backtest as BacktestRow } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { pageOf, rowsNeeded } from '../http/pagination.ts';
import { conflict } from '../http/problem.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import {
  IdParam,
  json,
  jsonBody,
  problems,
  type RouteKit,
  toIso,
  toIsoOrNull,
  USER_PROBLEMS,
  userRoute,
} from '../http/route-kit.ts';

/** A user's backtests queued or running at once: the worker runs them one at a time per process, for everyone. */
export const MAX_PENDING_BACKTESTS = 10;

function backtestView(row: BacktestRow): z.infer<typeof Backtest> {
  return {
    id: row.id,
    status: row.status,
    botId: row.botId,
    request: row.params,
    result: row.metrics,
    error: row.error,
    createdAt: toIso(row.createdAt),
    startedAt: toIsoOrNull(row.startedAt),
    finishedAt: toIsoOrNull(row.finishedAt),
  };
}

export function registerBacktestRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['backtests'];
  const one = json(Backtest, 'The backtest');

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/backtests',
      tags,
      summary: 'Submit a backtest (queued; the worker runs it)',
      description:
        `At most ${MAX_PENDING_BACKTESTS} of a user's backtests wait or run at once (the queue is shared by every ` +
        'user): one more is refused with 409 until one finishes or is cancelled.',
      request: jsonBody(BacktestCreate),
      responses: { 202: one, ...problems(...USER_PROBLEMS, 409) },
    }),
    async (c) => {
      const row = await kit.asUser(c, (tx) =>
        tx.backtests.queueWithin({ params: c.req.valid('json') }, MAX_PENDING_BACKTESTS),
      );
      if (row === null) {
        throw conflict(
          `you have ${MAX_PENDING_BACKTESTS} backtests queued or running: wait for one to finish, or cancel one`,
        );
      }
      return jsonAnswer(c, backtestView(row), 202);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/backtests',
      tags,
      summary: 'Your backtests, newest first',
      request: { query: PageQuery },
      responses: { 200: json(page(Backtest), 'A page of backtests'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const { fetch } = rowsNeeded(limit, cursor);
      const rows = await kit.asUser(c, (tx) => tx.backtests.list({ limit: fetch }));
      const page = pageOf(rows, limit, cursor);
      return jsonAnswer(c, { items: page.items.map(backtestView), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/backtests/{id}',
      tags,
      summary: 'A backtest: status, and results once it succeeded',
      request: { params: IdParam },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) =>
      jsonAnswer(c, backtestView(await kit.asUser(c, (tx) => tx.backtests.get(c.req.valid('param').id))), 200),
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/backtests/{id}/cancel',
      tags,
      summary: 'Cancel a queued or running backtest',
      request: { params: IdParam },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await kit.asUser(c, async (tx) => {
        await tx.backtests.cancel(id);
        return tx.backtests.get(id);
      });
      return jsonAnswer(c, backtestView(row), 200);
    },
  );
}
