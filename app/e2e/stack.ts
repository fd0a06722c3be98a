/**
 * The stack the end-to-end tests drive: the edge API (with its worker replaying real candles) and the dashboard's
 * server. For now they come from the environment, already running:
 *
 *   KEEL_E2E_API_URL  the edge, e.g. http://127.0.0.1:8787 (its DASHBOARD_ORIGIN must be KEEL_E2E_APP_URL)
 *   KEEL_E2E_APP_URL  the dashboard, e.g. http://127.0.0.1:4173 (started with PUBLIC_API_URL=KEEL_E2E_API_URL)
 *
 * Without them the suite is skipped with that message. The one-process `npm start` will export startStack(),
 * which starts both on free ports; stackFromEnvironment() is the seam where it plugs in.
 */

export interface E2EStack {
  apiUrl: string;
  appUrl: string;
  /** Stops what this process started (nothing for a stack from the environment). */
  close(): Promise<void>;
}

export const STACK_HELP =
  'set KEEL_E2E_API_URL (the edge, with its worker) and KEEL_E2E_APP_URL (the dashboard server, started with ' +
  'PUBLIC_API_URL pointing at that edge; the edge needs DASHBOARD_ORIGIN=<the dashboard URL>) to run the end-to-end tests';

/** The running stack named by the environment, or null (the suite is skipped). */
export function stackFromEnvironment(env: NodeJS.ProcessEnv = process.env): E2EStack | null {
  const apiUrl = env.KEEL_E2E_API_URL;
  const appUrl = env.KEEL_E2E_APP_URL;
  if (!apiUrl || !appUrl) return null;
  return { apiUrl: apiUrl.replace(/\/+$/, ''), appUrl: appUrl.replace(/\/+$/, ''), close: async () => {} };
}

/** How long to wait for a paper bot's first trades and equity points (replayed candles). Default 3 minutes. */
export const LIVE_TIMEOUT_MS = Number(process.env.KEEL_E2E_LIVE_TIMEOUT_MS ?? 180_000);
/** The market and timeframe the test bots trade: what the stack replays. */
export const E2E_SYMBOL = process.env.KEEL_E2E_SYMBOL ?? 'BTC-USDT';
export const E2E_TIMEFRAME = process.env.KEEL_E2E_TIMEFRAME ?? '1h';
