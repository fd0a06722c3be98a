/**
 * Platform administration (the kill switch, the overview) is for administrators: profiles.is_admin, which users
 * cannot set on themselves (no update privilege on the column). Runs after authenticate and the `admin` scope
 * check, so an API token needs both the scope and an administrator owner.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { forbidden } from '../http/problem.ts';
import { type RouteKit, userRoute } from '../http/route-kit.ts';

export function administratorsOnly(kit: RouteKit, what: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const profile = await kit.asUser(c, (tx) => tx.profile.get());
    if (!profile.isAdmin) throw forbidden(`only platform administrators may ${what}`);
    await next();
  };
}

/** A user route for administrators: the `admin` scope for API tokens, then an administrator's account. */
export function adminRoute<R extends RouteConfig>(kit: RouteKit, what: string, config: R): R {
  return { ...userRoute(kit, 'admin', config), middleware: [...kit.secured('admin'), administratorsOnly(kit, what)] };
}
