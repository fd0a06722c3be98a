/**
 * The optional signal providers the environment enables. Fear & Greed: FEAR_GREED_URL (the API's origin,
 * `https://api.alternative.me`; it needs no key). Absent ones read as masked, saying how to enable them.
 */
import type { Logger } from '../logger.ts';
import { fearGreedProvider } from './fear-greed-provider.ts';
import { absentSignal, type SignalProvider } from './signal-provider.ts';

export function signalsFromEnv(env: NodeJS.ProcessEnv, logger: Logger): SignalProvider[] {
  const fearGreed = env.FEAR_GREED_URL
    ? fearGreedProvider({ baseUrl: env.FEAR_GREED_URL.replace(/\/$/, ''), logger })
    : absentSignal('fear_greed', 'set FEAR_GREED_URL=https://api.alternative.me');
  logger.info({ fearGreed: env.FEAR_GREED_URL ? 'on' : 'off (masked)' }, 'signal providers');
  return [fearGreed];
}
