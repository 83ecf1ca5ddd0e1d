// The analysis server the extension forks (dist/server.js), on the real 6.12 tree: what the
// side bar, the QuickPick and the call hierarchy ask of it.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IndexClient } from '../../src/server/client';
import { kernelRoot, repoRoot, testCacheDir, testScope } from '../helpers/kernel';

let client: IndexClient;

before(async () => {
  client = new IndexClient({ serverPath: join(repoRoot, 'dist/server.js') });
  await client.request('open', { root: kernelRoot(), cacheDir: testCacheDir, scope: testScope });
});

after(() => client.dispose());

describe('analysis server on the real 6.12 tree', () => {
  it('names the driver of a file: the one in its own folder, not a driver of a parent folder', async () => {
    assert.equal(
      await client.request('driverOf', { file: 'drivers/net/ethernet/intel/e1000e/netdev.c' }),
      'e1000e',
    );
    assert.equal(
      await client.request('driverOf', { file: 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c' }),
      'ixgbe',
    );
    assert.equal(
      await client.request('driverOf', { file: 'drivers/net/ethernet/intel/e100.c' }),
      'e100',
    );
    assert.equal(await client.request('driverOf', { file: 'net/core/dev.c' }), null);
  });

  it('lists drivers with entry points for the side bar', async () => {
    const drivers = await client.request('drivers', {});
    const e1000e = drivers.find((d) => d.name === 'e1000e');
    assert.ok(e1000e);
    assert.ok(
      e1000e.poll.some((id) => id.endsWith(':e1000e_poll')),
      e1000e.poll.join(', '),
    );
    assert.ok(
      e1000e.xmit.some((id) => id.endsWith(':e1000_xmit_frame')),
      e1000e.xmit.join(', '),
    );
    assert.ok(
      e1000e.refill.some((id) => id.endsWith(':e1000_alloc_rx_buffers')),
      e1000e.refill.join(', '),
    );
  });

  it("gives e1000e_poll's callers through the NAPI poll pointer, for the call hierarchy", async () => {
    const [poll] = await client.request('where', { name: 'e1000e_poll' });
    assert.ok(poll);
    const callers = await client.request('calls', { nodeId: poll.id, direction: 'incoming' });
    const napi = callers.find((c) => c.node.name === '__napi_poll');
    assert.ok(napi, callers.map((c) => c.node.name).join(', '));
    assert.match(
      napi.edges[0]?.via ?? '',
      /napi_struct\.poll = e1000e_poll at drivers\/net\/ethernet\/intel\/e1000e\/netdev\.c:\d+ \(netif_napi_add\)/,
    );
  });

  it('finds the function around a line of net/core/dev.c', async () => {
    const [rx] = await client.request('where', { name: 'net_rx_action' });
    assert.ok(rx);
    const at = await client.request('functionAt', { file: 'net/core/dev.c', line: rx.line + 5 });
    assert.equal(at?.name, 'net_rx_action');
  });
});
