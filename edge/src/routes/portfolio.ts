/**
 * /v1/portfolio, /v1/positions, /v1/equity and /v1/risk: what a user's bots hold and are worth.
 *
 * The portfolio is the dashboard's most-read figure, so it is one statement in one RLS transaction, sent in one
 * round trip (database.readAsUser): the user's bots (found through bots_name_key, which starts with user_id) each
 * with its latest equity snapshot, the one before the 24-hour mark and the one before midnight UTC (each a backward
 * scan of equity_snapshots_bot_time_key), its open positions (positions_bot_symbol_key) and the profile's currency
 * (primary key). It is raw SQL under the user's role and claims, so row-level security still decides what exists.
 * Its answer is kept per user for a moment (cache/user-snapshot-cache.ts): polling dashboards and API clients then
 * cost no database round trip until the worker announces a change or the snapshot's TTL ends.
 */
import { z } from '@hono/zod-openapi';
import { EquityCurve, EquityQuery, Portfolio, Position, RiskSnapshot } from '@keel/contract';
import { historicalVar, periodReturns, sharpeRatio } from '@keel/core/backtest/metrics.ts';
import type { Bot as BotRow, EquitySnapshot, Position as PositionRow, UserScope } from '@keel/db';
import { type UserSnapshotCache, userSnapshotCache } from '../cache/user-snapshot-cache.ts';
import type { EdgeApp } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { component, json, problems, type RouteKit, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';
import type { EdgeDeps } from '../ports.ts';
import { downsampleCurve } from '../series/downsample-curve.ts';

const PORTFOLIO_SQL = `
with bot_equity as (
  select b.id, b.state,
    coalesce(latest.equity_quote, case when b.mode = 'paper' then b.paper_starting_cash_quote else 0 end) as equity,
    coalesce(latest.cash_quote, case when b.mode = 'paper' then b.paper_starting_cash_quote else 0 end) as cash,
    day_ago.equity_quote as equity_day_ago,
    midnight.equity_quote as equity_midnight
  from public.bots b
  left join lateral (select e.equity_quote, e.cash_quote from public.equity_snapshots e
    where e.bot_id = b.id order by e.time desc limit 1) latest on true
  left join lateral (select e.equity_quote from public.equity_snapshots e
    where e.bot_id = b.id and e.time <= now() - interval '24 hours' order by e.time desc limit 1) day_ago on true
  left join lateral (select e.equity_quote from public.equity_snapshots e
    where e.bot_id = b.id and e.time <= date_trunc('day', now() at time zone 'utc') at time zone 'utc'
    order by e.time desc limit 1) midnight on true
  where b.user_id = $1
)
select
  coalesce(sum(equity), 0)::text as "equityQuote",
  coalesce(sum(cash), 0)::text as "cashQuote",
  coalesce(sum(equity - equity_day_ago), 0)::text as "changeQuote24h",
  sum(equity_day_ago)::text as "equityDayAgo",
  coalesce(sum(equity - equity_midnight), 0)::text as "dailyPnlQuote",
  count(*) filter (where state = 'running')::int as "runningBots",
  (select count(*)::int from public.positions p where p.bot_id in (select id from bot_equity) and p.qty_base <> 0)
    as "openPositions",
  (select p.settings ->> 'currency' from public.profiles p where p.id = $1) as currency
from bot_equity`;

const portfolioRow = z.object({
  equityQuote: z.string(),
  cashQuote: z.string(),
  changeQuote24h: z.string(),
  equityDayAgo: z.string().nullable(),
  dailyPnlQuote: z.string(),
  runningBots: z.number(),
  openPositions: z.number(),
  currency: z.string().nullable(),
});

/** Equity points per bot and the year fraction of one step, for annualising: one step per snapshot interval. */
const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;
const VAR_TAIL = 0.05;
/** Risk metrics look back this far. */
const RISK_LOOKBACK_MS = 90 * 24 * 3600 * 1000;
const RISK_MAX_POINTS = 100_000;
/** The equity chart's default window, back from its newest point (issue #8: 30 days by default). */
const EQUITY_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** Most snapshots read per bot for one chart before downsampling: 30 days at one a minute fit. */
const EQUITY_MAX_READ = 100_000;

/** What the worker publishes when a user's portfolio moves; prices do not move it (no mark-to-market here). */
const PORTFOLIO_CHANNELS = new Set(['fills', 'orders', 'positions', 'equity', 'bots'] as const);

type PortfolioView = z.infer<typeof Portfolio>;

/** The per-user snapshots GET /v1/portfolio serves from (the consistency rule: cache/user-snapshot-cache.ts). */
export function portfolioSnapshotCache(deps: EdgeDeps): UserSnapshotCache<PortfolioView> {
  return userSnapshotCache<PortfolioView>({
    bus: deps.bus,
    clock: deps.clock,
    ttlMs: deps.config.portfolioCache.ttlMs,
    maxUsers: deps.config.portfolioCache.maxUsers,
    invalidatedBy: PORTFOLIO_CHANNELS,
  });
}

function trimDecimal(text: string): string {
  if (!text.includes('.')) return text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

function positionView(row: PositionRow): z.infer<typeof Position> {
  return {
    botId: row.botId,
    symbol: row.symbol,
    qtyBase: row.qtyBase.replace(/^-/, ''),
    averageEntryPrice: row.qtyBase === '0' ? null : row.avgEntryPriceQuote,
    markPrice: null,
    unrealisedPnlQuote: '0',
    realisedPnlQuote: row.realizedPnlQuote,
  };
}

/** The combined curve of several bots: at each time, the sum of every bot's latest value so far. */
export function combineCurves(curves: readonly (readonly [number, number])[][]): [number, number][] {
  const events = curves
    .flatMap((curve, bot) => curve.map(([time, equity]) => ({ time, equity, bot })))
    .sort((a, b) => a.time - b.time);
  const latest = new Array<number>(curves.length).fill(0);
  let total = 0;
  const combined: [number, number][] = [];
  for (const { time, equity, bot } of events) {
    total += equity - (latest[bot] as number);
    latest[bot] = equity;
    const last = combined.at(-1);
    if (last !== undefined && last[0] === time) last[1] = total;
    else combined.push([time, total]);
  }
  return combined;
}

/**
 * The equity window asked for: [from, to) as given; without `from`, the 30 days before `to`, or before the
 * newest point when `to` is absent too (a bot stopped last month still shows its last month, not an empty chart).
 */
async function equityWindow(
  tx: UserScope,
  botIds: readonly string[],
  from: string | undefined,
  to: string | undefined,
): Promise<{ from: Date; to?: Date } | null> {
  if (from !== undefined) return { from: new Date(from), ...(to === undefined ? {} : { to: new Date(to) }) };
  if (to !== undefined) return { from: new Date(Date.parse(to) - EQUITY_WINDOW_MS), to: new Date(to) };
  const latest = await tx.equity.latestTime(botIds);
  return latest === null ? null : { from: new Date(latest.getTime() - EQUITY_WINDOW_MS) };
}

export function riskOf(
  bot: BotRow,
  snapshots: readonly EquitySnapshot[],
  positions: readonly PositionRow[],
  nowMs: number,
): z.infer<typeof RiskSnapshot> {
  const equity = Float64Array.from(snapshots, (s) => Number(s.equityQuote));
  const last = equity.length > 0 ? (equity[equity.length - 1] as number) : Number(bot.paperStartingCashQuote);
  let peak = Number.NEGATIVE_INFINITY;
  for (const value of equity) peak = Math.max(peak, value);
  const exposureQuote = positions.reduce(
    (sum, p) => sum + Math.abs(Number(p.qtyBase)) * Number(p.avgEntryPriceQuote),
    0,
  );
  const returns = periodReturns(equity);
  const first = snapshots[0];
  const lastSnapshot = snapshots.at(-1);
  const stepMs =
    first && lastSnapshot && snapshots.length > 1
      ? (lastSnapshot.time.getTime() - first.time.getTime()) / (snapshots.length - 1)
      : 0;
  return {
    botId: bot.id,
    drawdownFromPeak: peak > 0 ? Math.max(0, 1 - last / peak) : 0,
    breakerState: bot.breakerTrippedAt === null ? 'ACTIVE' : 'HALTED',
    exposureFraction: last > 0 ? exposureQuote / last : 0,
    var95: historicalVar(returns, VAR_TAIL),
    sharpe: stepMs > 0 ? sharpeRatio(returns, MS_PER_YEAR / stepMs) : null,
    time: new Date(lastSnapshot?.time.getTime() ?? nowMs).toISOString(),
  };
}

function portfolioView(raw: Record<string, unknown> | undefined): PortfolioView {
  const row = portfolioRow.parse(raw);
  const dayAgo = row.equityDayAgo === null ? null : Number(row.equityDayAgo);
  return {
    equityQuote: trimDecimal(row.equityQuote),
    cashQuote: trimDecimal(row.cashQuote),
    changeQuote24h: trimDecimal(row.changeQuote24h),
    changeFraction24h: dayAgo !== null && dayAgo > 0 ? Number(row.changeQuote24h) / dayAgo : null,
    dailyPnlQuote: trimDecimal(row.dailyPnlQuote),
    winRate: null,
    openPositions: row.openPositions,
    runningBots: row.runningBots,
    currency: row.currency ?? 'USDT',
  };
}

/** The consistency rule of GET /v1/portfolio, as API users read it in the OpenAPI document. */
function portfolioConsistency(ttlMs: number): string {
  if (ttlMs === 0) return 'Read afresh for every request; concurrent requests of one user share one read.';
  return (
    `Served from a per-user snapshot for at most ${ttlMs} ms after it was read. A fill, order, position, equity ` +
    'or bot change the worker publishes for you, or a write you make through this API server, makes the next ' +
    'request read afresh; a change that reaches this server by neither way (a write through another API server, ' +
    `a lost message) shows within ${ttlMs} ms. Concurrent requests of one user share one read.`
  );
}

export function registerPortfolioRoutes(
  app: EdgeApp,
  kit: RouteKit,
  snapshots: UserSnapshotCache<PortfolioView>,
): void {
  const tags = ['portfolio'];

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/portfolio',
      tags,
      summary: 'Your portfolio across bots: equity, cash, change, open positions',
      description: portfolioConsistency(kit.deps.config.portfolioCache.ttlMs),
      responses: { 200: json(component(Portfolio, 'Portfolio'), 'The portfolio now'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const userId = c.get('principal').userId;
      // Keyed by the verified user id, read as that user under RLS: a snapshot only ever reaches its own user.
      const portfolio = await snapshots.get(userId, async () => {
        const [raw] = await kit.readAsUser(c, PORTFOLIO_SQL, [userId]);
        return portfolioView(raw);
      });
      return jsonAnswer(c, portfolio, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/positions',
      tags,
      summary: 'Open and closed positions of your bots',
      request: { query: z.object({ botId: z.uuid().optional() }) },
      responses: {
        200: json(z.object({ items: z.array(component(Position, 'Position')) }), 'Positions by bot and symbol'),
        ...problems(...USER_PROBLEMS),
      },
    }),
    async (c) => {
      const { botId } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.positions.list(botId ? { botId } : {}));
      return c.json({ items: rows.map(positionView) }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/equity',
      tags,
      summary: 'Equity curve of one bot, or of all your bots together',
      description:
        'The newest 30 days by default (back from the latest point); `from`/`to` zoom. Downsampled evenly to at most ' +
        '`limit` points: the first and last point and each stretch’s low and high are kept, so drawdowns stay visible.',
      request: { query: EquityQuery },
      responses: {
        200: json(component(EquityCurve, 'EquityCurve'), 'Points [time ms, equity]'),
        ...problems(...USER_PROBLEMS, 404),
      },
    }),
    async (c) => {
      const { botId, from, to, limit } = c.req.valid('query');
      const curves = await kit.asUser(c, async (tx) => {
        const botIds = botId ? [(await tx.bots.get(botId)).id] : (await tx.bots.list()).map((bot) => bot.id);
        const window = await equityWindow(tx, botIds, from, to);
        if (window === null) return [];
        const lists = [];
        for (const id of botIds) lists.push(await tx.equity.list({ botId: id, ...window, limit: EQUITY_MAX_READ }));
        return lists;
      });
      const points = curves.map((snapshots) =>
        snapshots.map((s): [number, number] => [s.time.getTime(), Number(s.equityQuote)]),
      );
      const curve = botId ? (points[0] ?? []) : combineCurves(points);
      return c.json({ botId: botId ?? null, points: downsampleCurve(curve, limit) }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/risk',
      tags,
      summary: 'Risk metrics of each bot: drawdown, breaker, exposure, VaR, Sharpe',
      request: { query: z.object({ botId: z.uuid().optional() }) },
      responses: {
        200: json(z.object({ items: z.array(component(RiskSnapshot, 'RiskSnapshot')) }), 'One snapshot per bot'),
        ...problems(...USER_PROBLEMS, 404),
      },
    }),
    async (c) => {
      const { botId } = c.req.valid('query');
      const now = kit.deps.clock.now();
      const items = await kit.asUser(c, async (tx) => {
        const bots = botId ? [await tx.bots.get(botId)] : await tx.bots.list();
        const positions = await tx.positions.list(botId ? { botId } : {});
        const snapshots = [];
        for (const bot of bots) {
          const recent = await tx.equity.list({
            botId: bot.id,
            from: new Date(now - RISK_LOOKBACK_MS),
            limit: RISK_MAX_POINTS,
          });
          snapshots.push(
            riskOf(
              bot,
              recent,
              positions.filter((p) => p.botId === bot.id),
              now,
            ),
          );
        }
        return snapshots;
      });
      return c.json({ items }, 200);
    },
  );
}
