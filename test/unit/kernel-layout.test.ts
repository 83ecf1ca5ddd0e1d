// The folder facts of kernel-layout.ts, each pinned by what it decides.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import picomatch from 'picomatch';
import {
  CONTAINER_DIRS,
  ETHERNET_DRIVERS_DIR,
  NET_DRIVERS_DIR,
  NETWORK_SCOPE,
  PREFERRED_ARCH_INCLUDE,
  fileTier,
} from '../../src/analysis/index/kernel-layout';

describe('kernel layout', () => {
  it('ranks the preferred architecture with generic code, other architectures and tools last', () => {
    assert.equal(fileTier('net/core/dev.c'), 1);
    assert.equal(fileTier('arch/x86/kernel/irq.c'), 1);
    assert.equal(fileTier('arch/arm64/kernel/irq.c'), 3);
    assert.equal(fileTier('arch/s390/net/bpf_jit_comp.c'), 3);
    for (const dir of ['tools', 'scripts', 'samples', 'Documentation', 'usr'])
      assert.equal(fileTier(`${dir}/x.c`), 3, dir);
    // Only a whole folder name counts: toolsfoo/ is kernel code.
    assert.equal(fileTier('toolsfoo/x.c'), 1);
  });

  it("names the preferred architecture's headers", () => {
    assert.equal(PREFERRED_ARCH_INCLUDE, 'arch/x86/include/');
  });

  it('knows the folders that hold one driver per file, and not their subfolders', () => {
    assert.ok(CONTAINER_DIRS.has('drivers/net'));
    assert.ok(CONTAINER_DIRS.has('drivers/net/ethernet'));
    assert.ok(!CONTAINER_DIRS.has('drivers/net/ethernet/intel'));
    assert.ok(!CONTAINER_DIRS.has('drivers/net/ethernet/intel/e1000e'));
  });

  it('nests the Ethernet drivers inside the network drivers', () => {
    assert.ok(ETHERNET_DRIVERS_DIR.startsWith(NET_DRIVERS_DIR));
    assert.ok(NET_DRIVERS_DIR.endsWith('/') && ETHERNET_DRIVERS_DIR.endsWith('/'));
  });

  it('scopes the network paths: the stack, its drivers, the buses of their interrupts, the core', () => {
    const inScope = picomatch([...NETWORK_SCOPE], { dot: true });
    for (const file of [
      'net/core/dev.c',
      'drivers/net/ethernet/intel/e1000e/netdev.c',
      'drivers/net/virtio_net.c',
      'drivers/hv/vmbus_drv.c',
      'drivers/virtio/virtio_ring.c',
      'include/linux/skbuff.h',
      'kernel/softirq.c',
      'arch/x86/kernel/irq.c',
      'fs/read_write.c',
      'fs/eventpoll.c',
    ])
      assert.ok(inScope(file), file);
    for (const file of [
      'fs/ext4/inode.c',
      'drivers/gpu/drm/drm_drv.c',
      'arch/arm64/kernel/irq.c',
      'lib/string.c',
    ])
      assert.ok(!inScope(file), file);
  });
});
