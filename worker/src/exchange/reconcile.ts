/**
 * Restart reconciliation of a live bot, before it may trade again (NautilusTrader's rules, field notes §2):
 * - every order Postgres does not hold as final is looked up on the exchange by client order id. The exchange's
 *   report is authoritative: its state and every trade Postgres lacks are recorded (idempotently); an order still
 *   working there is cancelled first (its decision is stale and nobody supervises it), never re-sent — except a
 *   protective stop or a leg of an OCO list (stop + take profit), which is left working: it guards a position the
 *   bot still holds, and the restarted bot takes it over (live-controls-port.ts) instead of placing a second one.
 *   A list's leg that filled while the worker was down lands as its fills (once), and the other leg as the
 *   exchange reports it: expired, i.e. cancelled;
 * - an order the exchange explicitly does not know is closed as never arrived — only if Postgres never saw it
 *   acknowledged (`pending`); one Postgres holds as open that the exchange denies cannot be explained;
 * - no order under the bot's client order id prefix may still be working on the exchange once Postgres holds
 *   all of them final (one would be an order Postgres never persisted, or one it wrongly believes closed);
 * - the bot's positions (its fills) are compared with the account's balances: the account must hold at least what
 *   the bot believes it holds. A missing balance is not a zero: it cannot confirm the position.
 * Whatever cannot be explained leaves the bot stopped with the reason (`unexplained`); an exchange that cannot be
 * asked leaves it stopped too, to be tried again later (`unreachable`). Both outcomes are audited.
 */
import { addDecimal, subDecimal } from '@keel/core/money/arithmetic.ts';
import { compareDecimal, DECIMAL_ZERO, type Decimal } from '@keel/core/money/decimal.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromNumber, decimalFromString } from '@keel/core/money/parse.ts';
import type { Bot, Database, Order, ServiceScope } from '@keel/db';
import { clientOrderIdFor } from '../bots/client-order-id.ts';
import { ExchangeFailure } from './exchange-errors.ts';
import { recordVenueOrder } from './record-venue-order.ts';
import type { Venue, VenueOrder } from './venue.ts';

export type ReconcileOutcome =
  /** `stopsKept`: protective stops and OCO legs still working on the exchange, left for the bot to take over. */
  | { status: 'reconciled'; ordersResolved: string[]; stopsKept: string[]; fillsRecovered: number }
  | { status: 'unreachable' | 'unexplained'; reason: string };

export const NOT_ON_EXCHANGE =
  'not known to the exchange on restart: the order never arrived; not re-sent (fail-closed reconciliation)';

/** Reads of a bot's fills for the position check; more means refuse to guess (as restore.ts). */
const MAX_FILLS = 1000;

class Unexplained extends Error {}

export async function reconcileLiveBot(database: Database, bot: Bot, venue: Venue): Promise<ReconcileOutcome> {
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcile(database, bot, venue);
  } catch (error) {
    if (error instanceof Unexplained) outcome = { status: 'unexplained', reason: error.message };
    else if (error instanceof ExchangeFailure) {
      // Busy or down: try again later. Refused (a bad key…): the owner must act first.
      const transient = error.kind === 'retryable' || error.kind === 'rate-limited';
      outcome = {
        status: transient ? 'unreachable' : 'unexplained',
        reason: `the exchange could not be asked (${error.kind}): ${error.message}`,
      };
    } else throw error;
  }
  await database.asService((tx) =>
    tx.audit.record({
      action: outcome.status === 'reconciled' ? 'worker.bot_reconciled' : 'worker.reconciliation_failed',
      userId: bot.userId,
      entity: 'bot',
      entityId: bot.id,
      payload: { ...outcome },
    }),
  );
  return outcome;
}

async function reconcile(database: Database, bot: Bot, venue: Venue): Promise<ReconcileOutcome> {
  const unsettled = await database.asService((tx) => tx.orders.listUnsettled(bot.id));
  let fillsRecovered = 0;
  for (const order of unsettled) {
    let reported = await venue.findOrder(order.clientOrderId, order.symbol);
    if (reported === null) {
      if (order.status !== 'pending') {
        throw new Unexplained(
          `order ${order.clientOrderId} is ${order.status} in Postgres but unknown to the exchange: cannot be explained`,
        );
      }
      await database.asService((tx) =>
        tx.orders.update(order.clientOrderId, { status: 'rejected', rejectReason: NOT_ON_EXCHANGE }),
      );
      continue;
    }
    if (reported.status === 'open' && !isProtective(order, reported)) {
      await venue.cancelOrder(order.clientOrderId, order.symbol);
      reported = await venue.findOrder(order.clientOrderId, order.symbol);
      if (reported === null) throw new Unexplained(`order ${order.clientOrderId} vanished from the exchange on cancel`);
    }
    const settled = reported;
    fillsRecovered += await database.asService(async (tx) => {
      const recorded = await recordVenueOrder(tx, bot, order, settled);
      await checkFillsMatch(tx, order, settled);
      return recorded.newFills.length;
    });
  }
  const keptWorking = new Set(
    (await database.asService((tx) => tx.orders.listUnsettled(bot.id))).map((order) => order.clientOrderId),
  );
  await checkNoStrayOrders(bot, venue, keptWorking);
  await checkPositions(database, bot, venue);
  const ids = unsettled.map((order) => order.clientOrderId);
  return {
    status: 'reconciled',
    ordersResolved: ids.filter((id) => !keptWorking.has(id)),
    stopsKept: ids.filter((id) => keptWorking.has(id)),
    fillsRecovered,
  };
}

/** The exchange's filled amount must be exactly the sum of the fills Postgres now holds for the order. */
async function checkFillsMatch(tx: ServiceScope, order: Order, reported: VenueOrder): Promise<void> {
  const fills = await tx.fills.list({ clientOrderId: order.clientOrderId, limit: MAX_FILLS });
  const recorded = fills.reduce((sum, fill) => addDecimal(sum, decimalFromString(fill.qtyBase)), DECIMAL_ZERO);
  if (compareDecimal(recorded, decimalFromNumber(reported.filledQtyBase)) !== 0) {
    throw new Unexplained(
      `order ${order.clientOrderId}: the exchange reports ${reported.filledQtyBase} filled but its trades add up to ${formatDecimal(recorded)}`,
    );
  }
}

/** A sell stop, or a sell leg of an order list (the take profit beside a stop): it guards the position. */
function isProtective(order: Order, reported: VenueOrder): boolean {
  return order.side === 'sell' && (order.type === 'stop' || reported.orderListId !== null);
}

/** `keptWorking`: orders Postgres holds as working (the stops left in place), not strays. */
async function checkNoStrayOrders(bot: Bot, venue: Venue, keptWorking: ReadonlySet<string>): Promise<void> {
  for (const symbol of bot.symbols) {
    const id = clientOrderIdFor(bot.id, symbol, 0);
    const prefix = id.slice(0, id.indexOf(':') + 1);
    const stray = (await venue.openClientOrderIds(symbol)).filter(
      (clientOrderId) => clientOrderId.startsWith(prefix) && !keptWorking.has(clientOrderId),
    );
    if (stray.length > 0) {
      throw new Unexplained(
        `${symbol}: orders of this bot working on the exchange that Postgres holds as closed or never persisted: ${stray.join(', ')}`,
      );
    }
  }
}

async function checkPositions(database: Database, bot: Bot, venue: Venue): Promise<void> {
  const fills = await database.asService((tx) => tx.fills.list({ botId: bot.id, limit: MAX_FILLS }));
  if (fills.length >= MAX_FILLS) throw new Unexplained(`bot has ${MAX_FILLS}+ fills: paged fill reads are needed`);
  const held = new Map<string, Decimal>();
  for (const fill of fills) {
    const qty = decimalFromString(fill.qtyBase);
    const before = held.get(fill.symbol) ?? DECIMAL_ZERO;
    held.set(fill.symbol, fill.side === 'buy' ? addDecimal(before, qty) : subDecimal(before, qty));
  }
  const balances = await venue.balances();
  for (const [symbol, qty] of held) {
    if (compareDecimal(qty, DECIMAL_ZERO) === 0) continue;
    const asset = symbol.split(/[-/]/)[0] ?? symbol;
    const balance = balances.get(asset);
    if (compareDecimal(qty, DECIMAL_ZERO) < 0) {
      throw new Unexplained(`${symbol}: the bot's fills add up to a short position (${formatDecimal(qty)}) on spot`);
    }
    if (balance === undefined) {
      throw new Unexplained(
        `${symbol}: the bot holds ${formatDecimal(qty)} ${asset} but the exchange reports no ${asset} balance (missing is not flat)`,
      );
    }
    if (compareDecimal(decimalFromNumber(balance), qty) < 0) {
      throw new Unexplained(
        `${symbol}: the bot holds ${formatDecimal(qty)} ${asset} by its fills but the exchange account holds only ${balance}`,
      );
    }
  }
}
