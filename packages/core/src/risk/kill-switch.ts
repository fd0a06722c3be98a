/**
 * The emergency kill switch, per bot, per user or platform-wide. A KillSwitchBoard is shared by every risk
 * manager of a process (the worker keeps it in step with the database); each manager reads it on every review and
 * every candle, so an engaged switch stops new orders within one decision cycle (hummingbot#2534: a kill switch
 * that fired while orders continued). On first seeing an engagement, the manager cancels its open orders through
 * the execution port and, when `flatten` is set, sells its positions at market; without `flatten`, protective
 * stops stay so held positions remain protected. Releasing is explicit and audited, like engaging.
 */

export type KillSwitchScope = 'bot' | 'user' | 'platform';

export interface KillSwitchEngagement {
  readonly scope: KillSwitchScope;
  /** The bot or user id; 'platform' for the platform scope. */
  readonly targetId: string;
  /** Who pulled it, for the audit trail. */
  readonly actor: string;
  readonly reason: string;
  /** ms UTC. */
  readonly time: number;
  /** Also sell every position at market. */
  readonly flatten: boolean;
  /** Increases with every engagement: a manager acts once per serial. */
  readonly serial: number;
}

export interface KillSwitchRecord {
  readonly action: 'engage' | 'release';
  readonly scope: KillSwitchScope;
  readonly targetId: string;
  readonly actor: string;
  readonly reason: string;
  readonly time: number;
}

export interface EngageRequest {
  scope: KillSwitchScope;
  /** Required for bot and user scopes. */
  targetId?: string;
  actor: string;
  reason: string;
  time: number;
  /** Default false. */
  flatten?: boolean;
}

export class KillSwitchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KillSwitchError';
  }
}

const PLATFORM_ID = 'platform';

export class KillSwitchBoard {
  private readonly engaged = new Map<string, KillSwitchEngagement>();
  private readonly records: KillSwitchRecord[] = [];
  private serial = 0;

  engage(request: EngageRequest): KillSwitchEngagement {
    const targetId = this.targetOf(request.scope, request.targetId);
    if (!request.actor || !request.reason) throw new KillSwitchError('a kill switch needs an actor and a reason');
    const engagement: KillSwitchEngagement = {
      scope: request.scope,
      targetId,
      actor: request.actor,
      reason: request.reason,
      time: request.time,
      flatten: request.flatten ?? false,
      serial: ++this.serial,
    };
    this.engaged.set(keyOf(request.scope, targetId), engagement);
    this.records.push({
      action: 'engage',
      scope: request.scope,
      targetId,
      actor: request.actor,
      reason: request.reason,
      time: request.time,
    });
    return engagement;
  }

  /** Returns false when that switch was not engaged. */
  release(scope: KillSwitchScope, targetId: string | undefined, actor: string, reason: string, time: number): boolean {
    const id = this.targetOf(scope, targetId);
    if (!actor || !reason) throw new KillSwitchError('releasing a kill switch needs an actor and a reason');
    if (!this.engaged.delete(keyOf(scope, id))) return false;
    this.records.push({ action: 'release', scope, targetId: id, actor, reason, time });
    return true;
  }

  /** The engagement that stops this bot (platform first, then its user, then itself), or null. */
  engagedFor(botId: string, userId: string): KillSwitchEngagement | null {
    if (this.engaged.size === 0) return null;
    return (
      this.engaged.get(keyOf('platform', PLATFORM_ID)) ??
      this.engaged.get(keyOf('user', userId)) ??
      this.engaged.get(keyOf('bot', botId)) ??
      null
    );
  }

  /** Every engage and release, oldest first. */
  get history(): readonly KillSwitchRecord[] {
    return this.records;
  }

  private targetOf(scope: KillSwitchScope, targetId: string | undefined): string {
    if (scope === 'platform') return PLATFORM_ID;
    if (scope !== 'bot' && scope !== 'user') throw new KillSwitchError(`unknown kill switch scope ${scope}`);
    if (!targetId) throw new KillSwitchError(`a ${scope} kill switch needs the ${scope} id`);
    return targetId;
  }
}

function keyOf(scope: KillSwitchScope, targetId: string): string {
  return `${scope}:${targetId}`;
}
