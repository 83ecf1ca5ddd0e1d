// Reading module names from kbuild Makefiles (src/analysis/presets/kbuild.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moduleOf, modulesOf, parseKbuild } from '../../src/analysis/presets';

describe('parseKbuild', () => {
  it('reads composite and single-object modules', () => {
    const m = parseKbuild(
      [
        '# SPDX-License-Identifier: GPL-2.0',
        'obj-$(CONFIG_E1000E) += e1000e.o',
        '',
        'e1000e-objs := 82571.o ich8lan.o 80003es2lan.o \\',
        '\t       mac.o netdev.o',
        'e1000e-$(CONFIG_PTP) += ptp.o',
        'obj-$(CONFIG_R8169) += r8169.o',
        'r8169-y += r8169_main.o r8169_phy_config.o',
        'obj-$(CONFIG_8139TOO) += 8139too.o',
        'obj-$(CONFIG_SFC_SIENA) += sfc-siena.o',
        'sfc-siena-y += farch.o siena.o',
        'obj-$(CONFIG_IXGBE) += sub/',
        'ccflags-y += -I$(src)',
        'CFLAGS_trace.o := -I$(src)',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(m), {
      e1000e: ['82571.o', 'ich8lan.o', '80003es2lan.o', 'mac.o', 'netdev.o', 'ptp.o'],
      r8169: ['r8169_main.o', 'r8169_phy_config.o'],
      '8139too': ['8139too.o'],
      'sfc-siena': ['farch.o', 'siena.o'],
    });
  });
});

describe('moduleOf', () => {
  const makefiles: Record<string, string> = {
    'drivers/net/ethernet/realtek':
      'obj-$(CONFIG_R8169) += r8169.o\nr8169-objs := r8169_main.o\nobj-$(CONFIG_8139CP) += 8139cp.o\n',
    'drivers/net/ethernet/ti':
      'obj-$(CONFIG_TI_CPSW) += ti_cpsw.o\nti_cpsw-y := cpsw.o cpsw_priv.o\nobj-$(CONFIG_TI_CPSW_SWITCHDEV) += ti_cpsw_new.o\nti_cpsw_new-y := cpsw_new.o cpsw_priv.o\n',
    'drivers/net/ethernet/mellanox/mlx5/core':
      'obj-$(CONFIG_MLX5_CORE) += mlx5_core.o\nmlx5_core-y := main.o\nmlx5_core-$(CONFIG_MLX5_CORE_EN) += en_main.o en/txrx.o\n',
  };
  const lookup = (dir: string): ReturnType<typeof parseKbuild> | undefined =>
    makefiles[dir] === undefined ? undefined : parseKbuild(makefiles[dir]);

  it('tells apart the modules of one folder', () => {
    assert.equal(moduleOf('drivers/net/ethernet/realtek/r8169_main.c', lookup)?.name, 'r8169');
    assert.equal(moduleOf('drivers/net/ethernet/realtek/8139cp.c', lookup)?.name, '8139cp');
  });

  it("finds a subfolder's file in its parent's Makefile", () => {
    const m = moduleOf('drivers/net/ethernet/mellanox/mlx5/core/en/txrx.c', lookup);
    assert.deepEqual(m && { name: m.name, dir: m.dir }, {
      name: 'mlx5_core',
      dir: 'drivers/net/ethernet/mellanox/mlx5/core',
    });
    assert.ok(m?.sources.includes('drivers/net/ethernet/mellanox/mlx5/core/en/txrx.c'));
  });

  it('gives every module an object is linked into', () => {
    assert.deepEqual(
      modulesOf('drivers/net/ethernet/ti/cpsw_priv.c', lookup).map((m) => m.name),
      ['ti_cpsw', 'ti_cpsw_new'],
    );
  });

  it('is undefined for a file no Makefile builds', () => {
    assert.equal(moduleOf('drivers/net/ethernet/realtek/unused.c', lookup), undefined);
  });
});
