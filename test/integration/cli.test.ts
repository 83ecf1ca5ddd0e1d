// The command line on the real Linux 6.12 tree, as a new user meets it: the drivers table
// in a terminal of 100 columns with the virtual devices apart, a "did you mean" for a
// mistyped driver, and `explain` however the field is written.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DriverSummary } from '../../src/analysis/presets';
import { queryJson, runCli } from '../helpers/kernel';

describe('netpaths on the real tree', () => {
  let list: DriverSummary[];
  let text: string;
  before(() => {
    list = queryJson<DriverSummary[]>(['drivers']);
    const r = runCli(['drivers']);
    assert.equal(r.status, 0, r.stderr);
    text = r.stdout;
  });

  const kind = (name: string): string | undefined => list.find((d) => d.name === name)?.device;

  it('puts NICs, paravirtual NICs and USB adapters with the hardware', () => {
    for (const name of ['e1000e', 'ixgbe', 'i40e', 'virtio_net', 'hv_netvsc', 'asix', 'r8152'])
      assert.equal(kind(name), 'hardware', name);
    // A library of USB adapters: its transmit function is theirs.
    assert.equal(kind('usbnet'), 'hardware');
  });

  it('puts devices made by software with the virtual devices', () => {
    for (const name of ['veth', 'tun', 'bonding', 'vxlan', 'geneve', 'macvlan', 'dummy', 'macsec'])
      assert.equal(kind(name), 'virtual', name);
  });

  it('lists the drivers in 100 columns, hardware first, then the virtual devices', () => {
    const lines = text.split('\n');
    for (const line of lines) assert.ok(line.length <= 100, `${line.length}: ${line}`);
    const virtualAt = lines.findIndex((l) => l.startsWith('Virtual devices ('));
    assert.ok(lines[0]?.startsWith('Hardware drivers ('), lines[0]);
    const row = (name: string): number => lines.findIndex((l) => l.startsWith(`${name} `));
    assert.ok(row('e1000e') > 0 && row('e1000e') < virtualAt);
    assert.ok(row('veth') > virtualAt && row('vxlan') > virtualAt);
    const virtual = list.filter((d) => d.device === 'virtual').length;
    assert.equal(lines[virtualAt]?.match(/\((\d+)\)/)?.[1], String(virtual));
  });

  it('names the closest drivers for a mistyped --driver', () => {
    const r = runCli(['ingress', '--driver', 'ixgbee']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^netpaths: unknown driver ixgbee \(did you mean ixgbe[,?]/);
    assert.match(runCli(['egress', '--driver', 'virtionet']).stderr, /did you mean virtio_net\?/);
  });

  it('explains skb->data, skb.data and data alike, from the tree’s own skbuff.h', () => {
    const arrow = runCli(['explain', 'skb->data']);
    assert.equal(arrow.status, 0, arrow.stderr);
    assert.match(arrow.stdout, /^skb->data {2}\(.*include\/linux\/skbuff\.h:\d+/);
    assert.equal(runCli(['explain', 'skb.data']).stdout, arrow.stdout);
    assert.equal(runCli(['explain', 'data']).stdout, arrow.stdout);
    const cut = runCli(['explain', 'skb-']);
    assert.equal(cut.status, 2);
    assert.match(cut.stderr, /quote it \('skb->data'\)/);
  });
});
