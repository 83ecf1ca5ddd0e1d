// Which routes (routes.ts) a driver can draw completely: both directions of the route have
// what they need of the driver (routeLack) and their walks find every required milestone.
// `netpaths drivers` lists them per driver, and an error about a route names them.

import { walkChain } from './chain';
import type { PresetContext } from './context';
import type { Driver } from './drivers';
import { milestonesFor, routeLack } from './build';
import type { Direction } from './rows';
import { ROUTES, type Route } from './routes';

/** Results per graph: a driver's routes are walked once whatever asks. */
const cache = new WeakMap<PresetContext, Map<Driver, Route[]>>();

/** Is one direction of a route complete for the driver? */
export function routeComplete(
  ctx: PresetContext,
  driver: Driver,
  route: Route,
  direction: Direction,
): boolean {
  if (routeLack(driver, route, direction) !== undefined) return false;
  return walkChain(ctx, milestonesFor(ctx, direction, driver, route), driver).missing.length === 0;
}

/**
 * The routes the driver draws completely, in the table's order. `known` gives directions
 * already walked (the default route's, which `drivers` walks for its own columns).
 */
export function drawnRoutes(
  ctx: PresetContext,
  driver: Driver,
  known: ReadonlyMap<string, Readonly<Record<Direction, boolean>>> = new Map(),
): Route[] {
  let perDriver = cache.get(ctx);
  if (!perDriver) cache.set(ctx, (perDriver = new Map<Driver, Route[]>()));
  let drawn = perDriver.get(driver);
  if (!drawn) {
    drawn = ROUTES.filter((route) =>
      (['ingress', 'egress'] as const).every(
        (d) => known.get(route.id)?.[d] ?? routeComplete(ctx, driver, route, d),
      ),
    );
    perDriver.set(driver, drawn);
  }
  return drawn;
}
