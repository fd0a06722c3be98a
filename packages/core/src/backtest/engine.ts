/**
 * The event-driven backtester. It replays candles of one or more symbols in time order through the same
 * DecisionPipeline the live worker runs, executes orders on the paper broker and books fills in the exact ledger.
 *
 * Order of events at each time step t (all symbols with a candle opening at t):
 *   1. the broker fills orders decided earlier against candle t (never against the candle they were decided on),
 *   2. the ledger books the fills; each symbol's mark becomes candle t's close,
 *   3. one equity point is recorded for t,
 *   4. when the risk stage has controls (the risk manager, not approveAll): each symbol's closed candle goes to its
 *      detective hook, then the time step (breaker, kill switch, protective stops: corrective orders go to the
 *      broker, the controls' execution port, with decision time t + candle length),
 *   5. each symbol's closed candle t goes through the pipeline; its order is submitted with decision time
 *      t + candle length (the candle's close), so it can fill from candle t+1 on, and reported to the controls.
 * At the end, positions still open are valued at the last close (the equity curve's last point) and their round
 * trips are reported with `openAtEnd`.
 */
import type { ExactFillAmounts, Fill } from '../execution/types.ts';
import type { FeatureSource } from '../features/types.ts';
import { smallestStepMs } from '../market/resample.ts';
import type { CandleSeries } from '../market/types.ts';
import { DecisionPipeline, type DecisionRecord } from '../pipeline/decision-pipeline.ts';
import type { SizingOptions } from '../pipeline/sizing.ts';
import { Ledger } from '../portfolio/ledger.ts';
import { approveAll } from '../risk/approve-all.ts';
import {
  isRiskControls,
  type PortfolioView,
  type RiskControls,
  type RiskEvent,
  type RiskStage,
} from '../risk/types.ts';
import type { StrategyFactory } from '../strategy/types.ts';
import { createPaperBroker, type ExecutionCosts } from './execution-costs.ts';
import { type ClosedTrade, computeMetrics, type Metrics } from './metrics.ts';
import { countTimeSteps, TimeSteps } from './time-steps.ts';
import { TradeLog } from './trade-log.ts';

export interface BacktestOptions {
  /** Starting cash in the quote currency; default 10,000. */
  initialCashQuote?: number;
  costs?: Partial<ExecutionCosts>;
  /**
   * Default approveAll (textbook strategies as other backtesters run them). A RiskManager is started afresh for
   * the run (its per-run state is reset) and driven every candle.
   */
  risk?: RiskStage;
  /** Feature source fed every candle; default none (strategies that read only candles). */
  features?: FeatureSource | null;
  sizing?: SizingOptions;
  /** Name used in client order ids; default 'backtest'. */
  runId?: string;
  /** Collect every decision that produced an order (slower; for reports and audits). */
  recordDecisions?: boolean;
  /**
   * Candles opening before this time (ms UTC) only warm up features and strategy: their decisions are dropped and
   * they add no equity point, so a test window starts with warm indicators and no history of trades. Default: trade
   * from the first candle.
   */
  startTradingAt?: number;
  /**
   * Book fills in exact integer units held in numbers while they fit (portfolio/ledger.ts, money/safe-units.ts);
   * default true. false books them with Decimals only: the same results, slower; the benchmark's baseline.
   */
  unitsFastPath?: boolean;
}

export interface BacktestResult {
  symbols: string[];
  trades: ClosedTrade[];
  fills: Fill[];
  equity: { time: Float64Array; equity: Float64Array };
  metrics: Metrics;
  decisions: DecisionRecord[];
  /** The risk controls' audit trail from startTradingAt on: empty with a stage without controls. */
  riskEvents: RiskEvent[];
}

export class BacktestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestError';
  }
}

const DEFAULT_INITIAL_CASH_QUOTE = 10_000;

export function runBacktest(
  seriesList: readonly CandleSeries[],
  createStrategy: StrategyFactory,
  options: BacktestOptions = {},
): BacktestResult {
  validateInputs(seriesList);
  const symbols = seriesList.map((s) => s.symbol);
  const candleMs = seriesList.map((s) => (s.length > 1 ? smallestStepMs(s) : 0));
  const initialCash = options.initialCashQuote ?? DEFAULT_INITIAL_CASH_QUOTE;
  if (!(initialCash > 0 && Number.isFinite(initialCash))) throw new BacktestError('initial cash must be positive');

  const unitsFastPath = options.unitsFastPath ?? true;
  const ledger = new Ledger({ initialCashQuote: initialCash, symbols, unitsFastPath });
  const broker = createPaperBroker(options.costs ?? {}, ledger, unitsFastPath);
  const tradeLog = new TradeLog();
  const fills: Fill[] = [];
  const decisions: DecisionRecord[] = [];
  const botId = options.runId ?? 'backtest';
  const risk = options.risk ?? approveAll;
  const controls = isRiskControls(risk) ? risk : null;
  controls?.start({ botId, symbols, candleMs, execution: broker });
  // Every candle of the series is fed to the features in order, and none will change: the source may compute ahead.
  options.features?.replayHistory?.(seriesList);
  const pipeline = new DecisionPipeline({
    botId,
    strategy: createStrategy(symbols),
    risk,
    features: options.features ?? null,
    ...(options.sizing ? { sizing: options.sizing } : {}),
    ...(options.recordDecisions ? { onDecision: (record: DecisionRecord) => decisions.push(record) } : {}),
  });
  const bookFill = (fill: Fill, exact: Readonly<ExactFillAmounts>) => {
    ledger.applyFill(fill, exact);
    tradeLog.record(fill);
    fills.push(fill);
  };
  const onFill =
    controls === null
      ? bookFill
      : (fill: Fill, exact: Readonly<ExactFillAmounts>) => {
          bookFill(fill, exact);
          controls.onFill(fill);
        };

  const startTradingAt = options.startTradingAt ?? Number.NEGATIVE_INFINITY;
  const steps = countTimeSteps(seriesList);
  const warmupSteps = countTimeSteps(seriesList, startTradingAt);
  const equityTime = new Float64Array(steps - warmupSteps);
  const equityValue = new Float64Array(steps - warmupSteps);
  const timeSteps = new TimeSteps(seriesList);
  const { cursor, due } = timeSteps;
  const candleMsOf = Float64Array.from(candleMs);
  let candlesInMarket = 0;
  const view: PortfolioView = ledger;

  for (let step = 0; step < steps; step++) {
    timeSteps.next();
    const time = timeSteps.time;
    const dueCount = timeSteps.dueCount;
    for (let k = 0; k < dueCount; k++) {
      const s = due[k] as number;
      const series = seriesList[s] as CandleSeries;
      const i = cursor[s] as number;
      // Most candles meet no working order: skip reading the four columns only the broker needs.
      if (broker.hasWorkingOrders()) {
        broker.onCandle(
          series.symbol,
          time,
          series.open[i] as number,
          series.high[i] as number,
          series.low[i] as number,
          series.close[i] as number,
          series.volume[i] as number,
          onFill,
        );
      }
      ledger.mark(s, series.close[i] as number);
    }
    const trading = time >= startTradingAt;
    if (trading) {
      equityTime[step - warmupSteps] = time;
      equityValue[step - warmupSteps] = ledger.equityQuote;
      if (ledger.hasPosition()) candlesInMarket++;
    }
    if (controls !== null) driveControls(controls, seriesList, timeSteps, view);
    for (let k = 0; k < dueCount; k++) {
      const s = due[k] as number;
      const series = seriesList[s] as CandleSeries;
      const decisionTime = time + (candleMsOf[s] as number);
      const order = pipeline.onCandleClosed(s, series, cursor[s] as number, view, decisionTime);
      if (order !== null && trading) {
        broker.submit(order, decisionTime);
        if (controls !== null) controls.onSubmitted(order, decisionTime);
      }
    }
    timeSteps.advance();
  }

  if (equityTime.length === 0) throw new BacktestError('no candle at or after startTradingAt: nothing to trade');
  const lastTime = equityTime[equityTime.length - 1] as number;
  tradeLog.closeAllAt((symbol) => ledger.markPrice(symbol), lastTime);
  const equity = { time: equityTime, equity: equityValue };
  const barMs = Math.min(...candleMs.filter((ms) => ms > 0));
  return {
    symbols,
    trades: tradeLog.closed,
    fills,
    equity,
    metrics: computeMetrics(equity, tradeLog.closed, candlesInMarket, Number.isFinite(barMs) ? barMs : 1),
    decisions,
    riskEvents: controls === null ? [] : controls.events.filter((event) => event.time >= startTradingAt),
  };
}

/** The risk controls' per-candle hooks for the current time step: each due symbol's candle, then the step. */
function driveControls(
  controls: RiskControls,
  seriesList: readonly CandleSeries[],
  timeSteps: TimeSteps,
  view: PortfolioView,
): void {
  for (let k = 0; k < timeSteps.dueCount; k++) {
    const s = timeSteps.due[k] as number;
    controls.onCandle(s, seriesList[s] as CandleSeries, timeSteps.cursor[s] as number, view);
  }
  controls.onTimeStep(timeSteps.time, view);
}

function validateInputs(seriesList: readonly CandleSeries[]): void {
  if (seriesList.length === 0) throw new BacktestError('no candles: give at least one series');
  const seen = new Set<string>();
  for (const series of seriesList) {
    if (series.length === 0) throw new BacktestError(`${series.symbol}: the series is empty`);
    if (seen.has(series.symbol)) throw new BacktestError(`${series.symbol} is given twice`);
    seen.add(series.symbol);
  }
}
