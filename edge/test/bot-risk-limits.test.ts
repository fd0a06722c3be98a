/**
 * A bot whose stored risk limits are not valid limits (written by an older version, or around the API) is shown
 * with what is stored and why, never with the platform defaults as if they were its limits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, harness, json, signUp } from './harness.ts';

afterAll(closeTestDatabase);

interface BotBody {
  risk: Record<string, unknown> | null;
  riskIssue: { stored: Record<string, unknown>; reason: string } | null;
}

describe('risk limits of a bot, as the API shows them', () => {
  it('shows stored limits that do not parse as stored, with the reason, in the bot and in the list', async () => {
    const h = await harness();
    const user = await signUp(h, 'risk-limits');
    // Looser than the platform's 10% cap, and a limit the API does not know: both outside what the API accepts.
    const stored = { maxPositionFraction: 0.5, maxDailyLossFraction: 0.2 };
    const bot = await h.deps.database.asUser({ sub: user.userId }, (tx) =>
      tx.bots.create({
        name: 'legacy',
        exchange: 'binance',
        symbols: ['BTC-USDT'],
        timeframe: '1h',
        riskLimits: stored,
      }),
    );

    const shown = await json<BotBody>(await h.request('GET', `/v1/bots/${bot.id}`, { token: user.token }));
    expect(shown.risk).toBeNull();
    expect(shown.riskIssue?.stored).toEqual(stored);
    expect(shown.riskIssue?.reason).toMatch(/maxPositionFraction: .*0\.1/);
    expect(shown.riskIssue?.reason).toMatch(/maxDailyLossFraction/);

    const listed = await json<{ items: (BotBody & { id: string })[] }>(
      await h.request('GET', '/v1/bots', { token: user.token }),
    );
    expect(listed.items.find((item) => item.id === bot.id)).toMatchObject({ risk: null, riskIssue: shown.riskIssue });
  });

  it('shows valid stored limits as limits, with no issue', async () => {
    const h = await harness();
    const user = await signUp(h, 'risk-limits-ok');
    const created = await h.request('POST', '/v1/bots', {
      token: user.token,
      body: { name: 'ok', symbols: ['BTC-USDT'], risk: { maxPositionFraction: 0.05 } },
    });
    const shown = await json<BotBody>(created);
    expect(shown.riskIssue).toBeNull();
    expect(shown.risk).toMatchObject({ maxPositionFraction: 0.05, stopLossFraction: 0.05 });
  });
});
