/** GET /v1/health: public; each component's state, and the worst of them as the overall status. */
import { createRoute } from '@hono/zod-openapi';
import { Health } from '@keel/contract';
import type { EdgeApp } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, type RouteKit } from '../http/route-kit.ts';

type State = 'up' | 'degraded' | 'down' | 'disabled';
const SEVERITY: Record<State, number> = { up: 0, disabled: 0, degraded: 1, down: 2 };
const HEALTH_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<'up' | 'down'>): Promise<{ state: State; detail?: string }> {
  try {
    const state = await Promise.race([
      check(),
      new Promise<'down'>((resolve) => setTimeout(() => resolve('down'), HEALTH_TIMEOUT_MS)),
    ]);
    return state === 'up' ? { state } : { state, detail: 'not answering' };
  } catch {
    return { state: 'down', detail: 'not answering' };
  }
}

const route = createRoute({
  method: 'get',
  path: '/v1/health',
  tags: ['platform'],
  summary: 'Health of the API and what it depends on',
  responses: { 200: json(Health, 'Every component and the overall status (down if any component is down)') },
});

export function registerHealthRoutes(app: EdgeApp, kit: RouteKit): void {
  const { deps } = kit;
  app.openapi(route, async (c) => {
    const [database, rateLimits, stream] = await Promise.all([
      probe(async () => {
        await deps.database.asAnon((tx) => tx.query('select 1'));
        return 'up';
      }),
      probe(() => deps.rateLimitStore.health()),
      probe(() => deps.bus.health()),
    ]);
    const components = {
      database,
      rateLimits,
      stream,
      auth: { state: 'up' as State, detail: deps.config.auth.mode },
      websocket: deps.upgradeWebSocket
        ? { state: 'up' as State }
        : { state: 'disabled' as State, detail: 'runtime without WebSocket' },
    };
    const worst = Object.values(components).reduce<State>(
      (acc, component) =>
        SEVERITY[component.state] > SEVERITY[acc] ? (component.state === 'down' ? 'down' : 'degraded') : acc,
      'up',
    );
    return jsonAnswer(c, { status: worst, version: deps.version ?? '0.1.0', components }, 200);
  });
}
