/**
 * The platform's risk limits as the dashboard shows them. They mirror @keel/contract's bots.ts (PLATFORM_*), which
 * the forms import with its schemas; pages without forms take them from here so their first load carries no zod.
 * limits.test.ts checks that the two agree.
 */

/** Drawdown from the equity peak at which the circuit breaker halts a bot's trading. */
export const HALT_DRAWDOWN = 0.15;
