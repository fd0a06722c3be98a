/**
 * /v1/bots: a user's bots — configure (CRUD) and steer (start, stop, kill). The edge records wishes (desired state,
 * kill switch); the worker acts on them and reports the bot's status. Every change is audited by the database.
 */
import type { z } from '@hono/zod-openapi';
import { Bot, BotCreate, BotUpdate, KillRequest, PageQuery, page, RiskLimits } from '@keel/contract';
import type { Bot as BotRow, NewBot } from '@keel/db';
import type { EdgeApp } from '../http/context.ts';
import { pageOf } from '../http/pagination.ts';
import { fieldErrors } from '../http/problem.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import {
  IdParam,
  json,
  jsonBody,
  problems,
  type RouteKit,
  toIso,
  USER_PROBLEMS,
  userRoute,
} from '../http/route-kit.ts';

const DEFAULT_KILL_REASON = 'killed by the user';

/** The stored limits as the API shows them: valid limits, or what is stored and why it is not valid. */
function riskView(stored: BotRow['riskLimits']): Pick<z.infer<typeof Bot>, 'risk' | 'riskIssue'> {
  const parsed = RiskLimits.safeParse(stored);
  if (parsed.success) return { risk: parsed.data, riskIssue: null };
  const reason = fieldErrors(parsed.error)
    .map(({ path, message }) => (path === '' ? message : `${path}: ${message}`))
    .join('; ');
  return { risk: null, riskIssue: { stored, reason } };
}

export function botView(row: BotRow): z.infer<typeof Bot> {
  return {
    id: row.id,
    name: row.name,
    exchange: row.exchange,
    symbols: row.symbols,
    timeframe: row.timeframe,
    mode: row.mode,
    agents: row.agents.map((agent) => agent.name),
    ...riskView(row.riskLimits),
    initialCashQuote: row.paperStartingCashQuote,
    exchangeCredentialId: row.exchangeCredentialId,
    desiredState: row.desiredState,
    status: row.killSwitch ? 'killed' : row.state,
    killSwitch: row.killSwitch,
    statusReason: row.killSwitch ? row.killSwitchReason : (row.breakerReason ?? row.stateReason),
    breakerState: row.breakerTrippedAt === null ? 'ACTIVE' : 'HALTED',
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

function newBotRow(input: z.infer<typeof BotCreate>): NewBot {
  return {
    name: input.name,
    exchange: input.exchange,
    exchangeCredentialId: input.exchangeCredentialId,
    symbols: input.symbols,
    timeframe: input.timeframe,
    mode: input.mode,
    agents: input.agents.map((name) => ({ name })),
    riskLimits: input.risk,
    paperStartingCashQuote: input.initialCashQuote,
  };
}

export function registerBotRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['bots'];
  const one = json(Bot, 'The bot');

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/bots',
      tags,
      summary: 'Your bots',
      request: { query: PageQuery },
      responses: { 200: json(page(Bot), 'A page of bots, oldest first'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.bots.list());
      return jsonAnswer(c, pageOf(rows.map(botView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/bots',
      tags,
      summary: 'Create a bot (stopped; start it when ready)',
      request: jsonBody(BotCreate),
      responses: { 201: one, ...problems(...USER_PROBLEMS, 409, 422) },
    }),
    async (c) => {
      const row = await kit.asUser(c, (tx) => tx.bots.create(newBotRow(c.req.valid('json'))));
      return jsonAnswer(c, botView(row), 201);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/bots/{id}',
      tags,
      summary: 'One bot',
      request: { params: IdParam },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => jsonAnswer(c, botView(await kit.asUser(c, (tx) => tx.bots.get(c.req.valid('param').id))), 200),
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'patch',
      path: '/v1/bots/{id}',
      tags,
      summary: 'Change a bot’s name, markets, timeframe, agents or risk limits',
      request: { params: IdParam, ...jsonBody(BotUpdate) },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404, 409) },
    }),
    async (c) => {
      const change = c.req.valid('json');
      const row = await kit.asUser(c, (tx) =>
        tx.bots.update(c.req.valid('param').id, {
          ...(change.name === undefined ? {} : { name: change.name }),
          ...(change.symbols === undefined ? {} : { symbols: change.symbols }),
          ...(change.timeframe === undefined ? {} : { timeframe: change.timeframe }),
          ...(change.agents === undefined ? {} : { agents: change.agents.map((name) => ({ name })) }),
          ...(change.risk === undefined ? {} : { riskLimits: change.risk }),
        }),
      );
      return jsonAnswer(c, botView(row), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'delete',
      path: '/v1/bots/{id}',
      tags,
      summary: 'Delete a bot and its history',
      description: 'A bot with orders cannot be deleted (422): stop it instead.',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problems(...USER_PROBLEMS, 404, 422) },
    }),
    async (c) => {
      await kit.asUser(c, (tx) => tx.bots.remove(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/bots/{id}/start',
      tags,
      summary: 'Start a bot (clears its kill switch)',
      request: { params: IdParam },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await kit.asUser(c, async (tx) => {
        const bot = await tx.bots.get(id);
        if (bot.killSwitch) await tx.bots.setKillSwitch(id, false, null);
        await tx.bots.setDesiredState(id, 'running');
        return tx.bots.get(id);
      });
      return jsonAnswer(c, botView(row), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/bots/{id}/stop',
      tags,
      summary: 'Stop a bot: no new orders; open positions are kept',
      request: { params: IdParam },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await kit.asUser(c, async (tx) => {
        await tx.bots.setDesiredState(id, 'stopped');
        return tx.bots.get(id);
      });
      return jsonAnswer(c, botView(row), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/bots/{id}/kill',
      tags,
      summary: 'Kill a bot: engage its kill switch and stop it at once',
      description: 'The worker cancels its open orders and, with its risk settings, closes positions.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: KillRequest } }, required: false } },
      responses: { 200: one, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as Partial<z.infer<typeof KillRequest>>;
      const row = await kit.asUser(c, async (tx) => {
        await tx.bots.setKillSwitch(id, true, body.reason ?? DEFAULT_KILL_REASON);
        await tx.bots.setDesiredState(id, 'stopped');
        return tx.bots.get(id);
      });
      return jsonAnswer(c, botView(row), 200);
    },
  );
}
