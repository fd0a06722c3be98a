/**
 * A bot's risk events in the audit trail (action `risk.<type>`, hyphens as underscores: risk.stop_failed): breaker moves, resizes and refusals,
 * anomalies, protective exits, kill-switch actions. When the breaker reaches HALTED the bot row says so too
 * (bots.breaker_tripped_at), so the API, the dashboard and the next start see a halted bot.
 */
import type { RiskEvent } from '@keel/core/risk/types.ts';
import type { Bot, ServiceScope } from '@keel/db';

export async function recordRiskEvents(tx: ServiceScope, bot: Bot, events: readonly RiskEvent[]): Promise<void> {
  for (const event of events) {
    await tx.audit.record({
      // Audit actions are dotted lower-case words (audit-log.ts); the core's types are hyphenated.
      action: `risk.${event.type.replaceAll('-', '_')}`,
      userId: bot.userId,
      entity: 'bot',
      entityId: bot.id,
      payload: {
        time: new Date(event.time).toISOString(),
        from: event.from,
        to: event.to,
        reason: event.reason,
        equity: event.equity,
        symbol: event.symbol,
      },
    });
    if (event.type === 'breaker' && event.to === 'HALTED') await tx.bots.tripBreaker(bot.id, event.reason);
  }
}
