/**
 * Per-trade protection: stop loss, take profit and trailing stop, as real orders resting on the venue (a stop-sell
 * and a limit-sell), so a position is protected even when the bot is not running (freqtrade#988).
 *
 * Levels, from the position's average entry price: stop = entry × (1 − stopLossFraction); trailing stop = highest
 * high since entry × (1 − trailingStopFraction), used when above the stop (it only ever rises, as the highest high
 * does); take profit = entry × (1 + takeProfitFraction); each to 12 significant digits (no binary noise), then to
 * the market's tick when it has one. Highs are those of closed candles: no look-ahead.
 *
 * Lifecycle (all through the ExecutionPort, so the backtester and the live worker share it):
 * 1. Entry: right behind an approved buy, at the same decision time, a provisional stop (a bracket, as an
 *    exchange's OTO order) is sent: level mark × (1 − stopLossFraction), quantity the position after the buy
 *    estimated from that level (an upper bound unless the market gaps through the stop; the venue sells at most
 *    what is held). It is live in the very candle the entry fills in, so the entry candle is protected too.
 * 2. Each candle close: the position's stop and take profit are (re)placed for exactly the quantity held, at the
 *    levels above; the old ones are cancelled only after the new ones are accepted (freqtrade#5451:
 *    cancel-then-replace leaves a window without a stop). A flat position's protective orders are cancelled.
 * 3. If a stop cannot be placed (the venue refuses it, or it is rejected), the position is exited at market at
 *    once (freqtrade PR #2206): no position is ever left without protection. If the bracket cannot be placed, the
 *    entry is cancelled instead.
 * Intra-candle order: the paper broker offers a candle to orders in submission order, and the stop is always sent
 * before the take profit (both are re-sent together), so when one candle reaches both levels the stop is assumed
 * hit first: the conservative reading of an unknown path. A stop gapped through fills at the open, worse than its
 * level (order-matching.ts).
 * Venues without stop orders (stopsOnVenue false): the bot checks each closed candle and exits at market on the
 * next one when its low reached the stop (or its high the take profit) — later and worse than a resting stop.
 */
import type { OrderRequest, OrderState } from '../execution/types.ts';
import { applyExchangeConstraints, priceOnTick, type ResolvedExchangeRules } from './exchange-constraints.ts';
import type { ExecutionPort, RiskEventType } from './types.ts';

export interface ProtectiveOptions {
  /** Default 0.05; null: none. */
  stopLossFraction: number | null;
  /** Default 0.10; null: none. */
  takeProfitFraction: number | null;
  /** Default null (off). */
  trailingStopFraction: number | null;
  /** Default true. */
  stopsOnVenue: boolean;
}

export const PROTECTIVE_DEFAULTS: Readonly<ProtectiveOptions> = Object.freeze({
  stopLossFraction: 0.05,
  takeProfitFraction: 0.1,
  trailingStopFraction: null,
  stopsOnVenue: true,
});

/** Significant digits kept in a computed level, before the market's tick rounding (if any). */
const LEVEL_SIGNIFICANT_DIGITS = 12;

export type ProtectiveExit = 'stop-loss' | 'trailing-stop' | 'take-profit';

export interface ProtectiveLevels {
  /** NaN: no stop. */
  stopPrice: number;
  stopKind: 'stop-loss' | 'trailing-stop';
  /** NaN: no take profit. */
  takeProfitPrice: number;
}

/** The levels for a position entered at `entryPrice` whose highest high since entry is `highestHigh` (NaN: none). */
export function protectiveLevels(
  entryPrice: number,
  highestHigh: number,
  options: ProtectiveOptions,
): ProtectiveLevels {
  const fixedStop = options.stopLossFraction === null ? Number.NaN : entryPrice * (1 - options.stopLossFraction);
  const trailingStop =
    options.trailingStopFraction === null ? Number.NaN : highestHigh * (1 - options.trailingStopFraction);
  const trailing = trailingStop > fixedStop || (Number.isNaN(fixedStop) && !Number.isNaN(trailingStop));
  return {
    stopPrice: clean(trailing ? trailingStop : fixedStop),
    stopKind: trailing ? 'trailing-stop' : 'stop-loss',
    takeProfitPrice:
      options.takeProfitFraction === null ? Number.NaN : clean(entryPrice * (1 + options.takeProfitFraction)),
  };
}

/** Drops binary noise from a computed level (100 × 1.1 = 110.00000000000001 → 110); NaN stays NaN. */
function clean(price: number): number {
  return Number(price.toPrecision(LEVEL_SIGNIFICANT_DIGITS));
}

/** What the controls report about protection; the risk manager turns it into a RiskEvent. */
export type ProtectionReport = (
  type: RiskEventType,
  symbolIndex: number,
  reason: string,
  from: string | null,
  to: string | null,
) => void;

interface Protection {
  stopId: string | null;
  stopPrice: number;
  stopQty: number;
  stopKind: ProtectiveExit;
  takeProfitId: string | null;
  takeProfitPrice: number;
  takeProfitQty: number;
  bracketId: string | null;
  exitId: string | null;
  highestHigh: number;
}

function isWorking(state: Readonly<OrderState> | undefined): boolean {
  return state !== undefined && (state.status === 'open' || state.status === 'partially_filled');
}

export class ProtectiveOrders {
  private readonly port: ExecutionPort;
  private readonly botId: string;
  private readonly symbols: readonly string[];
  private readonly rules: readonly ResolvedExchangeRules[];
  private readonly options: ProtectiveOptions;
  private readonly report: ProtectionReport;
  private readonly protections: Protection[];
  /** Protective order id → what its fill means, for the audit trail. */
  private readonly exitKinds = new Map<string, ProtectiveExit | 'exit'>();

  constructor(
    port: ExecutionPort,
    botId: string,
    symbols: readonly string[],
    rules: readonly ResolvedExchangeRules[],
    options: ProtectiveOptions,
    report: ProtectionReport,
  ) {
    this.port = port;
    this.botId = botId;
    this.symbols = symbols;
    this.rules = rules;
    this.options = options;
    this.report = report;
    this.protections = symbols.map(() => ({
      stopId: null,
      stopPrice: Number.NaN,
      stopQty: 0,
      stopKind: 'stop-loss',
      takeProfitId: null,
      takeProfitPrice: Number.NaN,
      takeProfitQty: 0,
      bracketId: null,
      exitId: null,
      highestHigh: Number.NaN,
    }));
  }

  get enabled(): boolean {
    return (
      this.options.stopLossFraction !== null ||
      this.options.trailingStopFraction !== null ||
      this.options.takeProfitFraction !== null
    );
  }

  /** What a fill of `clientOrderId` means: a protective exit, a market exit ('exit'), or undefined (not ours). */
  exitKindOf(clientOrderId: string): ProtectiveExit | 'exit' | undefined {
    return this.exitKinds.get(clientOrderId);
  }

  /** The stop price currently resting for symbol s (NaN: none); for reports and tests. */
  stopPriceOf(s: number): number {
    const protection = this.protections[s] as Protection;
    return isWorking(this.orderState(protection.stopId)) ? protection.stopPrice : Number.NaN;
  }

  /** Sends the provisional stop behind an entry buy just submitted (step 1 of the file comment). */
  onEntrySubmitted(s: number, entry: OrderRequest, markQuote: number, heldQtyBase: number, decisionTime: number): void {
    const stopFraction = this.options.stopLossFraction ?? this.options.trailingStopFraction;
    if (!this.options.stopsOnVenue || stopFraction === null) return;
    const level = markQuote * (1 - stopFraction);
    const addedQty = entry.quoteQty !== undefined ? entry.quoteQty / level : (entry.qtyBase ?? 0);
    const protection = this.protections[s] as Protection;
    const placed = this.place(
      s,
      { side: 'sell', type: 'stop', qtyBase: heldQtyBase + addedQty, stopPrice: level },
      'bracket',
      decisionTime,
      Number.POSITIVE_INFINITY,
      'stop-loss',
      `provisional stop behind entry ${entry.clientOrderId}`,
    );
    if (typeof placed === 'string') {
      this.port.cancel(entry.clientOrderId);
      this.report(
        'stop-failed',
        s,
        `bracket stop for entry ${entry.clientOrderId} refused (${placed}); entry cancelled`,
        'entry',
        'cancelled',
      );
      return;
    }
    protection.bracketId = placed.request.clientOrderId;
  }

  /**
   * After candle (high, low) of symbol s closed with `heldQtyBase` held at average entry `entryPrice`: keeps the
   * stop and take profit in line (step 2), or exits at market when a stop cannot be placed (step 3).
   */
  maintain(s: number, heldQtyBase: number, entryPrice: number, high: number, low: number, decisionTime: number): void {
    const protection = this.protections[s] as Protection;
    if (!(heldQtyBase > 0)) {
      this.cancelProtection(protection);
      protection.highestHigh = Number.NaN;
      protection.exitId = null;
      return;
    }
    if (!(high <= protection.highestHigh)) protection.highestHigh = high;
    if (isWorking(this.orderState(protection.exitId))) return;
    const levels = protectiveLevels(entryPrice, protection.highestHigh, this.options);
    if (!this.options.stopsOnVenue) {
      this.watchWithoutVenueStops(s, heldQtyBase, levels, high, low, decisionTime);
      return;
    }
    const rules = this.rules[s] as ResolvedExchangeRules;
    const wantStop = !Number.isNaN(levels.stopPrice);
    const wantTakeProfit = !Number.isNaN(levels.takeProfitPrice);
    const stopPrice = wantStop ? priceOnTick(levels.stopPrice, 'sell', rules) : Number.NaN;
    const takeProfitPrice = wantTakeProfit ? priceOnTick(levels.takeProfitPrice, 'sell', rules) : Number.NaN;
    const stopInPlace =
      !wantStop ||
      (isWorking(this.orderState(protection.stopId)) &&
        protection.stopQty === heldQtyBase &&
        protection.stopPrice === stopPrice);
    const takeProfitInPlace =
      !wantTakeProfit ||
      (isWorking(this.orderState(protection.takeProfitId)) &&
        protection.takeProfitQty === heldQtyBase &&
        protection.takeProfitPrice === takeProfitPrice);
    if (stopInPlace && takeProfitInPlace) {
      this.cancelOrder(protection.bracketId);
      protection.bracketId = null;
      return;
    }
    const replaced = [protection.stopId, protection.takeProfitId, protection.bracketId];
    if (wantStop) {
      const placed = this.place(
        s,
        { side: 'sell', type: 'stop', qtyBase: heldQtyBase, stopPrice },
        'stop',
        decisionTime,
        heldQtyBase,
        levels.stopKind,
        `${levels.stopKind} at ${stopPrice} (entry ${entryPrice})`,
      );
      if (typeof placed === 'string') {
        this.exitAtMarket(s, heldQtyBase, decisionTime, 'stop-failed', `stop at ${stopPrice} refused (${placed})`);
        return;
      }
      protection.stopId = placed.request.clientOrderId;
      protection.stopPrice = stopPrice;
      protection.stopQty = heldQtyBase;
      protection.stopKind = levels.stopKind;
    }
    if (wantTakeProfit) {
      const placed = this.place(
        s,
        { side: 'sell', type: 'limit', qtyBase: heldQtyBase, limitPrice: takeProfitPrice },
        'take-profit',
        decisionTime,
        heldQtyBase,
        'take-profit',
        `take profit at ${takeProfitPrice} (entry ${entryPrice})`,
      );
      // A refused take profit loses no protection: the stop is in place; it is retried next candle.
      protection.takeProfitId = typeof placed === 'string' ? null : placed.request.clientOrderId;
      protection.takeProfitPrice = takeProfitPrice;
      protection.takeProfitQty = heldQtyBase;
    }
    for (const id of replaced) if (id !== protection.stopId && id !== protection.takeProfitId) this.cancelOrder(id);
    protection.bracketId = null;
  }

  /** Sells `qtyBase` of symbol s at market now (a failed stop, a halt, a kill switch); false if the venue refused. */
  exitAtMarket(s: number, qtyBase: number, decisionTime: number, type: RiskEventType, why: string): boolean {
    const placed = this.place(
      s,
      { side: 'sell', type: 'market', qtyBase },
      type === 'flatten' ? 'flatten' : 'exit',
      decisionTime,
      qtyBase,
      'exit',
      why,
    );
    const ok = typeof placed !== 'string';
    if (ok) (this.protections[s] as Protection).exitId = placed.request.clientOrderId;
    this.report(
      type,
      s,
      ok ? `${why}: exiting ${qtyBase} at market` : `${why}; market exit refused too (${placed})`,
      'open',
      ok ? 'exit-at-market' : 'unprotected',
    );
    return ok;
  }

  /** Cancels the protective orders of symbol s. */
  cancelAll(s: number): void {
    this.cancelProtection(this.protections[s] as Protection);
  }

  private watchWithoutVenueStops(
    s: number,
    heldQtyBase: number,
    levels: ProtectiveLevels,
    high: number,
    low: number,
    decisionTime: number,
  ): void {
    if (low <= levels.stopPrice) {
      this.exitAtMarket(
        s,
        heldQtyBase,
        decisionTime,
        levels.stopKind,
        `low ${low} reached the ${levels.stopKind} ${levels.stopPrice} (watched by the bot)`,
      );
    } else if (high >= levels.takeProfitPrice) {
      this.exitAtMarket(
        s,
        heldQtyBase,
        decisionTime,
        'take-profit',
        `high ${high} reached the take profit ${levels.takeProfitPrice} (watched by the bot)`,
      );
    }
  }

  /** Sends a protective order through the exchange constraints; its state, or why it was refused. */
  private place(
    s: number,
    order: Omit<OrderRequest, 'clientOrderId' | 'symbol' | 'reason'>,
    role: string,
    decisionTime: number,
    heldQtyBase: number,
    exitKind: ProtectiveExit | 'exit',
    reason: string,
  ): Readonly<OrderState> | string {
    const symbol = this.symbols[s] as string;
    const clientOrderId = `${this.botId}:${symbol}:${decisionTime}:${role}`;
    const existing = this.port.order(clientOrderId);
    if (existing !== undefined) return isWorking(existing) ? existing : `${clientOrderId} already used`;
    let request: OrderRequest = { ...order, clientOrderId, symbol, reason };
    const adjusted = applyExchangeConstraints(
      request,
      Number.NaN,
      0,
      heldQtyBase,
      this.rules[s] as ResolvedExchangeRules,
    );
    if (adjusted !== null) {
      if (adjusted.order === null) return adjusted.reasons.join('; ');
      request = adjusted.order;
    }
    let state: Readonly<OrderState>;
    try {
      state = this.port.submit(request, decisionTime);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    if (state.status === 'rejected') return state.rejectReason ?? 'rejected by the venue';
    this.exitKinds.set(clientOrderId, exitKind);
    return state;
  }

  private orderState(clientOrderId: string | null): Readonly<OrderState> | undefined {
    return clientOrderId === null ? undefined : this.port.order(clientOrderId);
  }

  private cancelOrder(clientOrderId: string | null): void {
    if (clientOrderId === null) return;
    if (isWorking(this.port.order(clientOrderId))) this.port.cancel(clientOrderId);
  }

  private cancelProtection(protection: Protection): void {
    this.cancelOrder(protection.stopId);
    this.cancelOrder(protection.takeProfitId);
    this.cancelOrder(protection.bracketId);
    protection.stopId = null;
    protection.takeProfitId = null;
    protection.bracketId = null;
  }
}
