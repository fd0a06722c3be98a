/**
 * Ethereum's on-chain activity from Etherscan's gas oracle,
 * `GET <baseUrl>/v2/api?chainid=1&module=gastracker&action=gasoracle&apikey=…`:
 *   {"status":"1","message":"OK","result":{"LastBlock":"23838000","SafeGasPrice":"0.41","ProposeGasPrice":"0.42",
 *    "FastGasPrice":"0.47","suggestBaseFee":"0.409","gasUsedRatio":"0.52,0.31,0.99,0.47,0.50"}}
 * or, failing, {"status":"0","message":"NOTOK","result":"Invalid API Key"}.
 * eth_block_fullness = the mean of `gasUsedRatio` (gas used / gas limit of the last blocks): how busy the chain
 * is, independent of the gas price level (which fell a hundredfold over 2024–2025 without activity falling).
 * The oracle gives no time: the observation is the request's. The key must be a query parameter: it is cut from
 * every reason and log line.
 */
import { type Observation, type PollingOptions, polledHttpSignals } from './polled-http-signals.ts';
import type { SignalProvider } from './signal-provider.ts';

export interface EtherscanGasOptions extends PollingOptions {
  /** `https://api.etherscan.io`: ETHERSCAN_URL. */
  baseUrl: string;
  /** ETHERSCAN_API_KEY. */
  apiKey: string;
  /** Default 10 min. */
  maxAgeMs?: number;
  /** Default 1 min (the free plan allows 5 calls a second). */
  refreshMs?: number;
}

const DEFAULT_MAX_AGE_MS = 10 * 60_000;
const DEFAULT_REFRESH_MS = 60_000;

export class EtherscanFormatError extends Error {
  constructor(detail: string) {
    super(`Etherscan gas oracle answer not understood: ${detail}`);
    this.name = 'EtherscanFormatError';
  }
}

/** The mean gas used ratio of the blocks the oracle lists. */
export function parseGasOracle(body: unknown, observedAtMs: number): Observation {
  const answer = body as { status?: unknown; message?: unknown; result?: unknown };
  if (answer?.status !== '1') {
    const detail = typeof answer?.result === 'string' ? answer.result : String(answer?.message);
    throw new EtherscanFormatError(`status ${JSON.stringify(answer?.status)}: ${detail}`);
  }
  const ratios = (answer.result as { gasUsedRatio?: unknown } | null)?.gasUsedRatio;
  if (typeof ratios !== 'string' || ratios === '') throw new EtherscanFormatError('no gasUsedRatio');
  const values = ratios.split(',').map(Number);
  if (values.some((ratio) => !Number.isFinite(ratio) || ratio < 0 || ratio > 1)) {
    throw new EtherscanFormatError(`gasUsedRatio "${ratios}" is not a list of ratios from 0 to 1`);
  }
  return { value: values.reduce((sum, ratio) => sum + ratio, 0) / values.length, observedAtMs };
}

export function etherscanGasProvider(options: EtherscanGasOptions): SignalProvider {
  const query = new URLSearchParams({
    chainid: '1',
    module: 'gastracker',
    action: 'gasoracle',
    apikey: options.apiKey,
  });
  const [fullness] = polledHttpSignals({
    source: 'etherscan',
    names: ['eth_block_fullness'],
    load: async (getJson, nowMs) => ({
      eth_block_fullness: parseGasOracle(await getJson(`${options.baseUrl}/v2/api?${query}`), nowMs),
    }),
    secrets: [options.apiKey],
    defaults: { maxAgeMs: DEFAULT_MAX_AGE_MS, refreshMs: DEFAULT_REFRESH_MS },
    polling: options,
  });
  return fullness as SignalProvider;
}
