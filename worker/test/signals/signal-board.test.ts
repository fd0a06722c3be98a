/**
 * The worker's signal board: one request per provider interval however many bots read it, each bot's signal vector
 * written from the latest readings and judged at the decision's time (stale, or from the decision's future: masked),
 * and every signal listed with its value or the reason it is masked. Fear & Greed runs against a loopback API.
 */
import { OUTSIDE_SIGNAL_NAMES } from '@keel/core/signals/signal-names.ts';
import { createSignalVector, signalValue } from '@keel/core/signals/signal-vector.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { fearGreedProvider } from '../../src/signals/fear-greed-provider.ts';
import { signalBoard } from '../../src/signals/signal-board.ts';
import { SignalConfigError, signalsFromEnv } from '../../src/signals/signals-from-env.ts';
import { capturedLines, type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const HOUR_MS = 3_600_000;
const PUBLISHED_MS = Date.UTC(2025, 10, 20);

let api: LoopbackJsonApi;
beforeAll(async () => {
  api = await startLoopbackJsonApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer('/fng/', {
    status: 200,
    body: {
      name: 'Fear and Greed Index',
      data: [{ value: '20', value_classification: 'Extreme Fear', timestamp: String(PUBLISHED_MS / 1000) }],
      metadata: { error: null },
    },
  });
});

/** A board over Fear & Greed (the other signals absent) whose wall clock the test moves. */
function boardAt(clock: { nowMs: number }) {
  const providers = signalsFromEnv({ FEAR_GREED_URL: `${api.url}/` }, silentLogger);
  return signalBoard({ providers, logger: silentLogger, now: () => clock.nowMs });
}

describe('signal board', () => {
  it('asks each API once per refresh interval, however many bots decide meanwhile', async () => {
    const clock = { nowMs: PUBLISHED_MS + HOUR_MS };
    const board = boardAt(clock);
    const bots = Array.from({ length: 50 }, () => createSignalVector());
    for (let minute = 0; minute < 14; minute++) {
      clock.nowMs = PUBLISHED_MS + HOUR_MS + minute * 60_000;
      await Promise.all([board.poll(), board.poll()]);
      for (const vector of bots) board.fill(vector, clock.nowMs);
    }
    expect(api.requests).toHaveLength(1);
    clock.nowMs += 2 * 60_000;
    await board.poll();
    expect(api.requests).toHaveLength(2);
    for (const vector of bots) expect(signalValue(vector, 'fear_greed')).toBeCloseTo(-0.6, 6);
  });

  it('lists every signal for a decision: the value it used, or why it is masked', async () => {
    const clock = { nowMs: PUBLISHED_MS + HOUR_MS };
    const board = boardAt(clock);
    const vector = createSignalVector();
    expect(board.fill(vector, clock.nowMs)[0]).toMatchObject({ name: 'fear_greed', maskedBecause: 'not read yet' });
    await board.poll();
    const notes = board.fill(vector, PUBLISHED_MS + 2 * HOUR_MS);
    expect(notes.map((note) => note.name)).toEqual([...OUTSIDE_SIGNAL_NAMES]);
    expect(notes[0]).toEqual({ name: 'fear_greed', available: true, value: 20, maskedBecause: null });
    expect(notes.find((note) => note.name === 'btc_dominance')).toEqual({
      name: 'btc_dominance',
      available: false,
      value: null,
      maskedBecause: 'not configured (set COINGECKO_URL=https://api.coingecko.com)',
    });
    for (const name of OUTSIDE_SIGNAL_NAMES.slice(1)) expect(signalValue(vector, name)).toBeNaN();
  });

  it('judges a reading at the decision time: stale after its max age, masked before its observation', async () => {
    const clock = { nowMs: PUBLISHED_MS + HOUR_MS };
    const board = boardAt(clock);
    await board.poll();
    const vector = createSignalVector();
    const late = board.fill(vector, PUBLISHED_MS + 37 * HOUR_MS)[0];
    expect(late).toMatchObject({ available: false, maskedBecause: 'stale at the decision: observed 37 h before it' });
    expect(signalValue(vector, 'fear_greed')).toBeNaN();
    // A replayed candle from 2019 must not see 2025's sentiment.
    const past = board.fill(vector, Date.UTC(2019, 0, 1))[0];
    expect(past).toMatchObject({ available: false, maskedBecause: 'observed after the decision time (a past candle)' });
    expect(board.fill(vector, PUBLISHED_MS + 3 * HOUR_MS)[0]?.available).toBe(true);
    expect(signalValue(vector, 'fear_greed')).toBeCloseTo(-0.6, 6);
  });

  it('polls on its own once started, and stops', async () => {
    const board = signalBoard({
      providers: [fearGreedProvider({ baseUrl: api.url, logger: silentLogger, refreshMs: 0 })],
      logger: silentLogger,
      pollMs: 10,
    });
    board.start();
    await expect.poll(() => api.requests.length).toBeGreaterThanOrEqual(2);
    await board.stop();
    const after = api.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requests.length).toBe(after);
  });
});

describe('signals from the environment', () => {
  it('turns on each provider its variable names, and logs which without any key', () => {
    const { lines, destination } = capturedLines();
    const providers = signalsFromEnv(
      {
        FEAR_GREED_URL: 'https://api.alternative.me',
        COINGECKO_URL: 'https://api.coingecko.com/',
        COINGECKO_API_KEY: 'cg-key-1',
        WHALE_ALERT_API_KEY: 'wa-key-2',
        WHALE_ALERT_MIN_USD: '500000',
        ETHERSCAN_API_KEY: 'es-key-3',
      },
      createLogger({ name: 'test', destination }),
    );
    expect(providers.map((provider) => provider.name)).toEqual([...OUTSIDE_SIGNAL_NAMES]);
    expect(providers.every((provider) => Number.isFinite(provider.maxAgeMs))).toBe(true);
    expect(lines.join('\n')).toMatch(/"whaleAlert":"on"/);
    for (const key of ['cg-key-1', 'wa-key-2', 'es-key-3']) expect(lines.join('\n')).not.toContain(key);
  });

  it('refuses a minimum transfer that is not a positive amount, naming the variable', () => {
    expect(() => signalsFromEnv({ WHALE_ALERT_API_KEY: 'k', WHALE_ALERT_MIN_USD: '1e6usd' }, silentLogger)).toThrow(
      new SignalConfigError('WHALE_ALERT_MIN_USD must be a positive number of USD, got "1e6usd"'),
    );
  });
});
