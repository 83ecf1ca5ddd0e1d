// The route table of the presets (presets/routes.ts): each route's rows, composed from the
// shared segments, must make a walk the chain can follow (ids once, parents and stand-ins
// named before use, branches leaving from milestones the route has), and the default route
// is the path the presets have always drawn.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BACKLOG_RECEIVE,
  DEFAULT_ROUTE,
  EGRESS,
  EGRESS_BRANCHES,
  INGRESS,
  INGRESS_BRANCHES,
  INGRESS_LEGACY,
  NAPI_RECEIVE,
  ROUTES,
  findRoute,
  type MilestoneRow,
} from '../../src/analysis/presets';

/** Every way a route's direction is walked: ingress after each driver receive part. */
function compositions(): { what: string; rows: readonly MilestoneRow[]; branchFrom: string[] }[] {
  return ROUTES.flatMap((route) => [
    ...[NAPI_RECEIVE, BACKLOG_RECEIVE].map((receive, i) => ({
      what: `${route.id} ingress (${i === 0 ? 'NAPI' : 'backlog'})`,
      rows:
        route.ingress.driverReceive === false
          ? route.ingress.rows
          : [...receive, ...route.ingress.rows],
      branchFrom: route.ingress.branches.flatMap((b) => b.from ?? []),
    })),
    {
      what: `${route.id} egress`,
      rows: route.egress.rows,
      branchFrom: route.egress.branches.flatMap((b) => b.from ?? []),
    },
  ]);
}

describe('the route table', () => {
  it('has one entry per id, each with one line that says what it draws', () => {
    const ids = ROUTES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ['tcp4', 'udp4', 'tcp6', 'udp6', 'forward4', 'forward6'])
      assert.ok(findRoute(id), id);
    for (const r of ROUTES) {
      assert.match(r.id, /^[a-z0-9]+$/);
      assert.ok(r.description.length > 0 && r.description.length <= 90, r.id);
      assert.ok(!r.description.includes('\n'), r.id);
    }
    assert.equal(findRoute('tcp7'), undefined);
  });

  it('composes walks whose parents, stand-ins and branch sources are rows of the same walk', () => {
    for (const { what, rows, branchFrom } of compositions()) {
      const ids = rows.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, `${what}: a row id twice: ${ids.join(' ')}`);
      rows.forEach((row, i) => {
        const earlier = new Set(ids.slice(0, i));
        if (row.after !== undefined)
          assert.ok(earlier.has(row.after), `${what}: ${row.id} after ${row.after}, not before it`);
        if (row.instead !== undefined)
          assert.ok(earlier.has(row.instead), `${what}: ${row.id} instead of ${row.instead}`);
      });
      assert.ok(rows[0]?.root, `${what} starts at a root`);
      assert.ok(
        rows.some((r) => r.required),
        `${what} has required rows`,
      );
      for (const from of branchFrom)
        assert.ok(ids.includes(from), `${what}: a branch leaves from ${from}, no row of it`);
    }
  });

  it('keeps the default route the path the presets have always drawn', () => {
    const route = findRoute(DEFAULT_ROUTE);
    assert.ok(route);
    assert.deepEqual([...NAPI_RECEIVE, ...route.ingress.rows], INGRESS);
    assert.deepEqual([...BACKLOG_RECEIVE, ...route.ingress.rows], INGRESS_LEGACY);
    assert.equal(route.egress.rows, EGRESS);
    assert.equal(route.ingress.branches, INGRESS_BRANCHES);
    assert.equal(route.egress.branches, EGRESS_BRANCHES);
  });

  it('draws each forwarding route out through the driver, and its egress from the forward decision', () => {
    for (const id of ['forward4', 'forward6']) {
      const route = findRoute(id);
      assert.ok(route, id);
      assert.ok(
        route.ingress.rows.some((r) => r.role === 'xmit' && r.required),
        id,
      );
      const first = route.egress.rows[0];
      assert.ok(first?.root && first.context === 'softirq', id);
      assert.ok(
        route.egress.rows.some((r) => r.role === 'tx-clean' && r.required),
        id,
      );
    }
  });
});
