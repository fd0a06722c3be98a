/**
 * bots: what a user configures (symbols, timeframe, paper/live, agents, risk limits, desired state, the bot's kill
 * switch) and what the worker reports (state, breaker) and holds (a lease, so N workers share the bots and each
 * bot runs on one at a time).
 */
import { z } from 'zod';
import { decimalColumn, decimalInput, symbolInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { changeOne, json, parseInput, selectOne, selectRows } from './statements.ts';

export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '1w'] as const;
export const BOT_MODES = ['paper', 'live'] as const;
export const BOT_DESIRED_STATES = ['running', 'paused', 'stopped'] as const;
export const BOT_STATES = ['stopped', 'starting', 'running', 'paused', 'halted', 'error'] as const;
export type BotDesiredState = (typeof BOT_DESIRED_STATES)[number];
export type BotState = (typeof BOT_STATES)[number];

/** Risk limits every rule understands; rule-specific options ride along (loose object). */
export const riskLimitsSchema = z.looseObject({
  maxPositionFraction: z.number().gt(0).lte(1).optional(),
  maxDailyLossFraction: z.number().gt(0).lte(1).optional(),
  maxDrawdownFraction: z.number().gt(0).lte(1).optional(),
  maxOpenOrders: z.number().int().positive().optional(),
});
export type RiskLimits = z.output<typeof riskLimitsSchema>;

export const agentConfigSchema = z.looseObject({
  name: z.string().min(1).max(100),
  weight: z.number().min(0).optional(),
});
export type AgentConfig = z.output<typeof agentConfigSchema>;

export const botRow = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  exchange: z.string(),
  exchangeCredentialId: z.string().nullable(),
  symbols: z.array(z.string()),
  timeframe: z.enum(TIMEFRAMES),
  mode: z.enum(BOT_MODES),
  agents: z.array(agentConfigSchema),
  riskLimits: riskLimitsSchema,
  paperStartingCashQuote: decimalColumn,
  desiredState: z.enum(BOT_DESIRED_STATES),
  state: z.enum(BOT_STATES),
  stateReason: z.string().nullable(),
  stateChangedAt: timestampColumn.nullable(),
  killSwitch: z.boolean(),
  killSwitchReason: z.string().nullable(),
  breakerTrippedAt: timestampColumn.nullable(),
  breakerReason: z.string().nullable(),
  leaseOwner: z.string().nullable(),
  leaseExpiresAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type Bot = z.output<typeof botRow>;

const botFields = {
  name: z.string().min(1).max(100),
  exchange: z.string().regex(/^[a-z0-9]{2,32}$/, 'a ccxt exchange id such as binance'),
  exchangeCredentialId: z.uuid().nullable(),
  symbols: z.array(symbolInput).min(1).max(100),
  timeframe: z.enum(TIMEFRAMES),
  mode: z.enum(BOT_MODES),
  agents: z.array(agentConfigSchema),
  riskLimits: riskLimitsSchema,
  paperStartingCashQuote: decimalInput,
};
const newBot = z.strictObject({
  ...botFields,
  exchangeCredentialId: botFields.exchangeCredentialId.default(null),
  mode: botFields.mode.default('paper'),
  agents: botFields.agents.default([]),
  riskLimits: botFields.riskLimits.default({}),
  paperStartingCashQuote: botFields.paperStartingCashQuote.optional(),
});
export type NewBot = z.input<typeof newBot>;
const botPatch = z.strictObject(botFields).partial();
export type BotPatch = z.input<typeof botPatch>;

const COLUMNS = `b.id, b.user_id as "userId", b.name, b.exchange, b.exchange_credential_id as "exchangeCredentialId",
  b.symbols, b.timeframe, b.mode, b.agents, b.risk_limits as "riskLimits",
  b.paper_starting_cash_quote::text as "paperStartingCashQuote", b.desired_state as "desiredState", b.state,
  b.state_reason as "stateReason", b.state_changed_at as "stateChangedAt", b.kill_switch as "killSwitch",
  b.kill_switch_reason as "killSwitchReason", b.breaker_tripped_at as "breakerTrippedAt",
  b.breaker_reason as "breakerReason", b.lease_owner as "leaseOwner", b.lease_expires_at as "leaseExpiresAt",
  b.created_at as "createdAt", b.updated_at as "updatedAt"`;
const SELECT = `select ${COLUMNS} from public.bots b`;

function notFound(id: string) {
  return { entity: 'bot', key: id };
}

export function userBots(executor: Executor, userId: string) {
  const get = (id: string): Promise<Bot> =>
    selectOne(executor, botRow, `${SELECT} where b.id = $1`, [id], notFound(id));
  return {
    list: (): Promise<Bot[]> => selectRows(executor, botRow, `${SELECT} order by b.created_at, b.id`),
    get,

    async create(input: NewBot): Promise<Bot> {
      const valid = parseInput(newBot, input, 'bot');
      const [row] = await executor.query(
        `insert into public.bots (user_id, name, exchange, exchange_credential_id, symbols, timeframe, mode, agents,
           risk_limits, paper_starting_cash_quote)
         values ($1, $2, $3, $4, $5::text[], $6, $7, $8::text::jsonb, $9::text::jsonb, coalesce($10::numeric, 10000))
         returning id`,
        [
          userId,
          valid.name,
          valid.exchange,
          valid.exchangeCredentialId,
          valid.symbols,
          valid.timeframe,
          valid.mode,
          json(valid.agents),
          json(valid.riskLimits),
          valid.paperStartingCashQuote ?? null,
        ],
      );
      return get(String(row?.id));
    },

    /** Changes only the fields given (exchangeCredentialId: null detaches the keys, for paper mode). */
    async update(id: string, patch: BotPatch): Promise<Bot> {
      const valid = parseInput(botPatch, patch, 'bot');
      if (Object.keys(valid).length === 0) throw new InvalidInputError('bot: nothing to change');
      await changeOne(
        executor,
        `update public.bots set
           name = coalesce($2, name),
           exchange = coalesce($3, exchange),
           exchange_credential_id = case when $4 then $5::uuid else exchange_credential_id end,
           symbols = coalesce($6::text[], symbols),
           timeframe = coalesce($7, timeframe),
           mode = coalesce($8::public.bot_mode, mode),
           agents = coalesce($9::text::jsonb, agents),
           risk_limits = coalesce($10::text::jsonb, risk_limits),
           paper_starting_cash_quote = coalesce($11::numeric, paper_starting_cash_quote)
         where id = $1 returning id`,
        [
          id,
          valid.name ?? null,
          valid.exchange ?? null,
          valid.exchangeCredentialId !== undefined,
          valid.exchangeCredentialId ?? null,
          valid.symbols ?? null,
          valid.timeframe ?? null,
          valid.mode ?? null,
          valid.agents === undefined ? null : json(valid.agents),
          valid.riskLimits === undefined ? null : json(valid.riskLimits),
          valid.paperStartingCashQuote ?? null,
        ],
        notFound(id),
      );
      return get(id);
    },

    async setDesiredState(id: string, desiredState: BotDesiredState): Promise<void> {
      const valid = parseInput(z.enum(BOT_DESIRED_STATES), desiredState, 'desiredState');
      await changeOne(
        executor,
        'update public.bots set desired_state = $2 where id = $1 returning id',
        [id, valid],
        notFound(id),
      );
    },

    /** The bot's own kill switch (the user's and the platform's are on profiles and platform_settings). */
    async setKillSwitch(id: string, engaged: boolean, reason: string | null = null): Promise<void> {
      await changeOne(
        executor,
        'update public.bots set kill_switch = $2, kill_switch_reason = $3 where id = $1 returning id',
        [id, engaged, reason],
        notFound(id),
      );
    },

    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.bots where id = $1 returning id', [id], notFound(id));
    },
  };
}

export interface LeaseOptions {
  /** How long a lease lasts unless renewed (default 30 s). */
  leaseMs?: number;
  /** Most bots claimed in one call (default 50). */
  limit?: number;
  /**
   * Which leases: 'any' (default) free, expired or already `owner`'s (claiming again renews them); 'new' free or
   * expired only — a worker that renews its own in one statement (renewLeases) claims only bots new to it; 'own'
   * only `owner`'s — a worker started again under the same name takes its bots back first.
   */
  which?: 'any' | 'new' | 'own';
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_LEASE_LIMIT = 50;

export function serviceBots(executor: Executor) {
  return {
    get: (id: string): Promise<Bot> => selectOne(executor, botRow, `${SELECT} where b.id = $1`, [id], notFound(id)),

    /**
     * Leases bots that need a worker — meant to run, or still running and meant to stop — whose lease is free,
     * expired or already `owner`'s. SKIP LOCKED lets N workers claim at once without waiting on each other.
     */
    claimLeases: (owner: string, options: LeaseOptions = {}): Promise<Bot[]> =>
      selectRows(
        executor,
        botRow,
        `with claimable as (
           select id from public.bots
           where (desired_state <> 'stopped' or state in ('starting', 'running', 'paused'))
             and case $4::text
               when 'own' then lease_owner = $1
               when 'new' then lease_expires_at is null or lease_expires_at < now()
               else lease_expires_at is null or lease_expires_at < now() or lease_owner = $1
             end
           order by lease_expires_at nulls first, id
           limit $3
           for update skip locked
         )
         update public.bots b set lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2::float8 / 1000)
         from claimable c where b.id = c.id
         returning ${COLUMNS}`,
        [owner, options.leaseMs ?? DEFAULT_LEASE_MS, options.limit ?? DEFAULT_LEASE_LIMIT, options.which ?? 'any'],
      ),

    /**
     * The heartbeat of a worker's bots, one statement however many: of `ids`, those whose lease `owner` still holds
     * (unexpired) — a bot missing from the answer was lost, another worker may run it. Only leases past half their
     * length are extended: each row is written about every half lease instead of every round (a bots update pays
     * for the audit trigger), and a lease still has half its length left when renewed.
     */
    async renewLeases(owner: string, ids: readonly string[], leaseMs = DEFAULT_LEASE_MS): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await executor.query(
        `with held as (
           select id, lease_expires_at from public.bots
           where id = any($1::uuid[]) and lease_owner = $2 and lease_expires_at >= now()
         ), renewed as (
           update public.bots b set lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
           from held h
           where b.id = h.id and h.lease_expires_at < now() + make_interval(secs => $3::float8 / 2000)
             and b.lease_owner = $2 and b.lease_expires_at >= now()
           returning b.id
         )
         select id from held`,
        [ids, owner, leaseMs],
      );
      return rows.map((row) => String(row.id));
    },

    /**
     * Of `ids`, the bots a worker must look at again: not meant to run, not reported running, their own kill switch
     * on, or among `alsoIds` (e.g. under the owner's or the platform's kill switch). The rest run on untouched.
     */
    needingAttention: (ids: readonly string[], alsoIds: readonly string[] = []): Promise<Bot[]> =>
      ids.length === 0
        ? Promise.resolve([])
        : selectRows(
            executor,
            botRow,
            `${SELECT} where b.id = any($1::uuid[])
               and (b.desired_state <> 'running' or b.state <> 'running' or b.kill_switch or b.id = any($2::uuid[]))`,
            [ids, alsoIds],
          ),

    async renewLease(id: string, owner: string, leaseMs = DEFAULT_LEASE_MS): Promise<boolean> {
      const rows = await executor.query(
        `update public.bots set lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
         where id = $1 and lease_owner = $2 and lease_expires_at >= now() returning id`,
        [id, owner, leaseMs],
      );
      return rows.length === 1;
    },

    async releaseLease(id: string, owner: string): Promise<boolean> {
      const rows = await executor.query(
        'update public.bots set lease_owner = null, lease_expires_at = null where id = $1 and lease_owner = $2 returning id',
        [id, owner],
      );
      return rows.length === 1;
    },

    /**
     * releaseLease for many bots in one statement (a worker stopping thousands); returns the ids released. With
     * `report`, the same statement reports their state too: each bots update pays for the audit trigger, so one
     * update per bot instead of two. A bot whose lease `owner` no longer holds is left alone, its state included:
     * another worker's lease and report are never overwritten.
     */
    async releaseLeases(
      ids: readonly string[],
      owner: string,
      report?: { state: BotState; reason: string | null },
    ): Promise<string[]> {
      const state = report === undefined ? null : parseInput(z.enum(BOT_STATES), report.state, 'state');
      if (ids.length === 0) return [];
      const rows = await executor.query(
        `update public.bots set lease_owner = null, lease_expires_at = null,
           state = coalesce($3::public.bot_state, state),
           state_reason = case when $3::public.bot_state is null then state_reason else $4 end,
           state_changed_at = case when $3::public.bot_state is distinct from null
             and state is distinct from $3::public.bot_state then now() else state_changed_at end
         where id = any($1::uuid[]) and lease_owner = $2 returning id`,
        [ids, owner, state, report?.reason ?? null],
      );
      return rows.map((row) => String(row.id));
    },

    async reportState(id: string, state: BotState, reason: string | null = null): Promise<void> {
      const valid = parseInput(z.enum(BOT_STATES), state, 'state');
      await changeOne(
        executor,
        `update public.bots set state = $2, state_reason = $3,
           state_changed_at = case when state is distinct from $2::public.bot_state then now() else state_changed_at end
         where id = $1 returning id`,
        [id, valid, reason],
        notFound(id),
      );
    },

    /** reportState for many bots in one statement (a worker starting thousands); ids that do not exist are skipped. */
    async reportStates(ids: readonly string[], state: BotState, reason: string | null = null): Promise<void> {
      const valid = parseInput(z.enum(BOT_STATES), state, 'state');
      if (ids.length === 0) return;
      await executor.query(
        `update public.bots set state = $2, state_reason = $3,
           state_changed_at = case when state is distinct from $2::public.bot_state then now() else state_changed_at end
         where id = any($1::uuid[])`,
        [ids, valid, reason],
      );
    },

    async tripBreaker(id: string, reason: string): Promise<void> {
      await changeOne(
        executor,
        'update public.bots set breaker_tripped_at = now(), breaker_reason = $2 where id = $1 returning id',
        [id, reason],
        notFound(id),
      );
    },

    async resetBreaker(id: string): Promise<void> {
      await changeOne(
        executor,
        'update public.bots set breaker_tripped_at = null, breaker_reason = null where id = $1 returning id',
        [id],
        notFound(id),
      );
    },

    /**
     * Of these bots, the ones an engaged kill switch (platform, the owner's, the bot's own) must keep halted, with
     * the switch that does it: one query for a worker's whole lease round.
     */
    async killSwitched(ids: readonly string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await executor.query(
        `select b.id, case when s.kill_switch then 'platform kill switch'
                           when p.kill_switch then 'user kill switch'
                           else 'bot kill switch' end as reason
         from public.bots b join public.profiles p on p.id = b.user_id cross join public.platform_settings s
         where b.id = any($1::uuid[]) and (s.kill_switch or p.kill_switch or b.kill_switch)`,
        [ids],
      );
      return new Map(
        z
          .array(z.object({ id: z.string(), reason: z.string() }))
          .parse(rows)
          .map((r) => [r.id, r.reason]),
      );
    },

    /** Why the bot must not open positions now: any engaged kill switch (platform, user, bot) or a tripped breaker. */
    async haltReasons(id: string): Promise<string[]> {
      const [row] = await executor.query(
        `select array_remove(array[
           case when s.kill_switch then 'platform kill switch' end,
           case when p.kill_switch then 'user kill switch' end,
           case when b.kill_switch then 'bot kill switch' end,
           case when b.breaker_tripped_at is not null then 'circuit breaker: ' || b.breaker_reason end
         ], null) as reasons
         from public.bots b join public.profiles p on p.id = b.user_id cross join public.platform_settings s
         where b.id = $1`,
        [id],
      );
      if (row === undefined) throw new NotFoundError('bot', id);
      return z.array(z.string()).parse(row.reasons);
    },
  };
}
