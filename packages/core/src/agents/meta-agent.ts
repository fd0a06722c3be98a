/**
 * The meta-agent ('ensemble'): runs every agent on every candle, keeps each one's shadow portfolio current, and
 * decides per symbol by weighted vote (selection.ts has the weights, README.md the whole rule):
 *   1. regime of the symbol (regime.ts), rolling Sharpe of each agent's shadow (shadow-portfolio.ts);
 *   2. weights over the agents the risk mode allows (breaker CONSERVATIVE: the conservative agent only; halted:
 *      none, and the ensemble holds);
 *   3. long support = Σ weight of the agents whose shadow portfolio holds the symbol (each agent's stance, not its
 *      vote of this candle: votes are events, stances last);
 *   4. flat: enter (buy the risk tolerance's exposure, TOLERANCE_MAX_EXPOSURE) when long support ≥ ENTER_SUPPORT and
 *      the regime is bull (the trend filter: no new position in a sideways or bear market); long: exit (sell to flat) when the regime turns bear, or when long support falls
 *      below EXIT_SUPPORT and the position is MIN_HOLDING_CANDLES old; otherwise hold. The gap between the two
 *      thresholds is the hysteresis; weights moving from one agent to another never trade by themselves.
 *   The chosen agent (for the rationale) is the heaviest agent on the side the ensemble takes.
 * With `onRationale` set, each buy or sell also yields a DecisionRationale for the audit trail; without it the hot
 * path allocates nothing.
 */
import { FEATURE_NAMES } from '../features/feature-names.ts';
import type { Action, Decision, DecisionContext, Strategy } from '../strategy/types.ts';
import { holdDecision } from '../strategy/types.ts';
import type { RuleAgentOptions } from './agent-options.ts';
import { featuresFor } from './features-required.ts';
import { MIN_HOLDING_CANDLES } from './holding-period.ts';
import { REGIMES, RegimeDetector, type RegimeOptions } from './regime.ts';
import { createRuleAgent } from './rule-agents.ts';
import { REGIME_PRIOR, TOLERANCE_MAX_EXPOSURE, TOLERANCE_PRIOR, weighAgents } from './selection.ts';
import { type ShadowPortfolioOptions, ShadowPortfolios } from './shadow-portfolio.ts';
import { confidenceFromStrength } from './signal.ts';
import {
  type Agent,
  type AgentVote,
  type DecisionRationale,
  type FeatureContribution,
  type Regime,
  type RiskTolerance,
  RULE_AGENT_NAMES,
  type RuleAgentName,
} from './types.ts';

export interface MetaAgentOptions {
  /** The rule agents that vote; default all four. */
  agents?: readonly RuleAgentName[];
  /** One more agent built for the same symbols, typically the PPO agent (name 'ppo') when a model is loaded. */
  extraAgent?: Agent;
  /** The user's risk tolerance; default 'medium'. */
  riskTolerance?: RiskTolerance;
  /** Called with the rationale of every buy or sell decision; leave unset where no audit trail is kept. */
  onRationale?: (rationale: DecisionRationale) => void;
  /** Features in a rationale's topFeatures; default 5. */
  topFeatures?: number;
  ruleAgents?: RuleAgentOptions;
  regime?: RegimeOptions;
  shadow?: ShadowPortfolioOptions;
}

export class MetaAgentOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetaAgentOptionsError';
  }
}

const YEAR_MS = 365 * 24 * 3_600_000;
const DEFAULT_TOP_FEATURES = 5;
/**
 * Long support needed to enter: a weighted majority of the agents holding the symbol. The ensemble's edge is
 * agreement; a lone agent, or two light ones, moving the position is how fees ate it (issue #3: ~1,700 round trips).
 */
export const ENTER_SUPPORT = 0.5;
/** Long support below which a position ends (after MIN_HOLDING_CANDLES): hysteresis against ENTER_SUPPORT. */
export const EXIT_SUPPORT = 0.25;
const FLAT = -1;
/** Distinct agent reasons remembered per regime for the ensemble's reason text; past it, texts are built anew. */
const REASON_CACHE_LIMIT = 1024;

export class MetaAgent implements Strategy {
  readonly name = 'ensemble';
  readonly warmupCandles: number;
  readonly riskTolerance: RiskTolerance;
  readonly agents: readonly Agent[];
  private readonly symbols: readonly string[];
  private readonly onRationale: ((rationale: DecisionRationale) => void) | undefined;
  private readonly topFeatureCount: number;
  private readonly regimes: RegimeDetector;
  private readonly shadows: ShadowPortfolios;
  private readonly votes: Decision[];
  /** Per regime code (REGIMES order), per agent: regime prior × tolerance prior. */
  private readonly priors: Float64Array[];
  private readonly sharpes: Float64Array;
  private readonly weights: Float64Array;
  private readonly allowAll: Uint8Array;
  private readonly allowConservative: Uint8Array;
  private readonly allowNone: Uint8Array;
  /** Per symbol, the smallest step between candles seen so far (ms): the candle length, for annualising. */
  private readonly candleMs: Float64Array;
  private readonly maxExposure: number;
  private readonly reasonTexts = REGIMES.map(() => new Map<string, string>());
  private readonly contributions = new Float32Array(FEATURE_NAMES.length);
  /** Per symbol: candles since the ensemble entered while long, FLAT otherwise. */
  private readonly candlesHeld: Int32Array;
  /** Per agent, the ensemble's reason texts for entering, leaving on lost support, and leaving a bear market. */
  private readonly enterReasons: string[];
  private readonly exitReasons: string[];
  private readonly bearReasons: string[];

  constructor(symbols: readonly string[], options: MetaAgentOptions = {}) {
    const ruleNames = options.agents ?? RULE_AGENT_NAMES;
    if (new Set(ruleNames).size !== ruleNames.length) {
      throw new MetaAgentOptionsError(`ensemble agents must be distinct; got ${ruleNames.join(', ')}`);
    }
    const agents: Agent[] = ruleNames.map((name) => createRuleAgent(name, symbols, options.ruleAgents));
    if (options.extraAgent !== undefined) {
      if (ruleNames.some((name) => name === options.extraAgent?.name)) {
        throw new MetaAgentOptionsError(`ensemble extra agent ${options.extraAgent.name} is already a voter`);
      }
      agents.push(options.extraAgent);
    }
    if (agents.length === 0) throw new MetaAgentOptionsError('ensemble needs at least one agent');
    this.agents = agents;
    this.symbols = symbols;
    this.riskTolerance = options.riskTolerance ?? 'medium';
    if (!(this.riskTolerance in TOLERANCE_PRIOR)) {
      throw new MetaAgentOptionsError(`risk tolerance must be low, medium or high; got ${String(this.riskTolerance)}`);
    }
    this.onRationale = options.onRationale;
    this.topFeatureCount = options.topFeatures ?? DEFAULT_TOP_FEATURES;
    this.regimes = new RegimeDetector(symbols.length, options.regime);
    this.shadows = new ShadowPortfolios(agents.length, symbols.length, options.shadow);
    this.warmupCandles = Math.max(this.regimes.warmupCandles, ...agents.map((agent) => agent.warmupCandles));
    this.votes = agents.map(() => ({ action: 'hold', targetExposure: Number.NaN, confidence: 0, reason: '' }));
    const tolerance = TOLERANCE_PRIOR[this.riskTolerance];
    this.priors = REGIMES.map(
      (regime) => new Float64Array(agents.map((agent) => REGIME_PRIOR[regime][agent.name] * tolerance[agent.name])),
    );
    this.sharpes = new Float64Array(agents.length);
    this.weights = new Float64Array(agents.length);
    this.allowAll = new Uint8Array(agents.length).fill(1);
    this.allowConservative = new Uint8Array(agents.map((agent) => (agent.name === 'conservative' ? 1 : 0)));
    this.allowNone = new Uint8Array(agents.length);
    this.candleMs = new Float64Array(symbols.length).fill(Number.POSITIVE_INFINITY);
    this.maxExposure = TOLERANCE_MAX_EXPOSURE[this.riskTolerance];
    this.candlesHeld = new Int32Array(symbols.length).fill(FLAT);
    this.enterReasons = agents.map((agent) => `${agent.name} leads a weighted majority holding long`);
    this.exitReasons = agents.map((agent) => `${agent.name} leads: long support fell below the exit threshold`);
    this.bearReasons = agents.map((agent) => `${agent.name}: bear regime, out of the market`);
  }

  onCandle(context: DecisionContext, out: Decision): void {
    const { symbolIndex, series, index } = context;
    const regime = this.regimes.update(symbolIndex, series, index);
    const priceReturn = this.observeCandle(symbolIndex, series.time, series.close, index);
    const candlesPerYear = YEAR_MS / (this.candleMs[symbolIndex] as number);
    const agents = this.agents;
    for (let a = 0; a < agents.length; a++) {
      const vote = this.votes[a] as Decision;
      (agents[a] as Agent).onCandle(context, vote);
      this.shadows.update(a, symbolIndex, priceReturn, vote.action, vote.targetExposure);
      this.sharpes[a] = this.shadows.sharpe(a, symbolIndex, candlesPerYear);
    }
    const regimeCode = REGIMES.indexOf(regime);
    const allowedAgents = context.riskMode?.allowedAgents ?? 'any';
    const allowed =
      allowedAgents === 'any'
        ? this.allowAll
        : allowedAgents === 'conservative'
          ? this.allowConservative
          : this.allowNone;
    if (!weighAgents(this.priors[regimeCode] as Float64Array, this.sharpes, allowed, this.weights)) {
      holdDecision(
        out,
        allowedAgents === 'none' ? 'ensemble: risk mode allows no agent' : 'ensemble: no agent allowed',
      );
      return;
    }
    const held = this.candlesHeld[symbolIndex] as number;
    const longSupport = this.longSupport(symbolIndex);
    if (held === FLAT) {
      if (regime !== 'bull' || longSupport < ENTER_SUPPORT) {
        holdDecision(out, 'ensemble: no weighted majority long in a bull market');
        return;
      }
      this.candlesHeld[symbolIndex] = 0;
      this.decide(context, out, regime, 'buy', longSupport, this.enterReasons);
      return;
    }
    this.candlesHeld[symbolIndex] = held + 1;
    if (regime === 'bear') {
      this.candlesHeld[symbolIndex] = FLAT;
      this.decide(context, out, regime, 'sell', 1 - longSupport, this.bearReasons);
    } else if (longSupport < EXIT_SUPPORT && held + 1 >= MIN_HOLDING_CANDLES) {
      this.candlesHeld[symbolIndex] = FLAT;
      this.decide(context, out, regime, 'sell', 1 - longSupport, this.exitReasons);
    } else holdDecision(out, 'ensemble: holding the position');
  }

  /** Writes the ensemble's buy (to the tolerance's exposure) or sell (to flat), and its rationale when wanted. */
  private decide(
    context: DecisionContext,
    out: Decision,
    regime: Regime,
    action: Action,
    support: number,
    reasons: readonly string[],
  ): void {
    const chosen = this.heaviestAgent(context.symbolIndex, action === 'buy');
    out.action = action;
    out.targetExposure = action === 'buy' ? this.maxExposure : 0;
    out.confidence = confidenceFromStrength(support);
    out.reason = this.reasonText(REGIMES.indexOf(regime), reasons[chosen] as string);
    if (this.onRationale !== undefined) this.onRationale(this.rationale(context, regime, chosen));
  }

  /** Σ weight of the agents whose shadow portfolio holds the symbol. */
  private longSupport(symbolIndex: number): number {
    let support = 0;
    for (let a = 0; a < this.agents.length; a++) {
      if (this.shadows.exposureOf(a, symbolIndex) > 0) support += this.weights[a] as number;
    }
    return support;
  }

  /** The agent with the largest weight among those long (`long`) or flat in the symbol; any heaviest if none is. */
  private heaviestAgent(symbolIndex: number, long: boolean): number {
    let best = -1;
    let heaviest = 0;
    for (let pass = 0; pass < 2 && best < 0; pass++) {
      for (let a = 0; a < this.agents.length; a++) {
        const onSide = this.shadows.exposureOf(a, symbolIndex) > 0 === long;
        if ((pass === 1 || onSide) && (this.weights[a] as number) > heaviest) {
          heaviest = this.weights[a] as number;
          best = a;
        }
      }
    }
    return Math.max(0, best);
  }

  /** Records the candle's step and returns its price return close_t / close_t−1 − 1 (0 on a series' first). */
  private observeCandle(symbolIndex: number, time: Float64Array, close: Float64Array, index: number): number {
    if (index === 0) return 0;
    const step = (time[index] as number) - (time[index - 1] as number);
    if (step > 0 && step < (this.candleMs[symbolIndex] as number)) this.candleMs[symbolIndex] = step;
    const priceReturn = (close[index] as number) / (close[index - 1] as number) - 1;
    return Number.isFinite(priceReturn) ? priceReturn : 0;
  }

  private reasonText(regimeCode: number, agentReason: string): string {
    const texts = this.reasonTexts[regimeCode] as Map<string, string>;
    const known = texts.get(agentReason);
    if (known !== undefined) return known;
    const text = `ensemble (${REGIMES[regimeCode]} market) → ${agentReason}`;
    if (texts.size < REASON_CACHE_LIMIT) texts.set(agentReason, text);
    return text;
  }

  private rationale(context: DecisionContext, regime: Regime, chosen: number): DecisionRationale {
    const votes: AgentVote[] = this.agents.map((agent, a) => {
      const vote = this.votes[a] as Decision;
      return {
        agent: agent.name,
        action: vote.action,
        targetExposure: vote.targetExposure,
        confidence: vote.confidence,
        recentSharpe: this.sharpes[a] as number,
        weight: this.weights[a] as number,
      };
    });
    const chosenAgent = this.agents[chosen] as Agent;
    this.contributions.fill(0);
    chosenAgent.explain(this.contributions);
    const features = featuresFor(context, this.name);
    const topFeatures: FeatureContribution[] = Array.from(this.contributions, (contribution, column) => ({
      feature: FEATURE_NAMES[column] as string,
      value: features[column] as number,
      contribution,
    }))
      .filter((entry) => entry.contribution !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, this.topFeatureCount);
    return {
      time: context.series.time[context.index] as number,
      symbol: this.symbols[context.symbolIndex] as string,
      regime,
      riskTolerance: this.riskTolerance,
      chosenAgent: chosenAgent.name,
      votes,
      topFeatures,
    };
  }
}
