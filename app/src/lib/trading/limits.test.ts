import { PLATFORM_HALT_DRAWDOWN } from '@keel/contract/bots.ts';
import { expect, it } from 'vitest';
import { HALT_DRAWDOWN } from './limits.ts';

it("shows the contract's halt drawdown", () => {
  expect(HALT_DRAWDOWN).toBe(PLATFORM_HALT_DRAWDOWN);
});
