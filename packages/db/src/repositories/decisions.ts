/**
 * decisions: the decision engine's rationale records, one per decision — a few typed columns to query by (time,
 * bot, symbol, action, confidence) and the rationale as jsonb: regime, chosen agent, each agent's vote and
 * confidence, top contributing features, risk tolerance, risk verdict and reasons.
 */
import { z } from 'zod';
import { idColumn, jsonObjectColumn, symbolInput, timeInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { RISK_TOLERANCES } from './profiles.ts';
import { json, limitOf, parseInput, selectRows, whereSet } from './statements.ts';

export const DECISION_ACTIONS = ['buy', 'sell', 'hold'] as const;

const confidence = z.number().min(0).max(1);

/** The rationale's known parts; the engine may add more (loose objects keep them). */
export const decisionRationaleSchema = z.looseObject({
  regime: z.string().max(100).optional(),
  chosenAgent: z.string().max(100).optional(),
  votes: z
    .array(z.looseObject({ agent: z.string().max(100), action: z.enum(DECISION_ACTIONS), confidence }))
    .optional(),
  topFeatures: z.array(z.looseObject({ name: z.string().max(100), contribution: z.number() })).optional(),
  riskTolerance: z.enum(RISK_TOLERANCES).optional(),
  riskVerdict: z
    .looseObject({ kind: z.enum(['approve', 'resize', 'reject']), reasons: z.array(z.string().max(1000)) })
    .optional(),
});
export type DecisionRationale = z.output<typeof decisionRationaleSchema>;

export const decisionRow = z.object({
  id: idColumn,
  userId: z.string(),
  botId: z.string(),
  time: timestampColumn,
  symbol: z.string(),
  action: z.enum(DECISION_ACTIONS),
  confidence: z.string().transform(Number),
  rationale: jsonObjectColumn,
  createdAt: timestampColumn,
});
export type Decision = z.output<typeof decisionRow>;

const newDecisionFields = {
  botId: z.uuid(),
  time: timeInput,
  symbol: symbolInput,
  action: z.enum(DECISION_ACTIONS),
  confidence,
  rationale: decisionRationaleSchema,
};
const newDecision = z.strictObject(newDecisionFields);
const newServiceDecision = z.strictObject({ ...newDecisionFields, userId: z.uuid() });
export type NewDecision = z.input<typeof newDecision>;
export type NewServiceDecision = z.input<typeof newServiceDecision>;

export interface DecisionListOptions {
  botId?: string;
  limit?: number;
  /** Keyset paging: decisions with a smaller id. */
  beforeId?: string;
}

const COLUMNS = `id, user_id as "userId", bot_id as "botId", time, symbol, action, confidence::text as confidence,
  rationale, created_at as "createdAt"`;

const INSERT_BATCH = `insert into public.decisions (user_id, bot_id, time, symbol, action, confidence, rationale)
  select r.user_id, r.bot_id, r.time, r.symbol, r.action, r.confidence, r.rationale
  from jsonb_to_recordset($1::text::jsonb) as r(user_id uuid, bot_id uuid, time timestamptz, symbol text,
    action public.decision_action, confidence numeric, rationale jsonb)`;

type ValidDecision = z.output<typeof newDecision> & { userId: string };

async function insertOne(executor: Executor, decision: ValidDecision): Promise<Decision> {
  const [row] = await executor.query(
    `insert into public.decisions (user_id, bot_id, time, symbol, action, confidence, rationale)
     values ($1, $2, $3::timestamptz, $4, $5, $6::numeric, $7::text::jsonb) returning ${COLUMNS}`,
    [
      decision.userId,
      decision.botId,
      decision.time,
      decision.symbol,
      decision.action,
      decision.confidence,
      json(decision.rationale),
    ],
  );
  return decisionRow.parse(row);
}

async function insertBatch(executor: Executor, decisions: ValidDecision[]): Promise<number> {
  if (decisions.length === 0) return 0;
  const rows = decisions.map((d) => ({
    user_id: d.userId,
    bot_id: d.botId,
    time: d.time,
    symbol: d.symbol,
    action: d.action,
    confidence: d.confidence,
    rationale: d.rationale,
  }));
  await executor.query(INSERT_BATCH, [json(rows)]);
  return decisions.length;
}

function listDecisions(executor: Executor, options: DecisionListOptions): Promise<Decision[]> {
  const { where, params } = whereSet([
    ['bot_id = ?::uuid', options.botId],
    ['id < ?::bigint', options.beforeId],
  ]);
  return selectRows(
    executor,
    decisionRow,
    `select ${COLUMNS} from public.decisions ${where} order by id desc limit ${limitOf(options.limit)}`,
    params,
  );
}

export function userDecisions(executor: Executor, userId: string) {
  return {
    list: (options: DecisionListOptions = {}): Promise<Decision[]> => listDecisions(executor, options),
    insert: (decision: NewDecision): Promise<Decision> =>
      insertOne(executor, { ...parseInput(newDecision, decision, 'decision'), userId }),
    insertMany: (decisions: readonly NewDecision[]): Promise<number> =>
      insertBatch(
        executor,
        decisions.map((d, i) => ({ ...parseInput(newDecision, d, `decision ${i}`), userId })),
      ),
  };
}

export function serviceDecisions(executor: Executor) {
  return {
    list: (options: DecisionListOptions = {}): Promise<Decision[]> => listDecisions(executor, options),
    insert: (decision: NewServiceDecision): Promise<Decision> =>
      insertOne(executor, parseInput(newServiceDecision, decision, 'decision')),
    insertMany: (decisions: readonly NewServiceDecision[]): Promise<number> =>
      insertBatch(
        executor,
        decisions.map((d, i) => parseInput(newServiceDecision, d, `decision ${i}`)),
      ),
  };
}
