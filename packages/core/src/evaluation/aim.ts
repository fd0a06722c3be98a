/**
 * The aim for the ensemble, checked on a coin's (or the overall) rows: a higher out-of-sample Sharpe than
 * every other strategy (each agent alone, PPO, buy-and-hold) and at most half buy-and-hold's maximum drawdown.
 */
import { BUY_AND_HOLD } from './buy-and-hold.ts';
import { ENSEMBLE, type EvaluationRow } from './run-evaluation.ts';

export interface AimVerdict {
  coin: string;
  beatsEverySharpe: boolean;
  /** The strategies whose Sharpe is at least the ensemble's. */
  sharpeNotBeaten: string[];
  atMostHalfDrawdown: boolean;
  met: boolean;
}

export function aimVerdict(rows: readonly EvaluationRow[], coin: string): AimVerdict {
  const ofCoin = rows.filter((row) => row.coin === coin);
  const ensemble = ofCoin.find((row) => row.strategy === ENSEMBLE);
  const hold = ofCoin.find((row) => row.strategy === BUY_AND_HOLD);
  const ensembleSharpe = ensemble?.sharpe ?? Number.NEGATIVE_INFINITY;
  const sharpeNotBeaten = ofCoin
    .filter((row) => row.strategy !== ENSEMBLE && (row.sharpe ?? Number.NEGATIVE_INFINITY) >= ensembleSharpe)
    .map((row) => row.strategy);
  const atMostHalfDrawdown =
    ensemble !== undefined && hold !== undefined && ensemble.maxDrawdown <= hold.maxDrawdown / 2;
  const beatsEverySharpe = ensemble !== undefined && sharpeNotBeaten.length === 0;
  return { coin, beatsEverySharpe, sharpeNotBeaten, atMostHalfDrawdown, met: beatsEverySharpe && atMostHalfDrawdown };
}
