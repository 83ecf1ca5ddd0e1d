// Driver roles registered indirectly, on the real Linux 6.12 tree (docs/driver-roles.md):
// an interrupt handler stored into a field before request_irq reads it (i40e), one of two
// handlers or polls chosen by a condition (gve, nfp), and an RX refill the poll runs
// itself besides the work item that retries it (virtio_net). Lines are read from the tree.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import type { DriverSummary } from '../../src/analysis/presets';
import { queryJson, runCli } from '../helpers/kernel';
import { statementAt, treeLines } from '../helpers/source';

/** 1-based line of the first line of `file` in the tree that contains `needle`. */
function lineOf(file: string, needle: string): number {
  const i = treeLines(file).findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

/** How the edge from the kernel's dispatcher into `fn` (FILE:NAME) was bound. */
function boundAs(fn: string, slot: string): string[] {
  const g = queryJson<GraphJson>(['callers', fn]);
  return g.edges
    .filter((e) => e.to === fn && (e.via ?? '').startsWith(`${slot} = `))
    .map((e) => e.via ?? '');
}

describe('driver roles registered indirectly, on the real 6.12 tree', () => {
  let list: DriverSummary[];
  const find = (name: string): DriverSummary => {
    const d = list.find((x) => x.name === name);
    assert.ok(d, `no driver ${name}`);
    return d;
  };
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
    list = queryJson<DriverSummary[]>(['drivers']);
  });

  it("i40e: the ring handler stored into vsi->irq_handler is request_irq's, from that field", () => {
    const file = 'drivers/net/ethernet/intel/i40e/i40e_main.c';
    const handler = `${file}:i40e_msix_clean_rings`;
    assert.ok(find('i40e').irq.includes(handler), find('i40e').irq.join(' '));
    const line = lineOf(file, 'err = request_irq(irq_num,');
    assert.match(statementAt(file, line), /request_irq\(irq_num,\s*vsi->irq_handler,/);
    assert.ok(
      boundAs(handler, 'irqaction.handler').includes(
        `irqaction.handler = i40e_msix_clean_rings at ${file}:${line} (request_irq from i40e_vsi.irq_handler)`,
      ),
      boundAs(handler, 'irqaction.handler').join('\n'),
    );
  });

  it('gve: both interrupt handlers of the condition passed to request_irq', () => {
    const file = 'drivers/net/ethernet/google/gve/gve_main.c';
    const line = lineOf(file, 'gve_is_gqi(priv) ? gve_intr : gve_intr_dqo') - 1;
    assert.match(statementAt(file, line), /request_irq\(/);
    for (const name of ['gve_intr', 'gve_intr_dqo']) {
      assert.ok(find('gve').irq.includes(`${file}:${name}`), find('gve').irq.join(' '));
      assert.ok(
        boundAs(`${file}:${name}`, 'irqaction.handler').includes(
          `irqaction.handler = ${name} at ${file}:${line} (request_irq)`,
        ),
      );
    }
  });

  it('nfp: the NAPI polls of the data-path operations table chosen at probe time, and a complete ingress', () => {
    const file = 'drivers/net/ethernet/netronome/nfp/nfp_net_common.c';
    const line = lineOf(file, 'netif_napi_add(dp->netdev, &r_vec->napi,');
    assert.match(statementAt(file, line), /dp->ops->poll\)/);
    const nfp = find('nfp');
    for (const [poll, field] of [
      ['nfd3/dp.c:nfp_nfd3_poll', 'poll'],
      ['nfdk/dp.c:nfp_nfdk_poll', 'poll'],
      ['nfd3/xsk.c:nfp_nfd3_xsk_poll', 'xsk_poll'],
    ] as const) {
      const id = `drivers/net/ethernet/netronome/nfp/${poll}`;
      assert.ok(nfp.poll.includes(id), nfp.poll.join(' '));
      const name = poll.split(':')[1] ?? '';
      const via = boundAs(id, 'napi_struct.poll');
      assert.ok(
        via.includes(
          `napi_struct.poll = ${name} at ${file}:${line} (netif_napi_add from nfp_dp_ops.${field})`,
        ),
        via.join('\n'),
      );
    }
    assert.equal(nfp.ingress, 'complete', nfp.why);
  });

  it("virtio_net: the refill is the poll's own try_fill_recv, which refill_work retries", () => {
    const file = 'drivers/net/virtio_net.c';
    const virtio = find('virtio_net');
    assert.equal(virtio.refill[0], `${file}:try_fill_recv`, virtio.refill.join(' '));
    assert.ok(virtio.refill.includes(`${file}:refill_work`), virtio.refill.join(' '));
    // The tree: the poll's receive refills directly, and schedules the work item when it cannot.
    const at = lineOf(file, 'if (!try_fill_recv(vi, rq, GFP_ATOMIC)) {');
    assert.match(
      treeLines(file)
        .slice(at, at + 6)
        .join('\n'),
      /schedule_delayed_work\(&vi->refill/,
    );
    const g = queryJson<GraphJson>(['ingress', '--driver', 'virtio_net']);
    assert.ok(
      g.nodes.some((n) => n.id === `${file}:try_fill_recv`),
      'the ingress path draws the direct refill',
    );
  });
});
