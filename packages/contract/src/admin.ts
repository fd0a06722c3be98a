/** GET /v1/admin/overview (admin role only): the platform at a glance, for the dashboard's admin page. */
import { z } from 'zod';
import { BotStatus } from './bots.ts';
import { IsoTime } from './common.ts';
import { PlatformKillSwitchState } from './platform.ts';

/** One trading worker process, as its heartbeat reports it. */
export const WorkerSummary = z.object({
  id: z.string(),
  /** up: heartbeat recent; stale: heartbeat late, its bots may be taken over. */
  state: z.enum(['up', 'stale']),
  lastHeartbeatAt: IsoTime,
  botsAssigned: z.number().int(),
});

export const AdminOverview = z.object({
  users: z.number().int(),
  /** Bots of every user, counted by status. */
  botsByStatus: z.partialRecord(BotStatus, z.number().int()),
  workers: z.array(WorkerSummary),
  killSwitch: PlatformKillSwitchState,
});

export type AdminOverview = z.infer<typeof AdminOverview>;
