/**
 * Indicator updates per second: Keel's standard set (the 14 indicators behind StreamingIndicatorSet's 19 columns)
 * against the npm packages trading-signals and technicalindicators, each computing the same indicators with the
 * same parameters over the same candles through its fastest streaming API. Target: Keel ≥ 5× the faster library.
 *
 * Fairness: every timed pass builds fresh indicator objects inside the timed region, for all three alike (a few
 * constructors, microseconds against a pass of milliseconds). The libraries take one object per candle; those are
 * built once, outside the timed region (which favours them), while Keel reads the columnar series. Every pass adds
 * one output per candle (EMA 12) to a checksum and returns each indicator's final output, so no work can be
 * dropped; the final outputs are compared with Keel's to show that the libraries compute the same indicators.
 * A second table times each indicator alone, each library's in a fresh worker (see BreakdownJob), to find the hot
 * spots of Keel's set.
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as technicalIndicators from 'technicalindicators';
import * as tradingSignals from 'trading-signals';
import {
  AverageDirectionalIndex,
  AverageTrueRange,
  BollingerBands,
  CommodityChannelIndex,
  ExponentialMovingAverage,
  INDICATOR_NAMES,
  type IndicatorName,
  Macd,
  MoneyFlowIndex,
  OnBalanceVolume,
  RateOfChange,
  RelativeStrengthIndex,
  SimpleMovingAverage,
  Stochastic,
  StreamingIndicatorSet,
  WilliamsPercentR,
} from '../packages/core/src/indicators/index.ts';
import { loadCandlesCsv } from '../packages/core/src/market/csv.ts';
import { syntheticMarket } from '../packages/core/src/market/synthetic.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import { dataFile, hasSharedData } from '../packages/core/test/shared-data.ts';
import { bestSeconds, formatRate, printTable, verdict } from './table.ts';

const TARGET_SPEEDUP = 5;
const SYNTHETIC_CANDLES = 70_000;
/** Timed passes per library (after one warm-up pass); technicalindicators is the slowest, so it gets fewer. */
const REPEATS = { keel: 15, tradingSignals: 8, technicalIndicators: 5 } as const;
/** Timed passes per indicator in the per-indicator table (cheap: one indicator at a time). */
const BREAKDOWN_REPEATS = 8;
/** A library's final output agrees with Keel's when within this fraction of max(1, |Keel's value|). */
const AGREEMENT_TOLERANCE = 1e-6;

/** Parameters of Keel's set (indicator-set.ts), given to all three libraries. */
const PARAMETERS = {
  smaPeriod: 20,
  emaFastPeriod: 12,
  emaSlowPeriod: 26,
  rsiPeriod: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, deviations: 2 },
  atrPeriod: 14,
  stochastic: { fastK: 14, slowK: 3, slowD: 3 },
  adxPeriod: 14,
  mfiPeriod: 14,
  cciPeriod: 20,
  williamsRPeriod: 14,
  rocPeriod: 10,
} as const;

/**
 * The 14 indicators, in the set's order; `output` is the column compared across libraries, chosen to run through
 * the whole indicator (MACD's signal line, Bollinger's upper band, the stochastic's %D).
 */
const INDICATORS = [
  { label: 'SMA 20', output: 'SMA_20' },
  { label: 'EMA 12', output: 'EMA_12' },
  { label: 'EMA 26', output: 'EMA_26' },
  { label: 'RSI 14', output: 'RSI_14' },
  { label: 'MACD 12/26/9', output: 'MACDSIGNAL_12_26_9' },
  { label: 'Bollinger 20/2', output: 'BBUPPER_20_2' },
  { label: 'ATR 14', output: 'ATR_14' },
  { label: 'Stochastic 14/3/3', output: 'STOCHD_14_3_3' },
  { label: 'ADX 14', output: 'ADX_14' },
  { label: 'OBV', output: 'OBV' },
  { label: 'MFI 14', output: 'MFI_14' },
  { label: 'CCI 20', output: 'CCI_20' },
  { label: 'Williams %R 14', output: 'WILLR_14' },
  { label: 'ROC 10', output: 'ROC_10' },
] as const satisfies readonly { label: string; output: IndicatorName }[];

type IndicatorLabel = (typeof INDICATORS)[number]['label'];

const EMA_12_COLUMN = INDICATOR_NAMES.indexOf('EMA_12');
/** trading-signals' ROC is a fraction; Keel's and technicalindicators' are percentages (TA-Lib's ROC). */
const PERCENT = 100;

/** The candle object both libraries take (trading-signals' OBV wants `open` too). */
interface LibraryCandle {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface Market {
  title: string;
  series: CandleSeries;
  candles: readonly LibraryCandle[];
}

/** One pass over the candles: the consumed per-candle outputs and each indicator's final output, in INDICATORS order. */
interface PassResult {
  consumed: number;
  finals: number[];
}

type LibraryKey = 'keel' | 'tradingSignals' | 'technicalIndicators';

interface Library {
  key: LibraryKey;
  name: string;
  repeats: number;
  pass: (market: Market) => PassResult;
  /** How it computes the set, when not with one indicator object each. */
  note: string;
}

/** Written by every timed run so that the JIT must compute what it sums. */
let sink = 0;

function loadMarket(): Market {
  const real = hasSharedData();
  const series = real ? loadCandlesCsv(dataFile('BTC-USDT_1h.csv')) : syntheticMarket({ candles: SYNTHETIC_CANDLES });
  const title = real
    ? `${series.symbol} 1h, ${series.length.toLocaleString('en-US')} real candles`
    : `SYNTHETIC market (shared data missing), ${series.length.toLocaleString('en-US')} candles`;
  const candles = Array.from({ length: series.length }, (_, index) => ({
    open: series.open[index] as number,
    high: series.high[index] as number,
    low: series.low[index] as number,
    close: series.close[index] as number,
    volume: series.volume[index] as number,
  }));
  return { title, series, candles };
}

function keelPass({ series }: Market): PassResult {
  const set = new StreamingIndicatorSet();
  let consumed = 0;
  for (let index = 0; index < series.length; index++) {
    consumed += set.updateAt(series, index)[EMA_12_COLUMN] || 0;
  }
  return { consumed, finals: INDICATORS.map(({ output }) => set.value(output)) };
}

function createTradingSignals() {
  const { macd, bollinger, stochastic } = PARAMETERS;
  return {
    sma20: new tradingSignals.SMA(PARAMETERS.smaPeriod),
    ema12: new tradingSignals.EMA(PARAMETERS.emaFastPeriod),
    ema26: new tradingSignals.EMA(PARAMETERS.emaSlowPeriod),
    rsi14: new tradingSignals.RSI(PARAMETERS.rsiPeriod),
    macd: new tradingSignals.MACD(
      new tradingSignals.EMA(macd.fast),
      new tradingSignals.EMA(macd.slow),
      new tradingSignals.EMA(macd.signal),
    ),
    bollinger: new tradingSignals.BollingerBands(bollinger.period, bollinger.deviations),
    atr14: new tradingSignals.ATR(PARAMETERS.atrPeriod),
    stochastic: new tradingSignals.StochasticOscillator({
      kPeriod: stochastic.fastK,
      kSlowingPeriod: stochastic.slowK,
      dPeriod: stochastic.slowD,
    }),
    adx14: new tradingSignals.ADX(PARAMETERS.adxPeriod),
    // Its argument is how many candles it keeps; it needs the previous one only.
    obv: new tradingSignals.OBV(2),
    mfi14: new tradingSignals.MFI(PARAMETERS.mfiPeriod),
    cci20: new tradingSignals.CCI(PARAMETERS.cciPeriod),
    williamsR14: new tradingSignals.WilliamsR(PARAMETERS.williamsRPeriod),
    roc10: new tradingSignals.ROC(PARAMETERS.rocPeriod),
  };
}

function tradingSignalsPass({ candles }: Market): PassResult {
  const indicators = createTradingSignals();
  let consumed = 0;
  for (let index = 0; index < candles.length; index++) {
    const candle = candles[index] as LibraryCandle;
    const close = candle.close;
    indicators.sma20.add(close);
    consumed += indicators.ema12.add(close) ?? 0;
    indicators.ema26.add(close);
    indicators.rsi14.add(close);
    indicators.macd.add(close);
    indicators.bollinger.add(close);
    indicators.atr14.add(candle);
    indicators.stochastic.add(candle);
    indicators.adx14.add(candle);
    indicators.obv.add(candle);
    indicators.mfi14.add(candle);
    indicators.cci20.add(candle);
    indicators.williamsR14.add(candle);
    indicators.roc10.add(close);
  }
  const finals: number[] = [
    indicators.sma20.getResult(),
    indicators.ema12.getResult(),
    indicators.ema26.getResult(),
    indicators.rsi14.getResult(),
    indicators.macd.getResult()?.signal,
    indicators.bollinger.getResult()?.upper,
    indicators.atr14.getResult(),
    indicators.stochastic.getResult()?.stochD,
    indicators.adx14.getResult(),
    indicators.obv.getResult(),
    indicators.mfi14.getResult(),
    indicators.cci20.getResult(),
    indicators.williamsR14.getResult(),
    (indicators.roc10.getResult() ?? Number.NaN) * PERCENT,
  ].map((value) => value ?? Number.NaN);
  return { consumed, finals };
}

/**
 * technicalindicators' declarations mistype several `nextValue` parameters (ADX, Williams %R and the stochastic
 * take a candle object); this is what its streaming indicators really accept and return.
 */
interface CandleStream<Output> {
  nextValue(candle: LibraryCandle): Output | undefined;
}

/** Skips the library's default formatter, which looks up a global precision setting on every output. */
const unformatted = (value: number) => value;

function createTechnicalIndicators() {
  const { macd, bollinger, stochastic } = PARAMETERS;
  const noCandles = { high: [], low: [], close: [], format: unformatted };
  return {
    sma20: new technicalIndicators.SMA({ period: PARAMETERS.smaPeriod, values: [], format: unformatted }),
    ema12: new technicalIndicators.EMA({ period: PARAMETERS.emaFastPeriod, values: [], format: unformatted }),
    ema26: new technicalIndicators.EMA({ period: PARAMETERS.emaSlowPeriod, values: [], format: unformatted }),
    rsi14: new technicalIndicators.RSI({ period: PARAMETERS.rsiPeriod, values: [], format: unformatted }),
    macd: new technicalIndicators.MACD({
      values: [],
      fastPeriod: macd.fast,
      slowPeriod: macd.slow,
      signalPeriod: macd.signal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
      format: unformatted,
    }),
    bollinger: new technicalIndicators.BollingerBands({
      period: bollinger.period,
      stdDev: bollinger.deviations,
      values: [],
      format: unformatted,
    }),
    atr14: new technicalIndicators.ATR({ ...noCandles, period: PARAMETERS.atrPeriod }) as CandleStream<number>,
    // Its stochastic is the fast one (%K unsmoothed, `signalPeriod` SMA for %D): its %D is the slow %K, and one
    // more SMA of the library gives the slow %D.
    stochastic: new technicalIndicators.Stochastic({
      ...noCandles,
      period: stochastic.fastK,
      signalPeriod: stochastic.slowK,
    }) as unknown as CandleStream<{ k: number; d?: number }>,
    stochasticD: new technicalIndicators.SMA({ period: stochastic.slowD, values: [], format: unformatted }),
    adx14: new technicalIndicators.ADX({ ...noCandles, period: PARAMETERS.adxPeriod }) as unknown as CandleStream<{
      adx: number;
    }>,
    obv: new technicalIndicators.OBV({ close: [], volume: [], format: unformatted }) as CandleStream<number>,
    mfi14: new technicalIndicators.MFI({
      ...noCandles,
      volume: [],
      period: PARAMETERS.mfiPeriod,
    }) as CandleStream<number>,
    cci20: new technicalIndicators.CCI({ ...noCandles, period: PARAMETERS.cciPeriod }) as CandleStream<number>,
    williamsR14: new technicalIndicators.WilliamsR({
      ...noCandles,
      period: PARAMETERS.williamsRPeriod,
    }) as unknown as CandleStream<number>,
    roc10: new technicalIndicators.ROC({ period: PARAMETERS.rocPeriod, values: [], format: unformatted }),
  };
}

function technicalIndicatorsPass({ candles }: Market): PassResult {
  const indicators = createTechnicalIndicators();
  let consumed = 0;
  let sma20: number | undefined;
  let ema12: number | undefined;
  let ema26: number | undefined;
  let rsi14: number | undefined;
  let macd: { signal?: number } | undefined;
  let bollinger: { upper: number } | undefined;
  let atr14: number | undefined;
  let stochasticD: number | undefined;
  let adx14: { adx: number } | undefined;
  let obv: number | undefined;
  let mfi14: number | undefined;
  let cci20: number | undefined;
  let williamsR14: number | undefined;
  let roc10: number | undefined;
  for (let index = 0; index < candles.length; index++) {
    const candle = candles[index] as LibraryCandle;
    const close = candle.close;
    sma20 = indicators.sma20.nextValue(close);
    ema12 = indicators.ema12.nextValue(close);
    consumed += ema12 ?? 0;
    ema26 = indicators.ema26.nextValue(close);
    rsi14 = indicators.rsi14.nextValue(close);
    macd = indicators.macd.nextValue(close);
    bollinger = indicators.bollinger.nextValue(close);
    atr14 = indicators.atr14.nextValue(candle);
    const slowK = indicators.stochastic.nextValue(candle)?.d;
    if (slowK !== undefined) stochasticD = indicators.stochasticD.nextValue(slowK);
    adx14 = indicators.adx14.nextValue(candle);
    obv = indicators.obv.nextValue(candle);
    mfi14 = indicators.mfi14.nextValue(candle);
    cci20 = indicators.cci20.nextValue(candle);
    williamsR14 = indicators.williamsR14.nextValue(candle);
    roc10 = indicators.roc10.nextValue(close);
  }
  const finals = [
    sma20,
    ema12,
    ema26,
    rsi14,
    macd?.signal,
    bollinger?.upper,
    atr14,
    stochasticD,
    adx14?.adx,
    obv,
    mfi14,
    cci20,
    williamsR14,
    roc10,
  ].map((value) => value ?? Number.NaN);
  return { consumed, finals };
}

function packageVersion(name: string): string {
  const manifest = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

function libraries(): Library[] {
  return [
    { key: 'keel', name: 'keel StreamingIndicatorSet', repeats: REPEATS.keel, pass: keelPass, note: '' },
    {
      key: 'tradingSignals',
      name: `trading-signals ${packageVersion('trading-signals')}`,
      repeats: REPEATS.tradingSignals,
      pass: tradingSignalsPass,
      note: '',
    },
    {
      key: 'technicalIndicators',
      name: `technicalindicators ${packageVersion('technicalindicators')}`,
      repeats: REPEATS.technicalIndicators,
      pass: technicalIndicatorsPass,
      note: 'stoch %D: + SMA 3',
    },
  ];
}

/** Best candles per second of `repeats` passes, after one warm-up pass, and the last pass's final outputs. */
function measurePasses(library: Library, market: Market): { rate: number; finals: number[] } {
  let finals: number[] = [];
  const seconds = bestSeconds(library.repeats, () => {
    const result = library.pass(market);
    sink += result.consumed + result.finals.reduce((sum, value) => sum + value, 0);
    finals = result.finals;
  });
  return { rate: market.series.length / seconds, finals };
}

/** Why a library's final output may differ from Keel's (TA-Lib's) by definition; any other difference is a bug. */
const KNOWN_DIFFERENCES: Record<LibraryKey, Partial<Record<IndicatorLabel, string>>> = {
  keel: {},
  tradingSignals: { OBV: 'starts at 0, TA-Lib at the first volume' },
  technicalIndicators: {
    'RSI 14': 'rounded to 2 decimals',
    OBV: 'starts at 0, TA-Lib at the first volume',
    'MFI 14': 'rounded to 2 decimals',
  },
};

/** Indicators whose final output differs from Keel's beyond AGREEMENT_TOLERANCE, each with the known reason. */
function disagreements(library: LibraryKey, finals: readonly number[], keelFinals: readonly number[]): string[] {
  return INDICATORS.flatMap(({ label }, index) => {
    const keel = keelFinals[index] as number;
    const other = finals[index] as number;
    if (Math.abs(other - keel) <= AGREEMENT_TOLERANCE * Math.max(1, Math.abs(keel))) return [];
    const reason = KNOWN_DIFFERENCES[library][label] ?? 'UNEXPECTED';
    return [`${label} ${other.toPrecision(6)} vs ${keel.toPrecision(6)} (${reason})`];
  });
}

/** Prints the whole-set table; returns each library's candles per second. */
function benchWholeSet(market: Market): Record<LibraryKey, number> {
  const measured = libraries().map((library) => ({ library, ...measurePasses(library, market) }));
  const [keel, ...others] = measured as [(typeof measured)[number], ...typeof measured];
  const fasterLibrary = Math.max(...others.map(({ rate }) => rate));
  const rows = measured.map(({ library, rate }) => [
    library.name,
    `${INDICATORS.length}/${INDICATORS.length}${library.note ? ` (${library.note})` : ''}`,
    `best of ${library.repeats}`,
    formatRate(rate),
    formatRate(rate * INDICATORS.length),
    library === keel.library ? '1.0×' : `${(keel.rate / rate).toFixed(1)}×`,
  ]);
  printTable(
    `Indicator updates, ${market.title}, full passes (objects built inside the timed region, for all alike)`,
    ['library', 'indicators', 'passes', 'candles/s', 'indicator updates/s', 'Keel speed-up'],
    rows,
  );
  const speedup = keel.rate / fasterLibrary;
  console.log(
    `Target Keel ≥ ${TARGET_SPEEDUP}× the faster library: ${speedup.toFixed(1)}× — ${verdict(speedup >= TARGET_SPEEDUP)}` +
      ' (both libraries have all 14 indicators, so the common subset is the whole set).',
  );
  for (const { library, finals } of others) {
    const differing = disagreements(library.key, finals, keel.finals);
    const agreement = differing.length === 0 ? 'all agree' : `agree except ${differing.join('; ')}`;
    console.log(`${library.name}: final outputs vs Keel's, ${agreement}.`);
  }
  return Object.fromEntries(measured.map(({ library, rate }) => [library.key, rate])) as Record<LibraryKey, number>;
}

type Step = (index: number) => number;

/** One indicator alone: per library, a fresh instance fed one candle per step. */
type BreakdownCase = { label: IndicatorLabel } & Record<LibraryKey, (market: Market) => Step>;

const closeAt = (market: Market, index: number) => (market.candles[index] as LibraryCandle).close;
const candleAt = (market: Market, index: number) => market.candles[index] as LibraryCandle;

/** Each indicator alone, fed as in the whole-set passes; every step returns one output to consume. */
const BREAKDOWN: readonly BreakdownCase[] = [
  {
    label: 'SMA 20',
    keel: ({ series }) => {
      const sma = new SimpleMovingAverage({ period: PARAMETERS.smaPeriod });
      return (index) => sma.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { sma20 } = createTradingSignals();
      return (index) => sma20.add(closeAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { sma20 } = createTechnicalIndicators();
      return (index) => sma20.nextValue(closeAt(market, index)) ?? 0;
    },
  },
  {
    label: 'EMA 12',
    keel: ({ series }) => {
      const ema = new ExponentialMovingAverage({ period: PARAMETERS.emaFastPeriod });
      return (index) => ema.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { ema12 } = createTradingSignals();
      return (index) => ema12.add(closeAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { ema12 } = createTechnicalIndicators();
      return (index) => ema12.nextValue(closeAt(market, index)) ?? 0;
    },
  },
  {
    label: 'EMA 26',
    keel: ({ series }) => {
      const ema = new ExponentialMovingAverage({ period: PARAMETERS.emaSlowPeriod });
      return (index) => ema.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { ema26 } = createTradingSignals();
      return (index) => ema26.add(closeAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { ema26 } = createTechnicalIndicators();
      return (index) => ema26.nextValue(closeAt(market, index)) ?? 0;
    },
  },
  {
    label: 'RSI 14',
    keel: ({ series }) => {
      const rsi = new RelativeStrengthIndex({ period: PARAMETERS.rsiPeriod });
      return (index) => rsi.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { rsi14 } = createTradingSignals();
      return (index) => rsi14.add(closeAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { rsi14 } = createTechnicalIndicators();
      return (index) => rsi14.nextValue(closeAt(market, index)) ?? 0;
    },
  },
  {
    label: 'MACD 12/26/9',
    keel: ({ series }) => {
      const { fast, slow, signal } = PARAMETERS.macd;
      const macd = new Macd({ fast, slow, signal });
      return (index) => macd.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { macd } = createTradingSignals();
      return (index) => macd.add(closeAt(market, index))?.signal ?? 0;
    },
    technicalIndicators: (market) => {
      const { macd } = createTechnicalIndicators();
      return (index) => macd.nextValue(closeAt(market, index))?.signal ?? 0;
    },
  },
  {
    label: 'Bollinger 20/2',
    keel: ({ series }) => {
      const { period, deviations } = PARAMETERS.bollinger;
      const bollinger = new BollingerBands({ period, deviationsUp: deviations, deviationsDown: deviations });
      return (index) => bollinger.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { bollinger } = createTradingSignals();
      return (index) => bollinger.add(closeAt(market, index))?.upper ?? 0;
    },
    technicalIndicators: (market) => {
      const { bollinger } = createTechnicalIndicators();
      return (index) => bollinger.nextValue(closeAt(market, index))?.upper ?? 0;
    },
  },
  {
    label: 'ATR 14',
    keel: ({ series }) => {
      const atr = new AverageTrueRange({ period: PARAMETERS.atrPeriod });
      return (index) =>
        atr.update(series.high[index] as number, series.low[index] as number, series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { atr14 } = createTradingSignals();
      return (index) => atr14.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { atr14 } = createTechnicalIndicators();
      return (index) => atr14.nextValue(candleAt(market, index)) ?? 0;
    },
  },
  {
    label: 'Stochastic 14/3/3',
    keel: ({ series }) => {
      const stochastic = new Stochastic(PARAMETERS.stochastic);
      return (index) =>
        stochastic.update(series.high[index] as number, series.low[index] as number, series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { stochastic } = createTradingSignals();
      return (index) => stochastic.add(candleAt(market, index))?.stochD ?? 0;
    },
    technicalIndicators: (market) => {
      const { stochastic, stochasticD } = createTechnicalIndicators();
      return (index) => {
        const slowK = stochastic.nextValue(candleAt(market, index))?.d;
        return slowK === undefined ? 0 : (stochasticD.nextValue(slowK) ?? 0);
      };
    },
  },
  {
    label: 'ADX 14',
    keel: ({ series }) => {
      const adx = new AverageDirectionalIndex({ period: PARAMETERS.adxPeriod });
      return (index) =>
        adx.update(series.high[index] as number, series.low[index] as number, series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { adx14 } = createTradingSignals();
      return (index) => adx14.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { adx14 } = createTechnicalIndicators();
      return (index) => adx14.nextValue(candleAt(market, index))?.adx ?? 0;
    },
  },
  {
    label: 'OBV',
    keel: ({ series }) => {
      const obv = new OnBalanceVolume();
      return (index) => obv.update(series.close[index] as number, series.volume[index] as number);
    },
    tradingSignals: (market) => {
      const { obv } = createTradingSignals();
      return (index) => obv.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { obv } = createTechnicalIndicators();
      return (index) => obv.nextValue(candleAt(market, index)) ?? 0;
    },
  },
  {
    label: 'MFI 14',
    keel: ({ series }) => {
      const mfi = new MoneyFlowIndex({ period: PARAMETERS.mfiPeriod });
      return (index) =>
        mfi.update(
          series.high[index] as number,
          series.low[index] as number,
          series.close[index] as number,
          series.volume[index] as number,
        );
    },
    tradingSignals: (market) => {
      const { mfi14 } = createTradingSignals();
      return (index) => mfi14.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { mfi14 } = createTechnicalIndicators();
      return (index) => mfi14.nextValue(candleAt(market, index)) ?? 0;
    },
  },
  {
    label: 'CCI 20',
    keel: ({ series }) => {
      const cci = new CommodityChannelIndex({ period: PARAMETERS.cciPeriod });
      return (index) =>
        cci.update(series.high[index] as number, series.low[index] as number, series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { cci20 } = createTradingSignals();
      return (index) => cci20.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { cci20 } = createTechnicalIndicators();
      return (index) => cci20.nextValue(candleAt(market, index)) ?? 0;
    },
  },
  {
    label: 'Williams %R 14',
    keel: ({ series }) => {
      const williamsR = new WilliamsPercentR({ period: PARAMETERS.williamsRPeriod });
      return (index) =>
        williamsR.update(series.high[index] as number, series.low[index] as number, series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { williamsR14 } = createTradingSignals();
      return (index) => williamsR14.add(candleAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { williamsR14 } = createTechnicalIndicators();
      return (index) => williamsR14.nextValue(candleAt(market, index)) ?? 0;
    },
  },
  {
    label: 'ROC 10',
    keel: ({ series }) => {
      const roc = new RateOfChange({ period: PARAMETERS.rocPeriod });
      return (index) => roc.update(series.close[index] as number);
    },
    tradingSignals: (market) => {
      const { roc10 } = createTradingSignals();
      return (index) => roc10.add(closeAt(market, index)) ?? 0;
    },
    technicalIndicators: (market) => {
      const { roc10 } = createTechnicalIndicators();
      return (index) => roc10.nextValue(closeAt(market, index)) ?? 0;
    },
  },
];

/** Best nanoseconds per update of the steps `createStep` makes, over the whole market. */
function nanosecondsPerUpdate(market: Market, createStep: (market: Market) => Step): number {
  const count = market.series.length;
  const seconds = bestSeconds(BREAKDOWN_REPEATS, () => {
    const step = createStep(market);
    let consumed = 0;
    for (let index = 0; index < count; index++) consumed += step(index) || 0;
    sink += consumed;
  });
  return (seconds * 1e9) / count;
}

/**
 * A breakdown job runs in its own worker, i.e. a fresh V8 isolate: the loop above then calls one step only and
 * inlines it, as the whole-set passes inline their updates, and no other indicator's JIT or heap state leaks in.
 */
interface BreakdownJob {
  benchIndicatorsJob: true;
  label: IndicatorLabel;
  library: LibraryKey;
}

function nanosecondsInWorker(label: IndicatorLabel, library: LibraryKey): Promise<number> {
  const job: BreakdownJob = { benchIndicatorsJob: true, label, library };
  return new Promise((resolve, reject) => {
    let nanoseconds = Number.NaN;
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.on('message', (value: number) => {
      nanoseconds = value;
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve(nanoseconds));
  });
}

function runBreakdownJob(job: BreakdownJob): void {
  const indicator = BREAKDOWN.find(({ label }) => label === job.label);
  if (indicator === undefined) throw new Error(`bench indicators: no breakdown case ${job.label}`);
  parentPort?.postMessage(nanosecondsPerUpdate(loadMarket(), indicator[job.library]));
}

async function benchEachIndicator(wholeSetRates: Record<LibraryKey, number>): Promise<void> {
  const keys: LibraryKey[] = ['keel', 'tradingSignals', 'technicalIndicators'];
  const measured: Record<LibraryKey, number>[] = [];
  for (const { label } of BREAKDOWN) {
    const nanoseconds: Partial<Record<LibraryKey, number>> = {};
    for (const key of keys) nanoseconds[key] = await nanosecondsInWorker(label, key);
    measured.push(nanoseconds as Record<LibraryKey, number>);
  }
  const total = (key: LibraryKey) => measured.reduce((sum, nanoseconds) => sum + nanoseconds[key], 0);
  const format = (nanoseconds: number) => nanoseconds.toFixed(1);
  const rows = BREAKDOWN.map(({ label }, index) => {
    const {
      keel,
      tradingSignals: signals,
      technicalIndicators: technical,
    } = measured[index] as Record<LibraryKey, number>;
    return [
      label,
      format(keel),
      `${((100 * keel) / total('keel')).toFixed(0)}%`,
      format(signals),
      format(technical),
      `${(Math.min(signals, technical) / keel).toFixed(1)}×`,
    ];
  });
  rows.push([
    'sum of the 14 alone',
    format(total('keel')),
    '100%',
    format(total('tradingSignals')),
    format(total('technicalIndicators')),
    `${(Math.min(total('tradingSignals'), total('technicalIndicators')) / total('keel')).toFixed(1)}×`,
  ]);
  const perCandle = (key: LibraryKey) => 1e9 / wholeSetRates[key];
  rows.push([
    'whole set, per candle',
    format(perCandle('keel')),
    '',
    format(perCandle('tradingSignals')),
    format(perCandle('technicalIndicators')),
    `${(Math.min(perCandle('tradingSignals'), perCandle('technicalIndicators')) / perCandle('keel')).toFixed(1)}×`,
  ]);
  printTable(
    `Each indicator alone, ns per update (best of ${BREAKDOWN_REPEATS}, each in a fresh worker)`,
    ['indicator', 'keel ns', 'keel share', 'trading-signals ns', 'technicalindicators ns', 'Keel speed-up vs faster'],
    rows,
  );
}

export async function benchIndicators(): Promise<void> {
  const market = loadMarket();
  const wholeSetRates = benchWholeSet(market);
  await benchEachIndicator(wholeSetRates);
  if (Number.isNaN(sink)) console.log('(checksum is NaN: some pass consumed a NaN)');
}

if (!isMainThread && (workerData as Partial<BreakdownJob> | null)?.benchIndicatorsJob === true) {
  runBreakdownJob(workerData as BreakdownJob);
}
