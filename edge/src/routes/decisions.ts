/** /v1/decisions: what the bots decided and why — each agent's vote, the top features, the risk verdict. */
import { BotScopedQuery, Decision, page } from '@keel/contract';
import type { Decision as DecisionRow } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { keysetBefore, keysetPage } from '../http/pagination.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

type Rationale = z.infer<typeof Decision>['rationale'];

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

/** The stored rationale (loose jsonb, as the engine wrote it) in the contract's shape; unknown parts are dropped. */
function rationaleView(raw: Record<string, unknown>): Rationale {
  const verdict =
    typeof raw.riskVerdict === 'object' && raw.riskVerdict !== null ? (raw.riskVerdict as Record<string, unknown>) : {};
  const kind = verdict.kind;
  return {
    regime: text(raw.regime),
    chosenAgent: text(raw.chosenAgent),
    votes: list(raw.votes).map((vote) => ({
      agent: text(vote.agent) ?? 'unknown',
      action: vote.action === 'buy' || vote.action === 'sell' ? vote.action : 'hold',
      confidence: number(vote.confidence) ?? 0,
      targetExposure: number(vote.targetExposure),
    })),
    topFeatures: list(raw.topFeatures).map((feature) => ({
      name: text(feature.name) ?? 'unknown',
      value: number(feature.value) ?? 0,
      contribution: number(feature.contribution),
    })),
    riskTolerance: text(raw.riskTolerance),
    riskVerdict: kind === 'approve' || kind === 'resize' || kind === 'reject' ? kind : null,
    riskReasons: Array.isArray(verdict.reasons)
      ? verdict.reasons.filter((r): r is string => typeof r === 'string')
      : [],
    signals: list(raw.signals).map((signal) => ({
      name: text(signal.name) ?? 'unknown',
      available: signal.available === true,
      value: number(signal.value),
      maskedBecause: text(signal.maskedBecause),
    })),
    reason: text(raw.reason) ?? '',
  };
}

function decisionView(row: DecisionRow): z.infer<typeof Decision> {
  return {
    id: row.id,
    botId: row.botId,
    time: toIso(row.time),
    symbol: row.symbol,
    action: row.action,
    confidence: row.confidence,
    rationale: rationaleView(row.rationale),
    clientOrderId: text(row.rationale.clientOrderId),
  };
}

export function registerDecisionRoutes(app: EdgeApp, kit: RouteKit): void {
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/decisions',
      tags: ['trading'],
      summary: 'Decisions of your bots with their rationale, newest first',
      request: { query: BotScopedQuery },
      responses: { 200: json(page(Decision), 'A page of decisions'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor, botId, symbol } = c.req.valid('query');
      const beforeId = keysetBefore(cursor);
      const rows = await kit.asUser(c, (tx) =>
        tx.decisions.list({ limit: limit + 1, ...(botId ? { botId } : {}), ...(beforeId ? { beforeId } : {}) }),
      );
      const page = keysetPage(rows, limit, (row) => row.id);
      const items = page.items.filter((row) => symbol === undefined || row.symbol === symbol).map(decisionView);
      return jsonAnswer(c, { items, nextCursor: page.nextCursor }, 200);
    },
  );
}
