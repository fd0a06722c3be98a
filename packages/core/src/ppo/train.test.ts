import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { sliceSeries } from '../market/types.ts';
import { scorePolicy } from './evaluate.ts';
import { featureInputScale } from './normalisation.ts';
import { PolicyNetwork } from './policy-network.ts';
import { marketFromCloses, wholeRange } from './test-markets.ts';
import { chooseTfBackend } from './tf-backend.ts';
import { trainPpo } from './train.ts';
import { splitForValidation, TrainingDataError, type TrainingSplit } from './training-data.ts';
import { TrainingError } from './training-error.ts';

/** A few hundred steps: enough to move every weight, fast enough for a unit test. */
const TINY = { rolloutSteps: 128, minibatchSize: 32, epochs: 2, episodeCandles: 64 };
const SCALE = featureInputScale();

describe('trainPpo', () => {
  beforeAll(async () => {
    await chooseTfBackend();
  });

  describe.skipIf(!hasSharedData())('on real BTC-USDT hourly candles', () => {
    let split: TrainingSplit;
    beforeAll(() => {
      const btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
      split = splitForValidation([sliceSeries(btc, 40_000, 42_000)], 0.25);
    });

    it('gives the same weights for the same seed, and different ones for another seed', () => {
      const run = (seed: number) =>
        trainPpo(split.train, { seed, totalSteps: 256, inputScale: SCALE, hyperParameters: TINY });
      const first = run(3);
      const again = run(3);
      const other = run(4);
      expect(first.steps).toBe(256);
      first.weights.tensors.forEach((tensor, i) => {
        expect(Array.from(again.weights.tensors[i] as Float32Array)).toEqual(Array.from(tensor));
      });
      expect(Array.from(other.weights.tensors[0] as Float32Array)).not.toEqual(
        Array.from(first.weights.tensors[0] as Float32Array),
      );
    });

    it('splits in time: training ends where validation starts, after the feature warm-up', () => {
      const [train] = split.train;
      const [validation] = split.validation;
      expect(train?.start).toBe(split.warmupCandles);
      expect(train?.end).toBe(validation?.start);
      expect(validation?.end).toBe(2000);
      expect(validation?.start).toBe(1500);
    });

    it('refuses a series too short for the warm-up, training and validation, saying what it needs', () => {
      const btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
      expect(() => splitForValidation([sliceSeries(btc, 0, 700)], 0.2)).toThrow(TrainingDataError);
      expect(() => splitForValidation([sliceSeries(btc, 0, 700)], 0.2)).toThrow(
        /BTC-USDT: 700 candles are too few — need 649 for the feature warm-up plus at least 50 to train on and 50 to validate on/,
      );
    });
  });

  it('learns to hold a market that only rises (no costs): the greedy policy ends fully invested', () => {
    const rising = marketFromCloses(Array.from({ length: 400 }, (_, i) => 100 * 1.01 ** i));
    const environment = { feeRate: 0, slippageBps: 0 };
    const result = trainPpo([wholeRange(rising)], {
      seed: 1,
      totalSteps: 512,
      inputScale: SCALE,
      environment,
      hyperParameters: { ...TINY, rolloutSteps: 64, minibatchSize: 32, learningRate: 1e-2, epochs: 4 },
    });
    const network = new PolicyNetwork(result.weights);
    const score = scorePolicy(network, SCALE, [wholeRange(rising)], environment);
    expect(score.totalReturn).toBeGreaterThan(1.01 ** 398 * 0.95 - 1);
  });

  it('leaves no tfjs tensor behind (model, optimiser state and minibatches are freed)', () => {
    const market = marketFromCloses(Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i)));
    const before = tf.memory().numTensors;
    trainPpo([wholeRange(market)], { seed: 2, totalSteps: 256, inputScale: SCALE, hyperParameters: TINY });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to train without candles or with a bad seed', () => {
    const short = marketFromCloses([1, 2]);
    expect(() => trainPpo([wholeRange(short)], { seed: 1, totalSteps: 10, inputScale: SCALE })).toThrow(TrainingError);
    const market = marketFromCloses([1, 2, 3, 4]);
    expect(() => trainPpo([wholeRange(market)], { seed: -1, totalSteps: 10, inputScale: SCALE })).toThrow(/seed/);
  });
});
