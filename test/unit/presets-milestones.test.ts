// The kinds of preset milestone rows (rows.ts), each walked alone on the kernel-paths
// fixture with rows written here: an optional row not found lets the path go on from its
// parent, a stand-in is walked only when the row it stands in for is absent, and the legs
// that schedule NAPI or hand the skb to the stack give the driver's own functions their
// roles. Each was found by a knock-out (scripts/knockouts.mjs) that no test noticed.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson, GraphNode } from '../../src/analysis/graph-json';
import { buildIndex } from '../../src/analysis/index/indexer';
import { PresetContext, buildPreset, walkChain } from '../../src/analysis/presets';
import { requireDriver } from '../../src/analysis/presets/build';
import type { MilestoneRow } from '../../src/analysis/presets/rows';

const root = join(__dirname, '../fixtures/kernel-paths');
let cacheDir: string;
let ctx: PresetContext;

function readText(path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** The names along each leg the walk found, by row id. */
function walk(rows: MilestoneRow[]): { legs: Map<string, string[]>; missing: string[] } {
  const chain = walkChain(ctx, rows, requireDriver(ctx, 'acme'));
  const legs = new Map<string, string[]>();
  for (const [id, leg] of chain.legs)
    legs.set(
      id,
      leg.path.nodes.map((n) => ctx.graph.name(n)),
    );
  return { legs, missing: chain.missing };
}

function node(g: GraphJson, name: string): GraphNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `${name} is not in ${g.title ?? 'the graph'}`);
  return n;
}

const START: MilestoneRow = {
  id: 'start',
  root: true,
  names: ['tcp_rcv_established'],
  hops: 0,
  label: 'tcp_rcv_established',
};

describe('preset milestone rows on kernel-paths', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-milestones-'));
    ctx = new PresetContext((await buildIndex({ root, cacheDir, workers: 2 })).graph, readText);
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('goes on from the parent of an optional row that is not found', () => {
    const { legs, missing } = walk([
      START,
      { id: 'nowhere', names: ['no_such_function'], hops: 3, label: 'nowhere', optional: true },
      { id: 'wake', names: ['sock_def_readable'], hops: 4, label: 'the wake-up', required: true },
    ]);
    assert.deepEqual(missing, []);
    assert.equal(legs.has('nowhere'), false);
    assert.equal(legs.get('wake')?.[0], 'tcp_rcv_established', JSON.stringify([...legs]));
    assert.equal(legs.get('wake')?.at(-1), 'sock_def_readable');
  });

  it('stops after a required row that is not found, and says why', () => {
    const { legs, missing } = walk([
      START,
      { id: 'nowhere', names: ['no_such_function'], hops: 3, label: 'nowhere', required: true },
      { id: 'wake', names: ['sock_def_readable'], hops: 4, label: 'the wake-up', required: true },
    ]);
    assert.equal(legs.has('wake'), false);
    assert.deepEqual(missing, ['no nowhere found within 3 calls of tcp_rcv_established']);
  });

  it('walks a stand-in only when the row it stands in for is absent', () => {
    const standIn: MilestoneRow = {
      id: 'other',
      after: 'start',
      names: ['tcp_data_ready'],
      hops: 3,
      label: 'tcp_data_ready',
      instead: 'queue',
    };
    const found = walk([
      START,
      { id: 'queue', names: ['tcp_queue_rcv'], hops: 3, label: 'the queue', required: true },
      standIn,
    ]);
    assert.ok(found.legs.has('queue'));
    assert.equal(found.legs.has('other'), false, 'the stand-in of a row found is not walked');
    const absent = walk([
      START,
      { id: 'queue', names: ['no_such_function'], hops: 3, label: 'the queue', required: true },
      standIn,
    ]);
    assert.equal(absent.legs.get('other')?.at(-1), 'tcp_data_ready');
    assert.deepEqual(absent.missing, [], 'a stand-in found makes up for its row');
  });

  it("gives the driver's functions on the leg to the stack the RX clean and hand-off roles", () => {
    const g = buildPreset(ctx, 'acme', 'ingress');
    // acme_poll -> acme_clean_rx_irq (walks the ring) -> acme_receive_skb -> napi_gro_receive.
    assert.match(node(g, 'acme_clean_rx_irq').note ?? '', /^RX clean: /);
    // The hand-off's note says what its body does, with the line of the call.
    assert.match(
      node(g, 'acme_receive_skb').note ?? '',
      /hands the skb to the stack \(napi_gro_receive, line \d+\)\.$/,
    );
    assert.doesNotMatch(node(g, 'acme_receive_skb').note ?? '', /^RX clean: /);
  });

  it("gives the driver's functions on the way to the NAPI schedule the IRQ handler's role", () => {
    // busnet's bus interrupt calls the channel callback, which schedules NAPI.
    const cb = node(buildPreset(ctx, 'busnet', 'ingress'), 'busnet_channel_cb');
    assert.deepEqual([cb.stage, cb.context], ['driver-irq', 'hardirq']);
    assert.match(cb.note ?? '', /^The NIC interrupt handler \(hard IRQ\)/);
  });
});
