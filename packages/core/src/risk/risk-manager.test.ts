import { describe, expect, it } from 'vitest';
import {
  buy,
  decision,
  FixedPortfolio,
  feed,
  HOUR_MS,
  RecordingPort,
  sell,
  seriesFromCloses,
  startedManager,
} from '../../test/risk-fixtures.ts';
import { RiskConfigError, RiskInputError } from './errors.ts';
import { KillSwitchBoard } from './kill-switch.ts';
import { NO_PLATFORM_LIMITS, PLATFORM_RISK_LIMITS } from './risk-config.ts';
import { RiskManager, type RiskNotice } from './risk-manager.ts';

/** The default platform, but letting the tests run without stop orders where they are beside the point. */
const PLATFORM = { ...PLATFORM_RISK_LIMITS, maxStopLossFraction: null };
const BTC = 'BTC-USDT';
const ETH = 'ETH-USDT';

/** A calm market: closes wobbling ±0.2% around 100. */
const calm = (symbol: string, candles = 30) =>
  seriesFromCloses(
    symbol,
    Array.from({ length: candles }, (_, i) => 100 * (1 + 0.002 * Math.sin(i))),
  );

function managerOn(portfolio: FixedPortfolio, bot = {}, options = {}, port = new RecordingPort()) {
  const manager = startedManager(
    [BTC, ETH],
    { stopLossFraction: null, takeProfitFraction: null, ...bot },
    { platform: PLATFORM, ...options },
    port,
  );
  feed(manager, [calm(BTC), calm(ETH)], portfolio);
  return manager;
}

describe('RiskManager review', () => {
  it('approves an order every rule accepts, untouched, with no reasons', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const manager = managerOn(portfolio);
    const intent = buy(BTC, 500);
    const verdict = manager.review(intent, decision('buy', 0.9), portfolio, 1);
    expect(verdict).toEqual({ kind: 'approve', order: intent, reasons: [], mode: manager.mode });
    expect(verdict.mode).toMatchObject({ breaker: 'ACTIVE', allowedAgents: 'any', sizeMultiplier: 1 });
    expect(manager.events).toEqual([]);
  });

  it('resizes to the tightest cap, naming every rule that acted, and records a resize event', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const manager = managerOn(portfolio);
    const verdict = manager.review(buy(BTC, 10_000), decision('buy', 1), portfolio, 7);
    expect(verdict.kind).toBe('resize');
    expect(verdict.order?.quoteQty).toBeCloseTo(1_000, 9);
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[0]).toMatch(/^kelly: /);
    expect(verdict.reasons[1]).toBe('position-cap: BTC-USDT would be 5000.00 = 50.00% of equity 10000.00, cap 10.00%');
    expect(manager.events).toEqual([
      {
        time: 7,
        type: 'resize',
        from: 'buy 10000.00 quote',
        to: 'buy 1000.00 quote',
        reason: verdict.reasons.join('; '),
        equity: 10_000,
        symbol: BTC,
      },
    ]);
  });

  it('refuses a buy below the minimum confidence, and lets sells through', () => {
    const portfolio = new FixedPortfolio(9_000, { [BTC]: { qty: 10, mark: 100 } }, { [ETH]: 100 });
    const manager = managerOn(portfolio);
    const refused = manager.review(buy(ETH, 100), decision('buy', 0.55), portfolio, 1);
    expect(refused).toMatchObject({ kind: 'reject', order: null });
    expect(refused.reasons).toEqual(['min-confidence: confidence 0.550 < 0.6: no new position in ETH-USDT']);
    expect(manager.events[0]).toMatchObject({ type: 'reject', from: 'buy 100.00 quote', to: null });
    expect(manager.review(sell(BTC, 10), decision('sell', 0.1, 0), portfolio, 1).kind).toBe('approve');
  });

  it('counts buys sent but not yet filled against the caps', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const manager = managerOn(portfolio);
    const first = manager.review(buy(BTC, 800, 'a'), decision('buy'), portfolio, 1);
    manager.onSubmitted(first.order as never, 1);
    const second = manager.review(buy(BTC, 800, 'b'), decision('buy'), portfolio, 1);
    expect(second.order?.quoteQty).toBeCloseTo(200, 9);
  });

  it('limits the exposure of correlated assets together', () => {
    const portfolio = new FixedPortfolio(9_400, { [ETH]: { qty: 6, mark: 100 } }, { [BTC]: 100 });
    const manager = startedManager(
      [BTC, ETH],
      { stopLossFraction: null, takeProfitFraction: null, windowCandles: 20 },
      { platform: PLATFORM },
    );
    const moves = Array.from({ length: 40 }, (_, i) => 100 * (1 + 0.01 * Math.sin(i * 1.3)));
    feed(
      manager,
      [
        seriesFromCloses(BTC, moves),
        seriesFromCloses(
          ETH,
          moves.map((p) => p * 2),
        ),
      ],
      portfolio,
    );
    const verdict = manager.review(buy(BTC, 1_000), decision('buy'), portfolio, 1);
    expect(verdict.order?.quoteQty).toBeCloseTo(400, 6);
    expect(verdict.reasons.at(-1)).toContain('with ETH-USDT 600.00 (r 1.00)');
  });

  it('fails closed on bad input with a RiskInputError naming it', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const manager = managerOn(portfolio);
    const review =
      (p: FixedPortfolio, symbol = BTC) =>
      () =>
        manager.review(buy(symbol, 100), decision('buy'), p, 1);
    expect(review(portfolio, 'DOGE-USDT')).toThrow(
      new RiskInputError('symbol', '"DOGE-USDT" is not one of this bot\'s markets (BTC-USDT, ETH-USDT)'),
    );
    expect(review(Object.assign(new FixedPortfolio(10_000, {}, { [BTC]: Number.NaN }), {}))).toThrow(
      'markPrice(BTC-USDT)',
    );
    const negative = new FixedPortfolio(10_000, {}, { [BTC]: 100 });
    negative.equityQuote = -5;
    expect(review(negative)).toThrow(RiskInputError);
    const short = new FixedPortfolio(10_000, { [ETH]: { qty: -1, mark: 100 } }, { [BTC]: 100 });
    expect(review(short)).toThrow('positionQtyBase(ETH-USDT)');
    expect(() => manager.review({ ...buy(BTC, Number.NaN) }, decision('buy'), portfolio, 1)).toThrow('intent.quoteQty');
    expect(() => new RiskManager().review(buy(BTC, 1), decision('buy'), portfolio, 1)).toThrow(RiskConfigError);
  });

  it('refuses agent output out of range, flags it and pauses the bot until resumed', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const notices: RiskNotice[] = [];
    const manager = managerOn(portfolio, {}, { notify: (n: RiskNotice) => notices.push(n) });
    const verdict = manager.review(buy(BTC, 100), decision('buy', 7), portfolio, 1);
    expect(verdict.reasons).toEqual(['agent-output: confidence 7 is outside [0, 1]']);
    expect(manager.events.map((e) => `${e.type} ${e.to}`)).toEqual([
      'anomaly agent-output',
      'pause paused',
      'reject null',
    ]);
    expect(manager.mode.allowedAgents).toBe('none');
    expect(manager.review(buy(BTC, 100), decision('buy'), portfolio, 2).reasons[0]).toMatch(/^paused by risk-manager/);
    expect(notices[0]?.severity).toBe('warning');
    manager.resume('alice', 'agent fixed', 3);
    expect(manager.review(buy(BTC, 100), decision('buy'), portfolio, 4).kind).toBe('approve');
  });

  it('reads order-book snapshots for spread blow-outs', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100, [ETH]: 100 });
    const manager = managerOn(portfolio);
    for (let i = 0; i < 25; i++) manager.onOrderBook(0, { time: i, bids: [[99.95, 1]], asks: [[100.05, 1]] });
    manager.onOrderBook(0, { time: 99, bids: [[98, 1]], asks: [[102, 1]] });
    expect(manager.events.at(-1)).toMatchObject({ type: 'anomaly', to: 'spread-blowout', time: 99, symbol: BTC });
  });
});

describe('RiskManager circuit breaker', () => {
  /** Feeds equity points through a one-symbol manager, the portfolio all cash (equity set by hand). */
  function breakerRun(equities: number[], bot = {}, options = {}) {
    const port = new RecordingPort();
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100 });
    const manager = startedManager(
      [BTC],
      { stopLossFraction: null, takeProfitFraction: null, ...bot },
      { platform: PLATFORM, ...options },
      port,
    );
    const candles = calm(BTC, equities.length);
    equities.forEach((equity, i) => {
      portfolio.equityQuote = equity;
      manager.onCandle(0, candles, i, portfolio);
      manager.onTimeStep(candles.time[i] as number, portfolio);
    });
    return { manager, portfolio, port };
  }

  it('halves the position cap while REDUCED and admits only reducing orders while CONSERVATIVE', () => {
    const reduced = breakerRun([10_000, 9_400]);
    expect(reduced.manager.mode).toMatchObject({ breaker: 'REDUCED', sizeMultiplier: 0.5 });
    reduced.portfolio.cashQuote = 9_400;
    const halved = reduced.manager.review(buy(BTC, 5_000), decision('buy'), reduced.portfolio, 1);
    expect(halved.order?.quoteQty).toBeCloseTo(470, 9);

    const conservative = breakerRun([10_000, 8_900]);
    expect(conservative.manager.mode).toMatchObject({
      breaker: 'CONSERVATIVE',
      allowedAgents: 'conservative',
      reducingOnly: true,
    });
    const refused = conservative.manager.review(buy(BTC, 100), decision('buy'), conservative.portfolio, 1);
    expect(refused.reasons[0]).toMatch(/^breaker CONSERVATIVE: only orders that reduce exposure/);
    conservative.portfolio.qty.set(BTC, 1);
    expect(conservative.manager.review(sell(BTC, 1), decision('sell', 1, 0), conservative.portfolio, 1).kind).toBe(
      'approve',
    );
  });

  it('records every transition with time, equity and reason; HALTED stops everything and notifies', () => {
    const notices: RiskNotice[] = [];
    const { manager, portfolio } = breakerRun(
      [10_000, 10_500, 9_900, 9_300, 8_900],
      {},
      { notify: (n: RiskNotice) => notices.push(n) },
    );
    const transitions = manager.events.filter((e) => e.type === 'breaker');
    expect(transitions.map((e) => [e.from, e.to, e.equity])).toEqual([
      ['ACTIVE', 'REDUCED', 9_900],
      ['REDUCED', 'CONSERVATIVE', 9_300],
      ['CONSERVATIVE', 'HALTED', 8_900],
    ]);
    expect(transitions[2]?.reason).toBe('drawdown 15.24% from peak 10500.00 reached the HALTED threshold 15.00%');
    expect(transitions[2]?.time).toBe(calm(BTC).time[4]);
    expect(notices.map((n) => n.severity)).toEqual(['critical']);
    portfolio.qty.set(BTC, 1);
    const verdict = manager.review(sell(BTC, 1), decision('sell', 1, 0), portfolio, 1);
    expect(verdict.reasons[0]).toMatch(/^breaker HALTED: drawdown 15\.24% from peak 10500\.00: no new orders/);
    expect(verdict.mode?.allowedAgents).toBe('none');
  });

  it('flattens positions and cancels pending entries when HALTED (or holds them, per onHalt)', () => {
    for (const onHalt of ['flatten', 'hold'] as const) {
      const port = new RecordingPort();
      const portfolio = new FixedPortfolio(5_000, { [BTC]: { qty: 50, mark: 100 } });
      const manager = startedManager(
        [BTC],
        { stopLossFraction: null, breakerReducedAt: 0.05, breakerConservativeAt: 0.1, breakerHaltedAt: 0.15, onHalt },
        { platform: NO_PLATFORM_LIMITS },
        port,
      );
      const candles = seriesFromCloses(BTC, [100, 100, 100]);
      feed(manager, [candles], portfolio, 0, 1);
      const entry = manager.review(buy(BTC, 50), decision('buy'), portfolio, HOUR_MS);
      port.submit(entry.order as never, HOUR_MS);
      manager.onSubmitted(entry.order as never, HOUR_MS);
      portfolio.marks.set(BTC, 60); // equity 8,000: −20%
      portfolio.equityQuote = portfolio.valueOf();
      manager.onCandle(0, seriesFromCloses(BTC, [100, 60]), 1, portfolio);
      manager.onTimeStep(candles.time[1] as number, portfolio);
      expect(port.order(entry.order?.clientOrderId as string)?.status).toBe('cancelled');
      const exits = port.submitted.filter((s) => s.order.type === 'market' && s.order.side === 'sell');
      expect(exits.map((s) => s.order.qtyBase)).toEqual(onHalt === 'flatten' ? [50] : []);
      if (onHalt === 'flatten') {
        expect(exits[0]?.order.clientOrderId).toBe(`bot:${BTC}:${(candles.time[1] as number) + HOUR_MS}:flatten`);
        expect(manager.events.at(-1)).toMatchObject({ type: 'flatten', to: 'exit-at-market', symbol: BTC });
      }
    }
  });

  it('steps back only by the recovery rule or an explicit, audited reset', () => {
    const { manager } = breakerRun([10_000, 8_000, 10_000, 10_000], { breakerRecoveryCandles: 1 });
    expect(manager.mode.breaker).toBe('HALTED');
    expect(() => manager.resetBreaker('', 'x')).toThrow(RiskConfigError);
    manager.resetBreaker('alice', 'losses reviewed', 42);
    expect(manager.mode.breaker).toBe('ACTIVE');
    expect(manager.events.at(-1)).toMatchObject({
      time: 42,
      type: 'breaker-reset',
      from: 'HALTED',
      to: 'ACTIVE',
      reason: 'reset by alice: losses reviewed; peak re-based to 10000.00',
    });
    const recovering = breakerRun([10_000, 9_400, 9_900, 9_900], { breakerRecoveryCandles: 2 });
    expect(recovering.manager.events.filter((e) => e.type === 'breaker').map((e) => e.to)).toEqual([
      'REDUCED',
      'ACTIVE',
    ]);
  });
});

describe('RiskManager kill switch', () => {
  it('stops new orders in the same cycle, cancels open orders, keeps stops unless it flattens', () => {
    const board = new KillSwitchBoard();
    const port = new RecordingPort();
    const portfolio = new FixedPortfolio(9_000, { [BTC]: { qty: 10, mark: 100 } }, { [ETH]: 100 });
    const manager = startedManager([BTC, ETH], {}, { killSwitch: board, userId: 'alice' }, port);
    const series = [calm(BTC, 3), calm(ETH, 3)];
    feed(manager, series, portfolio, 0, 1);
    const stopId = port.working().find((o) => o.type === 'stop')?.clientOrderId as string;
    expect(stopId).toBeDefined();
    port.submit(buy(ETH, 100, 'pending-entry'), 1);

    board.engage({ scope: 'user', targetId: 'alice', actor: 'alice', reason: 'going offline', time: 5 });
    const verdict = manager.review(buy(ETH, 100), decision('buy'), portfolio, 6);
    expect(verdict.reasons).toEqual([
      'kill-switch: user alice engaged by alice at 1970-01-01T00:00:00.005Z: going offline',
    ]);
    feed(manager, series, portfolio, 1, 2);
    expect(port.order('pending-entry')?.status).toBe('cancelled');
    expect(port.order(stopId)?.status).toBe('open');
    expect(manager.events.find((e) => e.type === 'kill-switch')?.reason).toBe(
      'user alice engaged by alice: going offline; 1 open order(s) cancelled, positions held with their stops',
    );

    board.engage({ scope: 'platform', actor: 'ops', reason: 'venue down', time: 7, flatten: true });
    feed(manager, series, portfolio, 2, 3);
    expect(port.order(stopId)?.status).toBe('cancelled');
    expect(port.working().map((o) => `${o.side} ${o.type} ${o.qtyBase}`)).toEqual(['sell market 10']);

    board.release('platform', undefined, 'ops', 'venue back', 8);
    board.release('user', 'alice', 'alice', 'back', 8);
    feed(manager, series, portfolio, 2, 3);
    expect(manager.events.at(-1)?.type).toBe('kill-switch-release');
  });
});

describe('RiskManager detective metrics', () => {
  it('reports P&L, drawdown from peak, exposure, VaR and Sharpe every candle', () => {
    const portfolio = new FixedPortfolio(5_000, { [BTC]: { qty: 50, mark: 100 } }, { [ETH]: 100 });
    const manager = startedManager([BTC, ETH], { stopLossFraction: null }, { platform: NO_PLATFORM_LIMITS });
    const closes = Array.from({ length: 60 }, (_, i) => 100 + (i % 2 === 0 ? 1 : -1));
    const btc = seriesFromCloses(BTC, closes);
    for (let i = 0; i < closes.length; i++) {
      portfolio.marks.set(BTC, closes[i] as number);
      portfolio.equityQuote = portfolio.valueOf();
      manager.onCandle(0, btc, i, portfolio);
      manager.onCandle(1, calm(ETH, 60), i, portfolio);
      manager.onTimeStep(btc.time[i] as number, portfolio);
    }
    const snapshot = manager.snapshot();
    expect(snapshot.equityQuote).toBe(5_000 + 50 * 99);
    expect(snapshot.pnlQuote).toBe(50 * 99 - 50 * 101);
    expect(snapshot.drawdownFromPeak).toBeCloseTo(1 - 9_950 / 10_050, 12);
    expect(snapshot.exposureFraction).toBeCloseTo(4_950 / 9_950, 12);
    // ±2% moves on 4,950: one-day historical 95% VaR ≈ 2% × 4,950 × √24 of 9,950.
    expect(snapshot.historicalVar95).toBeCloseTo((0.0198 * 4_950 * Math.sqrt(24)) / 9_950, 2);
    expect(snapshot.parametricVar99).toBeGreaterThan(snapshot.parametricVar95 as number);
    expect(snapshot.sharpe).not.toBeNull();
    expect(snapshot.breaker).toBe('ACTIVE');
  });

  it('flags price jumps, volume spikes and missing candles on the candles it is fed', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100 });
    const manager = startedManager([BTC]);
    const closes = Array.from({ length: 60 }, (_, i) => 100 + 0.1 * Math.sin(i));
    closes.push(130);
    const candles = seriesFromCloses(BTC, closes);
    candles.volume[60] = 10_000;
    candles.time[60] = (candles.time[59] as number) + 3 * HOUR_MS;
    feed(manager, [candles], portfolio);
    expect(manager.events.map((e) => e.to)).toEqual(['missing-candles', 'price-jump', 'volume-spike']);
    expect(manager.events.every((e) => e.type === 'anomaly' && e.time === candles.time[60])).toBe(true);
  });

  it('measures Kelly payoff from the round trips it sees filled', () => {
    const portfolio = new FixedPortfolio(10_000, {}, { [BTC]: 100 });
    const manager = startedManager([BTC], { kellyMinTrades: 2 });
    feed(manager, [calm(BTC)], portfolio);
    const fill = (side: 'buy' | 'sell', price: number) =>
      manager.onFill({
        clientOrderId: 'x',
        symbol: BTC,
        side,
        time: 0,
        priceQuote: price,
        qtyBase: 1,
        feeQuote: 0,
        liquidity: 'taker',
      });
    fill('buy', 100);
    fill('sell', 130);
    fill('buy', 100);
    fill('sell', 90);
    expect(manager.tradeStats).toEqual({ wins: 1, losses: 1, grossProfitQuote: 30, grossLossQuote: 10 });
    const verdict = manager.review(buy(BTC, 10_000), decision('buy', 0.6), portfolio, 1);
    expect(verdict.reasons[0]).toContain('payoff 3.000 (measured over 2 trades) → Kelly 0.467');
  });
});
