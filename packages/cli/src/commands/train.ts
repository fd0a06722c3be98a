/**
 * `keel train`: trains the PPO agent on candle CSVs, validates it on the held-out end of the data, compares it with
 * the incumbent (the promoted model) on that same window, writes a new model version and promotes it when it wins.
 */
import { FEATURE_NAMES } from '@keel/core/features/feature-names.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { type PolicyScore, scoreBuyAndHold, scorePolicy } from '@keel/core/ppo/evaluate.ts';
import { PPO_DEFAULTS } from '@keel/core/ppo/hyper-parameters.ts';
import { buildManifest, type DataWindow, type ModelManifest } from '@keel/core/ppo/manifest.ts';
import type { MarketRange } from '@keel/core/ppo/market-range.ts';
import type { PpoModel } from '@keel/core/ppo/model-artifacts.ts';
import { featureInputScale } from '@keel/core/ppo/normalisation.ts';
import { PolicyNetwork } from '@keel/core/ppo/policy-network.ts';
import { decidePromotion, MIN_SHARPE_MARGIN, type PromotionDecision } from '@keel/core/ppo/promotion.ts';
import { resolveEnvironmentOptions, type TradingEnvironmentOptions } from '@keel/core/ppo/trading-environment.ts';
import type { TrainingResult } from '@keel/core/ppo/train.ts';
import { splitForValidation } from '@keel/core/ppo/training-data.ts';
import {
  currentModelDir,
  loadModel,
  promoteModelVersion,
  resolveModelDir,
  writeModelVersion,
} from '@keel/worker/models/model-files.ts';
import { type Command, numberOption, requiredString, requiredStrings, UsageError } from '../command.ts';
import { formatNumber, formatPercent } from '../report/html.ts';
import { ProgressBar } from '../report/progress-bar.ts';

const DEFAULT_STEPS = 200_000;

function dataWindows(ranges: readonly MarketRange[]): DataWindow[] {
  const iso = (time: number) => new Date(time).toISOString();
  return ranges.map(({ market, start, end }) => ({
    symbol: market.symbol,
    from: iso(market.time[start] as number),
    to: iso(market.time[end - 1] as number),
    candles: end - start,
  }));
}

/** `20261126T041800123Z-seed1`: sorts by creation time, names its seed. */
function versionName(createdAt: Date, seed: number): string {
  return `${createdAt.toISOString().replace(/[-:.]/g, '')}-seed${seed}`;
}

function scoreLine(label: string, score: PolicyScore): string {
  return `${label.padEnd(22)}return ${formatPercent(score.totalReturn).padStart(8)}  Sharpe ${formatNumber(score.sharpe).padStart(6)}  max drawdown ${formatPercent(score.maxDrawdown).padStart(7)}  trades ${score.trades}`;
}

function loadSeries(files: readonly string[]): CandleSeries[] {
  const seriesList = files.map((file) => loadCandlesCsv(file));
  if (new Set(seriesList.map((s) => s.symbol)).size !== seriesList.length) {
    throw new UsageError('two CSV files name the same symbol');
  }
  return seriesList;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the PPO agent on candle CSVs, validate it out of sample and promote it if it beats the incumbent',
  usage: '--csv FILE [--csv FILE…] --out DIR [--seed 1] [--steps 200000] [--validation-fraction 0.2] [--incumbent DIR]',
  options: {
    csv: { type: 'string', multiple: true, valueName: 'FILE', description: 'candle CSV; repeat for several symbols' },
    out: { type: 'string', valueName: 'DIR', description: 'models directory: a new version is written inside it' },
    seed: { type: 'string', valueName: 'N', default: '1', description: 'random seed (same seed, same model)' },
    steps: { type: 'string', valueName: 'N', default: String(DEFAULT_STEPS), description: 'environment steps' },
    'validation-fraction': {
      type: 'string',
      valueName: 'F',
      default: '0.2',
      description: 'share of each CSV, at its end, held out for validation',
    },
    incumbent: {
      type: 'string',
      valueName: 'DIR',
      description: 'model to beat (default: the promoted model of --out, if any)',
    },
    fee: { type: 'string', valueName: 'RATE', default: '0.001', description: 'fee rate per trade' },
    'slippage-bps': { type: 'string', valueName: 'BPS', default: '5', description: 'slippage per fill' },
    'max-exposure': {
      type: 'string',
      valueName: 'F',
      default: '1',
      description: 'position limit: largest position as a fraction of equity',
    },
  },
  details: `
Trains on the early part of each CSV, validates on the last --validation-fraction, in an environment with fees,
slippage and the position limit (reward: log return minus a variance charge; see packages/core/src/ppo/README.md).
Writes DIR/<version>/ (model.json + weights.bin in tfjs format, manifest.json) and, when the model beats the
incumbent's validation Sharpe by ${MIN_SHARPE_MARGIN} on the same window (or there is none), makes it DIR's promoted model
(DIR/CURRENT). Run it with \`keel backtest --strategy ppo --model DIR\`. Progress goes to stderr.`,
  async run(values) {
    const options = trainOptions(values);
    const incumbentDir =
      typeof values.incumbent === 'string' ? resolveModelDir(values.incumbent) : currentModelDir(options.outDir);
    const incumbent: PpoModel | null = incumbentDir === null ? null : loadModel(incumbentDir);
    const seriesList = loadSeries(options.files);
    const split = splitForValidation(seriesList, options.validationFraction);
    // tfjs loads only here (≈0.3 s), not with every keel command.
    const [{ chooseTfBackend }, { encodeModel }] = await Promise.all([
      import('@keel/core/ppo/tf-backend.ts'),
      import('@keel/core/ppo/encode-model.ts'),
    ]);
    const backend = await chooseTfBackend();
    process.stderr.write(`tfjs backend: ${backend}\n`);
    const inputScale = featureInputScale();
    const result = await trainWithProgress(split.train, inputScale, options);

    const network = new PolicyNetwork(result.weights);
    const scores: Scores = {
      train: scorePolicy(network, inputScale, split.train, options.environment),
      validation: scorePolicy(network, inputScale, split.validation, options.environment),
      incumbent: incumbent === null ? null : incumbentScore(incumbent, split.validation, options.environment),
      buyAndHold: scoreBuyAndHold(split.validation, options.environment),
    };
    const promotion = decidePromotion(scores.validation, scores.incumbent);
    const createdAt = new Date();
    const manifest = buildManifest({
      version: versionName(createdAt, options.seed),
      createdAt: createdAt.toISOString(),
      seed: options.seed,
      features: [...FEATURE_NAMES],
      inputScale,
      maxExposure: options.environment.maxExposure,
      shape: result.weights.shape,
      warmupCandles: split.warmupCandles,
      environment: options.environment,
      hyperParameters: result.hyperParameters,
      trainWindows: dataWindows(split.train),
      validationWindows: dataWindows(split.validation),
      training: {
        steps: result.steps,
        seconds: result.seconds,
        stepsPerSecond: result.steps / result.seconds,
        backend,
        meanEpisodeReturn: result.meanEpisodeReturn,
        score: scores.train,
      },
      validation: scores.validation,
    });
    const versionDir = writeModelVersion(options.outDir, manifest.version, await encodeModel(result.weights, manifest));
    if (promotion.promoted) promoteModelVersion(options.outDir, manifest.version);
    process.stdout.write(summary(manifest, result, scores, versionDir, promotion));
    return 0;
  },
};

interface TrainOptions {
  files: string[];
  outDir: string;
  seed: number;
  steps: number;
  validationFraction: number;
  environment: Required<TradingEnvironmentOptions>;
}

interface Scores {
  train: PolicyScore;
  validation: PolicyScore;
  incumbent: PolicyScore | null;
  buyAndHold: PolicyScore;
}

function trainOptions(values: Record<string, unknown>): TrainOptions {
  return {
    files: requiredStrings(values, 'csv'),
    outDir: requiredString(values, 'out'),
    seed: numberOption(values, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 }),
    steps: numberOption(values, 'steps', { integer: true, min: 1 }),
    validationFraction: numberOption(values, 'validation-fraction', { min: 0.01, max: 0.9 }),
    environment: resolveEnvironmentOptions({
      feeRate: numberOption(values, 'fee', { min: 0, max: 0.099 }),
      slippageBps: numberOption(values, 'slippage-bps', { min: 0, max: 999 }),
      maxExposure: numberOption(values, 'max-exposure', { min: 0.01, max: 1 }),
    }),
  };
}

/** Trains with a progress bar on stderr: steps done, rate, the last rollout's mean episode return. */
async function trainWithProgress(
  ranges: readonly MarketRange[],
  inputScale: Float32Array,
  options: TrainOptions,
): Promise<TrainingResult> {
  const { trainPpo } = await import('@keel/core/ppo/train.ts');
  const bar = new ProgressBar(Math.ceil(options.steps / PPO_DEFAULTS.rolloutSteps) * PPO_DEFAULTS.rolloutSteps);
  const started = performance.now();
  const result = trainPpo(ranges, {
    seed: options.seed,
    totalSteps: options.steps,
    inputScale,
    environment: options.environment,
    onProgress: (progress) => {
      const rate = progress.steps / ((performance.now() - started) / 1000);
      const episodeReturn = formatPercent(progress.meanEpisodeReturn);
      bar.update(progress.steps, `${formatNumber(rate, 0)} steps/s  episode return ${episodeReturn}`);
    },
  });
  bar.finish();
  return result;
}

/** The incumbent on the candidate's validation window, with the same costs and its own position limit. */
function incumbentScore(
  incumbent: PpoModel,
  validation: readonly MarketRange[],
  environment: Required<TradingEnvironmentOptions>,
): PolicyScore {
  return scorePolicy(new PolicyNetwork(incumbent.weights), incumbent.inputScale, validation, {
    ...environment,
    maxExposure: incumbent.manifest.actions.maxExposure,
  });
}

function summary(
  manifest: ModelManifest,
  result: TrainingResult,
  scores: Scores,
  versionDir: string,
  promotion: PromotionDecision,
): string {
  const symbols = manifest.trainWindows.map((w) => w.symbol).join(', ');
  const windows = manifest.validationWindows.map((w) => `${w.symbol} ${w.from.slice(0, 16)} → ${w.to.slice(0, 16)}`);
  const rate = formatNumber(result.steps / result.seconds, 0);
  return [
    `PPO trained on ${symbols} (seed ${manifest.seed}, backend ${manifest.training.backend})`,
    `steps                 ${result.steps.toLocaleString('en-US')} in ${result.seconds.toFixed(1)} s (${rate} steps/s), ${result.episodes} episodes`,
    scoreLine('train', scores.train),
    scoreLine('validation', scores.validation),
    ...(scores.incumbent === null ? [] : [scoreLine('incumbent (validation)', scores.incumbent)]),
    scoreLine('buy and hold (valid.)', scores.buyAndHold),
    `validation window     ${windows.join('; ')}`,
    `model                 ${versionDir}`,
    `${promotion.promoted ? 'promoted' : 'not promoted'}: ${promotion.reason}`,
    '',
  ].join('\n');
}
