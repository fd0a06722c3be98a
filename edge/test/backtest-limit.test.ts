/**
 * The backtest queue is shared by every user, so one user's backtests waiting or running at once are bounded: one
 * more is refused with 409 (problem+json, saying why) until one finishes or is cancelled. Concurrent submissions
 * cannot both take the last free place, and another user is not held back by this one's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_BACKTESTS } from '../src/routes/backtests.ts';
import { closeTestDatabase, harness, json, signUp } from './harness.ts';

afterAll(closeTestDatabase);

const body = { symbols: ['BTC-USDT'], strategy: 'balanced' };

describe('backtests a user may have queued or running', () => {
  it(`takes ${MAX_PENDING_BACKTESTS}, refuses the next with 409, and takes one again once one is cancelled`, async () => {
    const h = await harness();
    const user = await signUp(h, 'backtest-limit');
    const other = await signUp(h, 'backtest-limit-other');
    // All at once: the last free places are raced for.
    const submitted = await Promise.all(
      Array.from({ length: MAX_PENDING_BACKTESTS + 3 }, () =>
        h.request('POST', '/v1/backtests', { token: user.token, body }),
      ),
    );
    const statuses = submitted.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(MAX_PENDING_BACKTESTS);
    expect(statuses.filter((status) => status === 409)).toHaveLength(3);
    const refused = submitted.find((response) => response.status === 409) as Response;
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await json<{ detail: string }>(refused)).detail).toMatch(/10 backtests queued or running/);

    expect((await h.request('POST', '/v1/backtests', { token: other.token, body })).status).toBe(202);

    const accepted = await json<{ id: string }>(submitted.find((response) => response.status === 202) as Response);
    expect((await h.request('POST', `/v1/backtests/${accepted.id}/cancel`, { token: user.token })).status).toBeLessThan(
      300,
    );
    expect((await h.request('POST', '/v1/backtests', { token: user.token, body })).status).toBe(202);
    expect((await h.request('POST', '/v1/backtests', { token: user.token, body })).status).toBe(409);
  });
});
