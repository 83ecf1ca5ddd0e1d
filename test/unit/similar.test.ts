// "Did you mean" (src/analysis/similar.ts) and its use for an unknown --driver.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Driver } from '../../src/analysis/presets';
import { unknownDriverMessage } from '../../src/analysis/presets/drivers';
import { closestNames, didYouMean } from '../../src/analysis/similar';

function driver(name: string, aliases: string[] = []): Driver {
  return {
    name,
    dir: `drivers/net/${name}`,
    aliases,
    files: [],
    irq: [],
    poll: [],
    xmit: [],
    owns: () => false,
  };
}

const DRIVERS = [
  driver('e100'),
  driver('e1000'),
  driver('e1000e'),
  driver('ixgbe'),
  driver('ixgbevf'),
  driver('mlx5_core', ['core']),
  driver('virtio_net'),
  driver('veth'),
];

describe('did you mean', () => {
  it('offers the names within a few edits, nearest first, case aside', () => {
    assert.deepEqual(closestNames('ixgeb', ['ixgbe', 'ixgbevf', 'igb']), ['igb', 'ixgbe']);
    assert.deepEqual(closestNames('E1000E', ['e1000e', 'e1000']), ['e1000e', 'e1000']);
    assert.deepEqual(closestNames('virtionet', ['virtio_net', 'veth']), ['virtio_net']);
    assert.deepEqual(closestNames('zzz', ['e1000e']), []);
  });

  it('says the names as a sentence', () => {
    assert.equal(didYouMean([]), '');
    assert.equal(didYouMean(['a']), ' (did you mean a?)');
    assert.equal(didYouMean(['a', 'b', 'c']), ' (did you mean a, b or c?)');
  });

  it('names the drivers closest to an unknown --driver', () => {
    assert.equal(
      unknownDriverMessage(DRIVERS, 'e100e'),
      'unknown driver e100e (did you mean e100, e1000 or e1000e?) (netpaths drivers lists them)',
    );
    assert.equal(
      unknownDriverMessage(DRIVERS, 'virtionet'),
      'unknown driver virtionet (did you mean virtio_net?) (netpaths drivers lists them)',
    );
    // Nothing within a few edits: the drivers the name begins.
    assert.equal(
      unknownDriverMessage(DRIVERS, 'mlx5'),
      'unknown driver mlx5 (did you mean mlx5_core?) (netpaths drivers lists them)',
    );
    assert.equal(
      unknownDriverMessage(DRIVERS, 'nosuchthing'),
      'unknown driver nosuchthing (netpaths drivers lists them)',
    );
  });
});
